// Help texts, generated from the command table and the option declarations.
import { BUILTIN_PROBLEMS, getMethod, METHODS, RUN_OPTIONS } from '../core';
import { PRESETS } from '../protocol/presets';
import { COMMAND_FLAGS, COMMANDS, GLOBAL_FLAGS } from './commandFlags';
import type { FlagDef } from './commandFlags';
import { optionLines } from './commands/listCommands';
import { INIT_USAGE } from './commands/initCommand';

/** `bilevel --help`. */
export function mainUsage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: bilevel <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Global flags:',
    '  --backend NAME  tfjs backend: auto, tensorflow, webgpu, wasm, cpu (default: wasm)',
    '  --seed INT      Seed of initial values, data and random directions (default: 0)',
    '  --store DIR     Runs folder (default: <cwd>/.bilevel/runs)',
    '  --help          Print help; `bilevel <command> --help` lists that command\'s flags.',
    '',
    `Problems: ${BUILTIN_PROBLEMS.map((p) => p.id).join(', ')}   Methods: ${METHODS.map((m) => m.id).join(', ')}`,
    `Presets: ${PRESETS.map((p) => p.id).join(', ')}`,
    'Example: bilevel compare --problem toy-quadratic --methods rhg,t-rhg,cg,neumann,fom',
    ...(PRESETS.length > 0 ? [`         bilevel compare --preset ${PRESETS[0]!.id} --iterations 50`] : []),
  ].join('\n');
}

/** `bilevel <command> --help`; with a known `--method`, only that method's options are listed. */
export function commandUsage(command: string, methodId?: string): string {
  if (command === 'init') return INIT_USAGE;
  const info = COMMANDS.find((c) => c.name === command)!;
  const lines = [`Usage: ${info.usage}`, '', info.summary, '', 'Flags:', ...flagLines([...GLOBAL_FLAGS, ...(COMMAND_FLAGS[command] ?? [])])];
  if (command === 'problems' || command === 'methods' || command === 'presets') return lines.join('\n');
  if (command === 'run' || command === 'compare') {
    lines.push(
      '',
      'Presets (--preset ID; `bilevel presets` shows sources and scaling):',
      ...PRESETS.map((p) => `  ${p.id.padEnd(Math.max(...PRESETS.map((q) => q.id.length)))}  ${p.problem}, ${command === 'run' ? p.methods[0] : p.methods.join(',')}`),
      '',
      'Held-out evaluations (problems with evaluate, e.g. test accuracy, F1) run every --eval-every iterations',
      'and at the last one; the last evaluation is printed after the run (name  value ± 95% CI).',
    );
  }
  lines.push('', 'Run options (every method):', ...optionLines(RUN_OPTIONS));
  const methods = methodId !== undefined && METHODS.some((m) => m.id === methodId) ? [getMethod(methodId)] : METHODS;
  for (const m of methods) {
    if (m.options.length > 0) lines.push('', `Method ${m.id} options:`, ...optionLines(m.options));
  }
  for (const p of BUILTIN_PROBLEMS) {
    if (p.params.length > 0) lines.push('', `Problem ${p.id} parameters:`, ...optionLines(p.params));
  }
  return lines.join('\n');
}

function flagLines(all: readonly FlagDef[]): string[] {
  const flags = all.filter((f) => f.hidden !== true);
  const heads = flags.map((f) => `--${f.flag}${f.boolean ? '' : ' V'}`);
  const w = Math.max(...heads.map((h) => h.length));
  return flags.map((f, i) => `  ${heads[i]!.padEnd(w)}  ${f.description}${f.defaultText !== undefined ? ` (default: ${f.defaultText})` : ''}`);
}
