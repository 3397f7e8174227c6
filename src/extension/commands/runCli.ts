// Runs the bundled CLI (`<extension>/dist/cli.js`) as a child process, for what the extension hands
// to `bilevel` itself (a SLURM submission, a SLURM cancel). The node binary is `node` from PATH,
// which is also what the batch script's tasks find on the cluster (sbatch exports the environment);
// without one, the extension host's own binary runs it as plain Node (ELECTRON_RUN_AS_NODE).
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandContext } from './context';
import { findOnPath, formatCommandLine } from './slurmArgs';

/** How a CLI process ended: its exit code (null: killed) and what it printed. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI script inside the extension. */
export function cliPath(ctx: CommandContext): string {
  return ctx.extension.asAbsolutePath('dist/cli.js');
}

/** True when `file` is an executable regular file (a command on PATH). */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Runs `node <argv…>` in `cwd`, logging the command line and its output to the output channel;
 * resolves when it exits (or after `timeoutMs`, killed).
 */
export function runCli(ctx: CommandContext, argv: readonly string[], cwd: string, timeoutMs = 120_000): Promise<CliResult> {
  if (ctx.runCli) return ctx.runCli(argv, cwd);
  const node = findOnPath(process.platform === 'win32' ? 'node.exe' : 'node', process.env.PATH, isExecutable);
  const command = node ?? process.execPath;
  const env = node ? process.env : { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  ctx.output.appendLine(`[cli] ${formatCommandLine([command, ...argv])}`);
  return new Promise((resolve) => {
    execFile(command, [...argv], { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      if (stdout !== '') ctx.output.append(stdout.endsWith('\n') ? stdout : `${stdout}\n`);
      if (stderr !== '') ctx.output.append(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
      ctx.output.appendLine(`[cli] exit ${code ?? 'killed'}`);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The last non-empty line of the CLI's stderr (its error message), for a notification. */
export function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').pop() ?? '';
}

/** The folder the CLI runs in: the first workspace folder, else the store's parent. */
export function cliCwd(fallback: string): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? fallback;
}
