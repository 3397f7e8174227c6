// Options every run has, whatever the method: the lower loop, the outer loop and the seed.
import type { OptionList, OptionSpec, OptionValues } from './options';

/** Shared run options; problem defaults override these defaults, and user values override both. */
export const RUN_OPTIONS = [
  { key: 'iterations', flag: 'iterations', type: 'integer', default: 200, min: 1, max: 10_000_000, description: 'Outer iterations T.' },
  {
    key: 'maxOracleCalls',
    flag: 'max-oracle-calls',
    type: 'integer',
    default: 0,
    min: 0,
    description: 'Budget of oracle calls (gradient + HVP evaluations): stop after the first outer iteration that reaches it; --iterations stays the upper bound (0: no budget). Compares methods of different cost per iteration fairly.',
  },
  { key: 'lowerSteps', flag: 'K', type: 'integer', default: 20, min: 1, max: 100_000, description: 'Lower-level steps K per outer iteration.' },
  { key: 'lowerLr', flag: 'inner-lr', type: 'number', default: 0.1, greaterThan: 0, description: 'Lower-level step size s.' },
  { key: 'outerLr', flag: 'outer-lr', type: 'number', default: 0.1, greaterThan: 0, description: 'Upper-level step size λ.' },
  {
    key: 'outerSchedule',
    flag: 'outer-schedule',
    type: 'choice',
    choices: ['constant', 'harmonic'],
    default: 'constant',
    description: 'Upper step schedule: constant λ, or harmonic λ/(t+1) (the UFOM toy protocol, docs/methods.md §9e).',
  },
  { key: 'outerOptimizer', flag: 'optimizer', type: 'choice', choices: ['sgd', 'adam'], default: 'sgd', description: 'Outer optimizer for x.' },
  { key: 'warmStart', flag: 'warm-start', type: 'boolean', default: false, description: 'Start each lower loop from the previous y_K instead of y_0.' },
  { key: 'seed', flag: 'seed', type: 'integer', default: 0, min: 0, description: 'Seed of initial values, data and random directions.' },
  { key: 'tolerance', flag: 'tol', type: 'number', default: 1e-3, greaterThan: 0, description: 'Tolerance for "iterations to tolerance" (on ‖x − x*‖, else on ‖g‖).' },
  { key: 'metaBatch', flag: 'meta-batch', type: 'integer', default: 1, min: 1, max: 10_000, description: 'Tasks per outer iteration (problems with a task sampler).' },
  {
    key: 'evalEvery',
    flag: 'eval-every',
    type: 'integer',
    default: 10,
    min: 0,
    description: 'Outer iterations between evaluations of held-out metrics (problems with evaluate; 0: only the last). The last iteration is always evaluated.',
  },
  {
    key: 'metaReduction',
    flag: 'meta-reduction',
    type: 'choice',
    choices: ['mean', 'sum'],
    default: 'mean',
    description: 'Combine the tasks\' hypergradients by mean (UFOM code) or sum (IAPTT code), docs/methods.md §1.3.',
  },
] as const satisfies OptionList;

/** The resolved run options: `iterations`, `lowerSteps`, … with their declared types. */
export type RunOptions = OptionValues<typeof RUN_OPTIONS>;

/** A method's option declaration: a computed default reads the resolved run options. */
export type MethodOptionSpec = OptionSpec<RunOptions>;

/** What a method reads: the run options and its own declared options `S`, resolved. */
export type MethodOptions<S extends OptionList> = RunOptions & OptionValues<S>;

/** The step size of the learned lower start z, for methods that learn it (IA-GM, IAPTT-GM; docs/methods.md §4). */
export const START_LR_OPTION = {
  key: 'startLr',
  flag: 'start-lr',
  type: 'number',
  greaterThan: 0,
  default: (o) => o.outerLr,
  description: 'Step size of the initialization auxiliary z (default: the outer step size).',
} as const satisfies MethodOptionSpec;

/** The optimizer of z: the paper's text says Adam for x and z; the IAPTT hyper-cleaning code uses SGD for z (docs/methods.md §9f). */
export const START_OPTIMIZER_OPTION = {
  key: 'startOptimizer',
  flag: 'start-optimizer',
  type: 'choice',
  choices: ['sgd', 'adam'],
  default: (o) => o.outerOptimizer,
  description: 'Optimizer of the initialization auxiliary z (default: the outer optimizer).',
} as const satisfies MethodOptionSpec;

/** Type-level only: run.json and the IPC messages carry resolved options as plain records. */
declare const resolvedBrand: unique symbol;

/**
 * Options that resolveRunOptions produced: every run option and every option of the method with
 * declarations `S`, present, valid and typed. Only resolveRunOptions makes one, so a raw record
 * cannot stand in for it; a recorded one (read back from run.json) is resolved again, which is the
 * identity.
 */
export type ResolvedOptions<S extends OptionList = OptionList> = MethodOptions<S> & { readonly [resolvedBrand]: true };
