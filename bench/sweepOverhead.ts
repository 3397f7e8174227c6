// The per-run overhead of `bilevel sweep` (issue 14 item 6): a sweep of many ten-iteration toy runs
// through the built CLI (dist/cli.js, beside this bundle), its wall time minus the sum of the runs'
// own time (run.json's durationMs: from the record's creation to its end), per run. What remains is
// process start, backend set-up, problem set-up before the record exists, and the pool's messages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../src/protocol/runRecord';

/** One overhead measurement: the sweep's shape and how its runs are given processes. */
export interface SweepOverheadCase {
  /** `reuse`: worker processes that run many runs each (the default); `per-run`: a process per run. */
  readonly workers: 'reuse' | 'per-run';
  readonly runs: number;
  readonly jobs: number;
  readonly backend: string;
}

/** The problem, method and iterations of every run: the cheapest real run there is. */
const PROBLEM = 'toy-quadratic';
const METHOD = 'rhg';
const ITERATIONS = 10;

/**
 * Runs the sweep of `c` in a temporary store and returns its bench row: wall seconds, the runs'
 * summed seconds, and `overheadSecondsPerRun` = (wall − Σ run seconds / jobs) / runs. With jobs = 1
 * the runs do not overlap, so that is exactly the time per run spent outside the runs.
 */
export function measureSweepOverhead(cli: string, c: SweepOverheadCase): Record<string, unknown> {
  const store = mkdtempSync(path.join(os.tmpdir(), 'bilevel-bench-sweep-'));
  try {
    const argv = [cli, 'sweep', '--problem', PROBLEM, '--methods', METHOD, '--seeds', `0-${c.runs - 1}`, '--iterations', String(ITERATIONS)];
    argv.push('--backend', c.backend, '--jobs', String(c.jobs), '--workers', c.workers, '--store', store, '--json');
    const started = performance.now();
    const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wallSeconds = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`bilevel sweep exited ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    const out = JSON.parse(r.stdout) as { runs: { runId: string; status: string }[] };
    const seconds = out.runs.map((run) => (JSON.parse(readFileSync(path.join(store, run.runId, 'run.json'), 'utf8')) as RunRecord).durationMs ?? NaN);
    const computeSeconds = seconds.reduce((a, b) => a + b, 0) / 1000;
    return {
      bench: 'sweep-overhead',
      workers: c.workers,
      problem: PROBLEM,
      method: METHOD,
      iterations: ITERATIONS,
      runs: c.runs,
      jobs: c.jobs,
      backend: c.backend,
      cores: os.availableParallelism(),
      completed: out.runs.filter((run) => run.status === 'completed').length,
      wallSeconds,
      computeSeconds,
      overheadSecondsPerRun: (wallSeconds - computeSeconds / c.jobs) / c.runs,
    };
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}
