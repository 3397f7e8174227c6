// An option's declaration as plain data (core's OptionSpec without its default and help): what the
// extension's options box and a sweep's grid check values against without loading core.

/** One option: key, flag, type and range. */
export interface OptionDecl {
  /** Key in option objects (ExperimentSpec.options), e.g. `lowerSteps`. */
  readonly key: string;
  /** Command-line flag without dashes, e.g. `K`. */
  readonly flag: string;
  readonly type: 'integer' | 'number' | 'choice' | 'boolean';
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly greaterThan?: number;
  readonly choices?: readonly string[];
}
