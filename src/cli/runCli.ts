// The `bilevel` command line without the process: parses argv, dispatches to a command, and maps
// errors to exit codes (2: a mistake in the command line or options, printed without a stack; 1: a
// backend out of memory, said in words, or an internal error). main.ts wires it to the process.
import { cliErrorOf } from './cliErrorOf';
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
    const { code, message } = cliErrorOf(err, flags);
    io.stderr.write(`bilevel: ${message}\n`);
    return code;
  }
}
