// The public API of the core library (tfjs-core only; no node, no UI).
import { registerSecondOrderGradients } from './autodiff/registerSecondOrderGradients';

// Problem files import from here and use tf.grad-based code right away, so the second-order-safe
// gradients must be in place as soon as the library is loaded.
registerSecondOrderGradients();

export * from './autodiff';
export { defineProblem, ProblemError, checkDefinition } from './problem/defineProblem';
export type { ProblemDefinition, ProblemDefaults, LevelDefinition, VariableSpec, VariableInit, Vars, Objective, EvaluationContext } from './problem/defineProblem';
export { evaluateProblem } from './problem/evaluateProblem';
export { compileProblem } from './problem/compileProblem';
export type { CompiledProblem } from './problem/compileProblem';
export { Solver, DivergenceError, runProblem, runResolved, resolveRunOptions } from './solver';
export type { RunOutcome, RunHooks } from './solver';
export { METHODS, getMethod } from './methods/registry';
export type { MethodSpec, AnyMethodSpec, HypergradientContext, HypergradientResult } from './methods/methodSpec';
export { RUN_OPTIONS } from './methods/runOptions';
export type { RunOptions, MethodOptions, MethodOptionSpec, ResolvedOptions } from './methods/runOptions';
export { resolveOptions, parseOptionValue, OptionsError } from './methods/options';
export type { OptionSpec, OptionValue, OptionRecord, OptionDefault, OptionList, OptionValueOf, OptionValues } from './methods/options';
export { BUILTIN_PROBLEMS, getBuiltinProblem, createBuiltinProblem } from './problems/registry';
export type { BuiltinProblem } from './problems/builtinProblem';
export { quadraticInstance, quadraticHypergradient } from './problems/toyQuadratic';
export { checkHypergradient, hypergradientAt, approximateObjective, startingPoint } from './check/checkHypergradient';
export type { CheckOptions, CheckResult, DirectionCheck } from './check/checkHypergradient';
export { createRng } from './rng';
export type { Rng } from './rng';
export { sgd, adam, chain, scaleByAdam, scaleByLearningRate, applyUpdates } from './optim/gradientTransformation';
export type { GradientTransformation, TransformState } from './optim/gradientTransformation';
export type { IterationRecord, RunSummary, RunStatus, StatValue } from '../protocol/metrics';
export * from './data';
// Workload families and their pieces, so problem files can build variants of them.
export { hypercleanMnist, cleaningF1 } from './problems/hypercleanMnist';
export { accuracyOf } from './problems/accuracyOf';
export type { HypercleanData } from './problems/hypercleanMnist';
export { fewShotSinusoid, drawSinusoid, sinusoidTask } from './problems/fewShotSinusoid';
export { fewShotDigits, splitDigits, drawDigitsTask } from './problems/fewShotDigits';
export { lqPenalty } from './problems/fewShotNetwork';
