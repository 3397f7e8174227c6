// A sweep: many runs of one problem over methods × a grid of option values × seeds, and the records
// that describe it (docs/sweeps.md). Plain data every process can read; imports only protocol.
import type { ExperimentSpec, ProblemSource } from './experiment';
import type { RunStatus } from './metrics';

/** A value of a run or method option (as in ExperimentSpec.options). */
export type SweepValue = number | string | boolean;

/** One axis of the grid: a run or method option, or a built-in problem's parameter, by its command-line flag, and the values it takes. */
export interface GridAxis {
  /** Flag without dashes, e.g. `K`, `inner-lr` (the names `bilevel methods` lists), or `n`, `start` (`bilevel problems`). */
  readonly flag: string;
  /** The values in the order given; no duplicates. */
  readonly values: readonly SweepValue[];
  /** Set when the flag is a parameter of the sweep's built-in problem: every method takes it, and each run's problem gets it. */
  readonly problem?: true;
}

/** What a sweep runs: `bilevel sweep --spec sweep.json` holds one (docs/sweeps.md). */
export interface SweepSpec {
  readonly problem: ProblemSource;
  /** Method ids, in the order the runs and the tables list them; no duplicates. */
  readonly methods: readonly string[];
  /** Seeds, each run once per method × grid point; no duplicates. */
  readonly seeds: readonly number[];
  /** The grid, slowest-varying axis first (the order the `--set` flags were given). */
  readonly grid: readonly GridAxis[];
  /** Options by key for every method that takes them (`outerLr`, …); unset keys take the defaults. */
  readonly options?: Readonly<Record<string, SweepValue>>;
  /** Options by key for one method, by method id; they win over `options`. */
  readonly methodOptions?: Readonly<Record<string, Readonly<Record<string, SweepValue>>>>;
  /** Outer iterations of every run (the `iterations` option); absent: the problem's or the default. */
  readonly iterations?: number;
  /** Label shown in the history and the report. */
  readonly name?: string;
}

/** One run of an expanded sweep: a method at one grid point and one seed. */
export interface SweepRun {
  /** Position in the expansion, 0-based: method, then grid point, then seed (docs/sweeps.md). */
  readonly index: number;
  readonly method: string;
  readonly seed: number;
  /** Every option the sweep sets for this run, by key: common, per-method, the grid point, `seed`, `iterations`. */
  readonly options: Readonly<Record<string, SweepValue>>;
  /** The grid values this run takes, by flag, in grid order (only flags the method takes). */
  readonly gridPoint: Readonly<Record<string, SweepValue>>;
  /** Grid flags this method does not take: they neither apply nor multiply its runs. */
  readonly dropped: readonly string[];
  /** The problem parameters of this run's grid point, by key (only with problem axes); they join the problem's own. */
  readonly problemParams?: Readonly<Record<string, SweepValue>>;
}

/** A run of a recorded sweep: the expanded run and the run id its run record has (or will have). */
export interface SweepRecordRun extends SweepRun {
  readonly runId: string;
}

/** How the runs of a sweep were (or are being) executed; one entry per submission (the first, each resume). */
export interface SweepExecution {
  /** `local`: a pool of worker processes of `bilevel sweep`; `slurm`: an array job. */
  readonly kind: 'local' | 'slurm';
  /** ISO-8601 time of the submission. */
  readonly startedAt: string;
  /** The sweep indices it runs, 0-based. */
  readonly indices: readonly number[];
  /** The local pool's process and host. */
  readonly pid?: number;
  readonly hostname?: string;
  /** The SLURM job id (`sbatch --parsable`). */
  readonly jobId?: string;
}

/** Format version of sweep.json; readers skip newer ones. */
export const SWEEP_SCHEMA_VERSION = 1;

/**
 * The sweep's own record (`sweep.json`): its spec and its expanded runs with their run ids. Written by
 * the one process that creates or resubmits the sweep; never holds a status (sweepStatus derives it
 * from the runs' records, so concurrent runs never write one shared file).
 */
export interface SweepRecord {
  readonly schemaVersion: number;
  readonly id: string;
  readonly name?: string;
  /** ISO-8601 creation time. */
  readonly createdAt: string;
  readonly spec: SweepSpec;
  /** Every run, in index order (`runs[i].index === i`). */
  readonly runs: readonly SweepRecordRun[];
  readonly executions?: readonly SweepExecution[];
}

/** Where a run sits in its sweep; also what a run record of a sweep is tagged with. */
export interface SweepTag {
  readonly id: string;
  readonly index: number;
}

/**
 * One line of `runs.jsonl`: the experiment spec of run `sweep.index` with the run id to record it
 * under (`bilevel run --spec runs.jsonl --index i`, docs/sweeps.md).
 */
export interface SweepRunLine extends ExperimentSpec {
  readonly runId: string;
  readonly sweep: SweepTag;
}

/**
 * A sweep's status, derived from its runs: `queued` (none started), `running`, `completed` (every run
 * completed or diverged), `partial` (some did, the others failed, were interrupted or never started),
 * `failed` (none did), `cancelled` (a run was cancelled and nothing runs).
 */
export type SweepStatus = 'queued' | 'running' | 'completed' | 'partial' | 'failed' | 'cancelled';

/** Statistics of one final metric over a group's runs (median with its 20–80% band, mean with its 95% CI). */
export interface MetricSummary {
  /** Finite values summarized. */
  readonly n: number;
  /** Values dropped because they were NaN or ±Infinity (e.g. a diverged run's loss). */
  readonly nonFinite: number;
  /** Absent when n = 0. */
  readonly median?: number;
  readonly q20?: number;
  readonly q80?: number;
  readonly mean?: number;
  /** Half-width of the 95% confidence interval of the mean, t_{0.975, n−1}·s/√n; absent when n < 2. */
  readonly ci95?: number;
}

/** The statistics of one group: a method at one grid point, over its seeds (`bilevel sweep --json`'s `groups`). */
export interface SweepGroup {
  /** groupKey of its runs, e.g. `rhg K=10 inner-lr=0.1`. */
  readonly key: string;
  readonly method: string;
  readonly gridPoint: Readonly<Record<string, SweepValue>>;
  /** Runs in the group. */
  readonly n: number;
  /** Every final metric a run of the group has, by name. */
  readonly metrics: Readonly<Record<string, MetricSummary>>;
}

/** The status of a sweep index: a run's status, or undefined while its run has no record yet. */
export type SweepRunState = RunStatus | undefined;
