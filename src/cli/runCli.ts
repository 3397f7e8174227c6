// The `bilevel` command line without the process: parses argv, dispatches to a command, and maps
// errors to exit codes (2: a mistake in the command line or options, printed without a stack; 1: a
// backend out of memory, said in words, or an internal error). main.ts wires it to the process.
import { BUILTIN_PROBLEMS, METHODS, OptionsError, ProblemError, RUN_OPTIONS } from '../core';
import type { OptionSpec } from '../core';
import { ProblemFileError } from '../problemFiles/compileProblemFile';
import { SweepError } from '../sweep/sweepError';
import { BackendUnavailableError } from '../runtime/backend';
import { BackendMemoryError, describeBackendError } from '../runtime/describeBackendError';
import { StoreWriteError } from '../store/storeWriteError';
import type { CliIo } from './cliIo';
import { booleanFlags, COMMANDS } from './commandFlags';
import { checkCommand } from './commands/checkCommand';
import { compareCommand } from './commands/compareCommand';
import { gradCommand } from './commands/gradCommand';
import { initCommand } from './commands/initCommand';
import { methodsCommand, presetsCommand, problemsCommand } from './commands/listCommands';
import { runCommand } from './commands/runCommand';
import { sweepCommand } from './commands/sweepCommand';
import { parseArgs } from './parseArgs';
import { commandUsage, mainUsage } from './usage';
import { UsageError } from './usageError';
import { version } from '../../package.json';

type Command = (args: ReturnType<typeof parseArgs>, io: CliIo) => number | Promise<number>;

const HANDLERS: Readonly<Record<string, Command>> = {
  problems: problemsCommand,
  methods: methodsCommand,
  presets: (args, io) => presetsCommand(args, io),
  run: runCommand,
  compare: compareCommand,
  sweep: sweepCommand,
  check: checkCommand,
  grad: gradCommand,
  init: initCommand,
};

/** Commands that look for a stop request (a signal, a closed stdout) between iterations (sweep: between runs, forwarding it to its runs); main.ts handles signals for them. */
export const STOPPABLE_COMMANDS: ReadonlySet<string> = new Set(['run', 'compare', 'sweep']);

/** Runs the CLI for `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let flags: ReadonlyMap<string, string> = new Map();
  try {
    const args = parseArgs(argv, booleanFlags());
    flags = args.flags;
    if (args.command === undefined) {
      if (args.flags.has('version')) {
        io.stdout.write(`${version}\n`);
        return 0;
      }
      if (args.flags.has('help')) {
        io.stdout.write(mainUsage() + '\n');
        return 0;
      }
      io.stderr.write(mainUsage() + '\n');
      return 2;
    }
    const handler = HANDLERS[args.command];
    if (!handler) {
      throw new UsageError(`unknown command '${args.command}'; valid commands: ${COMMANDS.map((c) => c.name).join(', ')} (see bilevel --help)`);
    }
    if (args.flags.has('help')) {
      io.stdout.write(commandUsage(args.command, args.flags.get('method')) + '\n');
      return 0;
    }
    return await handler(args, io);
  } catch (err) {
    // Before the usage errors: an out-of-memory inside a problem's data loader arrives as a ProblemError.
    const memory = err instanceof BackendMemoryError ? err.message : describeBackendError(err, flags.get('backend') ?? 'wasm', givenSizes(flags));
    // The user's environment, not a bug: out of memory, a full or unwritable disk (exit 1, no stack).
    if (memory !== undefined || err instanceof StoreWriteError) {
      io.stderr.write(`bilevel: ${memory ?? (err as StoreWriteError).message}\n`);
      return 1;
    }
    if (err instanceof UsageError || err instanceof SweepError || err instanceof OptionsError || err instanceof ProblemError || err instanceof ProblemFileError || err instanceof BackendUnavailableError) {
      io.stderr.write(`bilevel: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`bilevel: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

/** The size flags given (K, n, hidden, …: integers with a declared maximum), by flag, for an out-of-memory message. */
function givenSizes(flags: ReadonlyMap<string, string>): Record<string, string> {
  const specs: readonly OptionSpec[] = [...RUN_OPTIONS, ...METHODS.flatMap((m) => m.options), ...BUILTIN_PROBLEMS.flatMap((p) => p.params)];
  const sizes = new Set(specs.filter((s) => s.type === 'integer' && s.max !== undefined).map((s) => s.flag));
  return Object.fromEntries([...flags].filter(([flag]) => sizes.has(flag)));
}
