// Entry of the `bilevel` bundle (dist/cli.js, loaded by bin/bilevel.js): wires runCli to the process,
// its streams, its signals and its exit code (README: "Exit codes and signals").
import { releaseBackend } from '../runtime/backend';
import type { CliIo, StopCause } from './cliIo';
import { exitCodeFor } from './cliIo';
import { guardStream } from './guardStream';
import { runCli, STOPPABLE_COMMANDS } from './runCli';
import { watchStopSignals } from './watchStopSignals';
import type { SignalTarget } from './watchStopSignals';
import { SWEEP_RUN_ENV } from './runPool';
import { registerNodeDatasets } from '../datasets/registerNodeDatasets';

// Built-in workloads (hyperclean-mnist, fewshot-mnist) load MNIST through core's dataset registry.
registerNodeDatasets();

const argv = process.argv.slice(2);
// Only run and compare look for a stop request between iterations. Any other command keeps a
// signal's default action (it ends the process), since it would never look.
const stoppable = STOPPABLE_COMMANDS.has(argv[0] ?? '');
let stop: StopCause | undefined;
let finished: number | undefined;

const stderr = guardStream(process.stderr, () => {});
const stdout = guardStream(process.stdout, (err) => {
  // A terminal that hangs up fails with EIO and sends SIGHUP too, which stops the run; here only the
  // reader of a pipe going away (EPIPE) asks for a stop.
  if (err.code !== 'EPIPE') return;
  if (finished !== undefined) {
    if (finished === 0) process.exitCode = exitCodeFor('EPIPE');
    return;
  }
  if (stop !== undefined) return;
  stop = 'EPIPE';
  stderr.write(`bilevel: stdout was closed (EPIPE); ${stoppable ? 'stopping after this iteration' : 'nothing more is printed'}\n`);
});

// The first signal asks the run to stop after the current iteration (the record ends `cancelled`,
// the exit code is 128 + n); a second one ends the process at once (watchStopSignals.ts).
// A run started by a `bilevel sweep` pool (sweepCommand.ts) sits in the pool's process group, so a
// terminal's Ctrl-C (or hang-up) reaches it as well as the pool, which forwards its stop as SIGTERM:
// the run ignores SIGINT and SIGHUP, so one Ctrl-C is one stop request and not two (a second one
// would end it at once, `interrupted`).
const poolRun = process.env[SWEEP_RUN_ENV] === '1';
const leftToPool = (s: string): boolean => poolRun && (s === 'SIGINT' || s === 'SIGHUP');
if (poolRun) for (const s of ['SIGINT', 'SIGHUP'] as const) process.on(s, () => {});
const signals: SignalTarget = { on: (s, l) => !leftToPool(s) && process.on(s, l), off: (s, l) => process.off(s, l) };
const unwatch = stoppable
  ? watchStopSignals(signals, (signal) => {
      stop = signal;
      stderr.write(`\nbilevel: ${signal}: stopping after this iteration (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit now)\n`);
    })
  : () => {};

const io: CliIo = { stdout, stderr, interrupted: () => stop !== undefined, stopCause: () => stop };
void runCli(argv, io).then((code) => {
  unwatch();
  releaseBackend();
  finished = code;
  // A stopped run's command already returns 128 + n; one that finished anyway still reports the stop.
  process.exitCode = stop !== undefined && code === 0 ? exitCodeFor(stop) : code;
});
