// Entry of the `bilevel` bundle (dist/cli.js, loaded by bin/bilevel.js): wires runCli to the process.
import { releaseBackend } from '../runtime/backend';
import type { CliIo } from './cliIo';
import { EXIT_INTERRUPTED } from './cliIo';
import { runCli } from './runCli';
import { registerNodeDatasets } from '../datasets/registerNodeDatasets';

// Built-in workloads (hyperclean-mnist, fewshot-mnist) load MNIST through core's dataset registry.
registerNodeDatasets();

let interrupted = false;
// The first Ctrl-C asks the run to stop after the current iteration (the record ends `cancelled`);
// a second one exits at once.
const onSigint = (): void => {
  if (interrupted) process.exit(EXIT_INTERRUPTED);
  interrupted = true;
  process.stderr.write('\nbilevel: stopping after this iteration (Ctrl-C again to quit now)\n');
};
process.on('SIGINT', onSigint);
const io: CliIo = { stdout: process.stdout, stderr: process.stderr, interrupted: () => interrupted };
void runCli(process.argv.slice(2), io).then((code) => {
  process.off('SIGINT', onSigint);
  releaseBackend();
  process.exitCode = interrupted && code === 0 ? EXIT_INTERRUPTED : code;
});

