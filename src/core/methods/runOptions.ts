// Options every run has, whatever the method: the lower loop, the outer loop and the seed.
import type { OptionSpec } from './options';

/** Shared run options; problem defaults override these defaults, and user values override both. */
export const RUN_OPTIONS: readonly OptionSpec[] = [
  { key: 'iterations', flag: 'iterations', type: 'integer', default: 200, min: 1, description: 'Outer iterations T.' },
  { key: 'lowerSteps', flag: 'K', type: 'integer', default: 20, min: 1, description: 'Lower-level steps K per outer iteration.' },
  { key: 'lowerLr', flag: 'inner-lr', type: 'number', default: 0.1, greaterThan: 0, description: 'Lower-level step size s.' },
  { key: 'outerLr', flag: 'outer-lr', type: 'number', default: 0.1, greaterThan: 0, description: 'Upper-level step size λ.' },
  { key: 'outerOptimizer', flag: 'optimizer', type: 'choice', choices: ['sgd', 'adam'], default: 'sgd', description: 'Outer optimizer for x.' },
  { key: 'warmStart', flag: 'warm-start', type: 'boolean', default: false, description: 'Start each lower loop from the previous y_K instead of y_0.' },
  { key: 'seed', flag: 'seed', type: 'integer', default: 0, min: 0, description: 'Seed of initial values, data and random directions.' },
  { key: 'tolerance', flag: 'tol', type: 'number', default: 1e-3, greaterThan: 0, description: 'Tolerance for "iterations to tolerance" (on ‖x − x*‖, else on ‖g‖).' },
];
