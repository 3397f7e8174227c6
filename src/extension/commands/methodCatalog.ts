// The methods and built-in problems the pickers offer, as plain data: the extension never imports
// core (ARCHITECTURE.md). Mirrors METHODS in src/core/methods/registry.ts and BUILTIN_PROBLEMS in
// src/core/problems/registry.ts, and the options of RUN_OPTIONS and each method; test/unit/extension/
// commands/methodCatalog.test.ts fails when they drift.

import type { OptionDecl } from '../../protocol/optionDecl';
import type { SweepCatalog } from '../../sweep/sweepCatalog';

/** A method as the quick picks show it. */
export interface MethodEntry {
  /** Method id (`rhg`, `t-rhg`, …), as in ExperimentSpec.method. */
  readonly id: string;
  readonly title: string;
  /** One line describing the hypergradient and its memory. */
  readonly summary: string;
}

/** A built-in problem family as the quick picks show it (run with its default parameters). */
export interface BuiltinProblemEntry {
  readonly id: string;
  readonly title: string;
  /** The problem's own default method (its `defaults.method`), used by ▶ Run. */
  readonly defaultMethod: string;
}

/** Every method, in the order `bilevel methods` lists them. */
export const METHOD_CATALOG: readonly MethodEntry[] = [
  { id: 'rhg', title: 'RHG (reverse-mode unrolled hypergradient)', summary: 'Exact gradient of F(x, y_K(x)) through all K lower steps; memory O(K·m).' },
  { id: 't-rhg', title: 'T-RHG (truncated back-propagation)', summary: 'RHG through the last M of K steps only; memory O(M·m); M = K/2 by default.' },
  { id: 'cg', title: 'CG (implicit gradient, conjugate gradients)', summary: 'Implicit-function hypergradient at y_K; H v = ∇_yF solved by CG; memory O(m).' },
  { id: 'neumann', title: 'NS (implicit gradient, Neumann series)', summary: 'Implicit-function hypergradient at y_K; H⁻¹ by J Neumann terms; memory O(m).' },
  { id: 'fom', title: 'FOM (first-order approximation)', summary: 'Direct term ∇_xF(x, y_K) only; no second-order products; memory O(1) in K.' },
  {
    id: 'sl-bamm',
    title: 'sl-BAMM (single-loop averaged method of multipliers)',
    summary: 'Single loop: one step each of y on μF + (1−μ)f, of the multiplier z and of x; no inner loop (K ignored).',
  },
  {
    id: 'ufom',
    title: 'UFOM (unbiased first-order method)',
    summary: 'FOM plus, with probability q, the exact reverse-mode correction re-weighted by 1/q: unbiased; memory O(1) in K (recompute).',
  },
  { id: 'bda', title: 'BDA (bi-level descent aggregation)', summary: 'Lower steps along α_k s_u ∇_yF + (1−α_k) s_l ∇_yf; exact reverse mode through them; memory O(K·m).' },
  { id: 'ia-gm', title: 'IA-GM (initialization auxiliary)', summary: 'Learns the lower start z with x; exact reverse mode of F(x, y_K(x, z)) through K GD steps.' },
  {
    id: 'ia-gm-a',
    title: 'IA-GM(A) (initialization auxiliary, accelerated lower loop)',
    summary: 'IA-GM with FISTA (or Nesterov-momentum) lower steps; reverse mode through the augmented state.',
  },
  {
    id: 'iaptt-gm',
    title: 'IAPTT-GM (initialization auxiliary + pessimistic trajectory truncation)',
    summary: 'Learns z with x; back-propagates the worst F(x, y_k*) along the trajectory through its first k* steps.',
  },
  {
    id: 'ptt',
    title: 'PTT (pessimistic trajectory truncation, fixed start)',
    summary: 'Back-propagates the worst F(x, y_k*) along the GD trajectory through its first k* steps; y_0 not learned.',
  },
];

/** Every built-in problem family, in the order `bilevel problems` lists them. */
export const BUILTIN_PROBLEM_CATALOG: readonly BuiltinProblemEntry[] = [
  { id: 'toy-quadratic', title: 'Strongly convex quadratic (sl-BAMM toy d2)', defaultMethod: 'rhg' },
  { id: 'toy-nonsingleton', title: 'Non-singleton lower level (BDA toy)', defaultMethod: 'rhg' },
  { id: 'toy-nonconvex', title: 'Non-convex lower level (IAPTT-GM Eq. 10)', defaultMethod: 'iaptt-gm' },
  { id: 'toy-ufom', title: 'UFOM toy: FOM converges to a non-stationary point (toy.py)', defaultMethod: 'ufom' },
  { id: 'toy-llc', title: 'LLC example of IA-GM(A) (IAPTT-GM Eq. 13)', defaultMethod: 'ia-gm-a' },
  { id: 'hyperclean-mnist', title: 'Data hyper-cleaning on MNIST (docs/methods.md §9f)', defaultMethod: 'iaptt-gm' },
  { id: 'fewshot-sinusoid', title: 'Few-shot sinusoid regression (MAML): learned initialization or head start', defaultMethod: 'fom' },
  { id: 'fewshot-mnist', title: 'Few-shot MNIST digits (N-way K-shot): learned feature extractor and head start', defaultMethod: 'iaptt-gm' },
];

/** True when `id` names a catalogued method. */
export function isKnownMethod(id: string): boolean {
  return METHOD_CATALOG.some((m) => m.id === id);
}

/** The options every method takes (RUN_OPTIONS in src/core/methods/runOptions.ts), in order. */
export const RUN_OPTION_CATALOG: readonly OptionDecl[] = [
  { key: 'iterations', flag: 'iterations', type: 'integer', min: 1, max: 10000000 },
  { key: 'maxOracleCalls', flag: 'max-oracle-calls', type: 'integer', min: 0 },
  { key: 'lowerSteps', flag: 'K', type: 'integer', min: 1, max: 100000 },
  { key: 'lowerLr', flag: 'inner-lr', type: 'number', greaterThan: 0 },
  { key: 'outerLr', flag: 'outer-lr', type: 'number', greaterThan: 0 },
  { key: 'outerSchedule', flag: 'outer-schedule', type: 'choice', choices: ['constant', 'harmonic'] },
  { key: 'outerOptimizer', flag: 'optimizer', type: 'choice', choices: ['sgd', 'adam'] },
  { key: 'warmStart', flag: 'warm-start', type: 'boolean' },
  { key: 'seed', flag: 'seed', type: 'integer', min: 0 },
  { key: 'tolerance', flag: 'tol', type: 'number', greaterThan: 0 },
  { key: 'metaBatch', flag: 'meta-batch', type: 'integer', min: 1, max: 10000 },
  { key: 'evalEvery', flag: 'eval-every', type: 'integer', min: 0 },
  { key: 'metaReduction', flag: 'meta-reduction', type: 'choice', choices: ['mean', 'sum'] },
];

/** Each method's own options (its `options` declaration in src/core/methods), by method id, in order. */
export const METHOD_OPTION_CATALOG: Readonly<Record<string, readonly OptionDecl[]>> = {
  'rhg': [],
  't-rhg': [
    { key: 'truncation', flag: 'M', type: 'integer', min: 1, max: 100000 },
  ],
  'cg': [
    { key: 'cgIterations', flag: 'cg-iters', type: 'integer', min: 1, max: 100000 },
    { key: 'cgTolerance', flag: 'cg-tol', type: 'number', greaterThan: 0 },
    { key: 'damping', flag: 'damping', type: 'number', min: 0 },
    { key: 'cgCurvatureFloor', flag: 'cg-curvature-floor', type: 'number', min: 0 },
    { key: 'cgAcceptResidual', flag: 'cg-accept-residual', type: 'number', greaterThan: 0 },
  ],
  'neumann': [
    { key: 'neumannTerms', flag: 'neumann-terms', type: 'integer', min: 0, max: 100000 },
    { key: 'neumannLr', flag: 'neumann-lr', type: 'number', greaterThan: 0 },
  ],
  'fom': [],
  'sl-bamm': [
    { key: 'muInit', flag: 'mu0', type: 'number', min: 0, max: 1 },
    { key: 'muPower', flag: 'mu-power', type: 'number', greaterThan: 0 },
    { key: 'muSchedule', flag: 'mu-schedule', type: 'choice', choices: ['decay', 'fixed'] },
    { key: 'tau', flag: 'tau', type: 'number', min: 0 },
    { key: 'strategy', flag: 'strategy', type: 'choice', choices: ['s1', 's2', 's3', 'constant'] },
    { key: 'multiplierStep', flag: 'multiplier-step', type: 'choice', choices: ['adaptive', 'schedule'] },
    { key: 'multiplierLr', flag: 'multiplier-lr', type: 'number', greaterThan: 0 },
    { key: 'useNewMultiplier', flag: 'use-new-multiplier', type: 'boolean' },
  ],
  'ufom': [
    { key: 'q', flag: 'q', type: 'number', min: 0, max: 1 },
    { key: 'adaptive', flag: 'adaptive', type: 'boolean' },
    { key: 'memoryMode', flag: 'memory-mode', type: 'choice', choices: ['recompute', 'store'] },
    { key: 'biasEstimate', flag: 'bias-estimate', type: 'choice', choices: ['code', 'fom'] },
    { key: 'qMin', flag: 'q-min', type: 'number', max: 1, greaterThan: 0 },
    { key: 'emaDecay', flag: 'ema-decay', type: 'number', min: 0 },
    { key: 'clipAdjoint', flag: 'clip-adjoint', type: 'number', min: 0 },
  ],
  'bda': [
    { key: 'alpha0', flag: 'alpha0', type: 'number', max: 1, greaterThan: 0 },
    { key: 'alphaSchedule', flag: 'alpha-schedule', type: 'choice', choices: ['geometric', 'harmonic'] },
    { key: 'alphaDecay', flag: 'alpha-decay', type: 'number', max: 1, greaterThan: 0 },
    { key: 'upperStepSize', flag: 'upper-step', type: 'number', greaterThan: 0 },
    { key: 'lowerStepSize', flag: 'lower-step', type: 'number', greaterThan: 0 },
    { key: 'traceEvery', flag: 'trace-every', type: 'integer', min: 0 },
  ],
  'ia-gm': [
    { key: 'startLr', flag: 'start-lr', type: 'number', greaterThan: 0 },
    { key: 'startOptimizer', flag: 'start-optimizer', type: 'choice', choices: ['sgd', 'adam'] },
    { key: 'traceEvery', flag: 'trace-every', type: 'integer', min: 0 },
  ],
  'ia-gm-a': [
    { key: 'startLr', flag: 'start-lr', type: 'number', greaterThan: 0 },
    { key: 'startOptimizer', flag: 'start-optimizer', type: 'choice', choices: ['sgd', 'adam'] },
    { key: 'acceleration', flag: 'acceleration', type: 'choice', choices: ['fista', 'nesterov-momentum'] },
    { key: 'momentum', flag: 'momentum', type: 'number', min: 0, max: 1 },
    { key: 'traceEvery', flag: 'trace-every', type: 'integer', min: 0 },
  ],
  'iaptt-gm': [
    { key: 'startLr', flag: 'start-lr', type: 'number', greaterThan: 0 },
    { key: 'startOptimizer', flag: 'start-optimizer', type: 'choice', choices: ['sgd', 'adam'] },
    { key: 'memoryMode', flag: 'memory-mode', type: 'choice', choices: ['store', 'two-pass'] },
    { key: 'traceEvery', flag: 'trace-every', type: 'integer', min: 0 },
  ],
  'ptt': [
    { key: 'memoryMode', flag: 'memory-mode', type: 'choice', choices: ['store', 'two-pass'] },
    { key: 'traceEvery', flag: 'trace-every', type: 'integer', min: 0 },
  ],
};

/** The same declarations as a sweep catalog (src/sweep's CORE_CATALOG without core), what New Sweep expands against. */
export const EXTENSION_SWEEP_CATALOG: SweepCatalog = {
  runOptions: RUN_OPTION_CATALOG,
  methods: METHOD_CATALOG.map((m) => ({ id: m.id, options: METHOD_OPTION_CATALOG[m.id] ?? [] })),
};
