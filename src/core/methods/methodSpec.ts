// What a hypergradient method is to the solver: declared options plus one hypergradient step.
import type { Counters } from '../derivatives';
import type { Rng } from '../rng';
import type { CompiledProblem } from '../problem/compileProblem';
import type { StatValue } from '../../protocol/metrics';
import type { TensorList } from '../tensorList';
import type { OptionList } from './options';
import type { MethodOptions } from './runOptions';

/** Inputs of one hypergradient evaluation for a method with option declarations `S`; nothing here is disposed by the method. */
export interface HypergradientContext<S extends OptionList = OptionList> {
  readonly problem: CompiledProblem;
  /** Current upper variables x_t. */
  readonly x: TensorList;
  /** Lower start y_0 for this outer step. */
  readonly y0: TensorList;
  /** Resolved run options (lowerSteps, lowerLr, …) merged with the method's own options. */
  readonly options: MethodOptions<S>;
  readonly counters: Counters;
  /** The method's own state across outer iterations (from createState), if it has one. */
  readonly state?: MethodState;
  /** Seeded randomness for the method (e.g. UFOM's coins); the run's seed makes it replayable. */
  readonly rng: Rng;
  /** True when y_0 depends on a learned variable (IA's z, or x through lower.start): return gy0. */
  readonly needsLowerStartGradient: boolean;
}

/** Tensors a method keeps across outer iterations; the solver disposes it at the end. */
export interface MethodState {
  dispose(): void;
}

/** One hypergradient evaluation; the caller owns (and disposes) gx and yK. */
export interface HypergradientResult {
  /** Hypergradient estimate w.r.t. each upper tensor. */
  readonly gx: TensorList;
  /** Final lower iterate y_K (metrics and warm starts use it). */
  readonly yK: TensorList;
  /** dL/dy_0, when ctx.needsLowerStartGradient (zeros where y_0 does not matter, e.g. implicit methods). */
  readonly gy0?: TensorList;
  readonly stats: Record<string, StatValue>;
  /** Set when the method flags its own result as unreliable (e.g. CG on a singular Hessian). */
  readonly warning?: string;
  readonly forwardMs: number;
  readonly backwardMs: number;
}

/**
 * A named method: lower-level dynamics × hypergradient operator (docs/methods.md §1.3–1.4). `S` is its option
 * list, declared `as const` so that every hook below reads typed options.
 */
export interface MethodSpec<S extends OptionList = OptionList> {
  /** Command-line id, e.g. `t-rhg`. */
  readonly id: string;
  readonly title: string;
  /** One line for `bilevel methods`. */
  readonly summary: string;
  /** Paper reference. */
  readonly reference: string;
  /** Method-specific options (the run options K, s, … are shared, see runOptions.ts). */
  readonly options: S;
  /** True for initialization-auxiliary methods: y_0 = z is learned with its own optimizer (docs/methods.md §4). */
  readonly learnsLowerStart?: boolean;
  /** Creates the per-run state (sl-BAMM's y and multiplier, UFOM's running estimates). */
  createState?(problem: CompiledProblem, options: MethodOptions<S>): MethodState;
  /** λ_t when the method schedules the upper step itself (sl-BAMM's strategies); replaces outerLr. */
  outerLrSchedule?(options: MethodOptions<S>): (t: number) => number;
  /** Checks relations between resolved options (e.g. M ≤ K); returns one message per problem, naming the flags. */
  validate?(options: MethodOptions<S>): string[];
  /** Computes the hypergradient at ctx.x. */
  hypergradient(ctx: HypergradientContext<S>): Promise<HypergradientResult>;
}

/** Any method, whatever its options (the registry's element type); its options read as a string-keyed record. */
export type AnyMethodSpec = MethodSpec<OptionList>;
