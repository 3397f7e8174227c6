// What to run: the experiment spec every process agrees on (CLI, worker, extension host, webview).
// Imports nothing, so every process can use it.

/** Where the problem comes from: a built-in family, or an export of a `*.bilevel.ts` file. */
export type ProblemSource =
  | { readonly kind: 'builtin'; readonly id: string; readonly params: Readonly<Record<string, number | string | boolean>> }
  | {
      readonly kind: 'file';
      /** Path of the problem file: absolute in messages; in a spec file, relative to that file's folder. */
      readonly path: string;
      /** Export name of the problem (`default` for a default export); absent: the default export, else the only problem. */
      readonly exportName?: string;
    };

/**
 * One experiment: a problem, a method, and its options by key (`bilevel methods` lists them; the
 * seed is the `seed` option). `bilevel run --spec FILE` reads it as JSON (docs/experiment-spec.md,
 * docs/experiment-spec.schema.json); a run's run.json config gives it back (store/problemPaths.ts).
 */
export interface ExperimentSpec {
  readonly problem: ProblemSource;
  /** Method id (`rhg`, `iaptt-gm`, …). */
  readonly method: string;
  /** Run and method options by key (`lowerSteps`, `truncation`, …); unset keys take the defaults. */
  readonly options: Readonly<Record<string, number | string | boolean>>;
  /** Optional label shown in the history. */
  readonly name?: string;
  /** The paper preset (protocol/presets.ts) this experiment came from; kept in the run record. */
  readonly preset?: string;
}

/** A problem found in a problem file (for code lenses and quick picks). */
export interface ProblemLocation {
  /** Export name (`default` or the const name). */
  readonly exportName: string;
  /** 0-based line and character of the `defineProblem(` call. */
  readonly line: number;
  readonly character: number;
}

/** A compile or validation error in a problem file, with its position when known (1-based line/column). */
export interface SourceDiagnostic {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}
