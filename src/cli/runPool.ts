// The local executor of `bilevel sweep`: at most N runs at once, each its own process of this CLI,
// `bilevel run --spec <sweep>/runs.jsonl --index i`, the same command a SLURM array task runs.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** Set to `1` in the environment of a pool's run process: main.ts then leaves SIGINT to the pool (it forwards a stop as SIGTERM). */
export const SWEEP_RUN_ENV = 'BILEVEL_SWEEP_RUN';

/**
 * Calls `start` for each item in order, at most `jobs` at once, and starts none once `stopped()`
 * says so; resolves when every started one has settled, with their results in item order.
 */
export async function runPool<T, R>(items: readonly T[], jobs: number, start: (item: T) => Promise<R>, stopped: () => boolean): Promise<{ item: T; result: R }[]> {
  const results: { at: number; item: T; result: R }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stopped()) {
      const at = next++;
      const item = items[at]!;
      results.push({ at, item, result: await start(item) });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results.sort((a, b) => a.at - b.at).map(({ item, result }) => ({ item, result }));
}

/** How a run process ended, with everything it printed. */
export interface RunProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started run process: `child` to forward a stop to, `done` when it has exited. */
export interface RunProcess {
  readonly child: ChildProcess;
  readonly done: Promise<RunProcessResult>;
}

/**
 * Starts `node <entry> run --spec <runsJsonl> --index <index> --store <store> --backend <backend> --json`
 * in the pool's process group (a kill of the group ends it too), stdout and stderr captured.
 */
export function startRunProcess(args: { entry: string; runsJsonl: string; index: number; store: string; backend: string }): RunProcess {
  const argv = [args.entry, 'run', '--spec', args.runsJsonl, '--index', String(args.index), '--store', args.store, '--backend', args.backend, '--json'];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [SWEEP_RUN_ENV]: '1' } });
  const done = new Promise<RunProcessResult>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A process that cannot start (no node at execPath) is reported as an exit with its error.
    child.on('error', (err) => resolve({ code: null, signal: null, stdout, stderr: stderr + err.message }));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
