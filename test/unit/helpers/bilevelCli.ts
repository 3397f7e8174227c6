// Test helper: the built `bilevel` command (bin/bilevel.js → dist/cli.js, from `npm run build`) run as
// a child process in a given working folder. Test files are bundled to dist-test/unit/<folder>/, so
// the repository root is three folders above the bundle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root, seen from a bundled test file. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The `bilevel` launcher. */
export const BILEVEL_BIN = path.join(REPO_ROOT, 'bin', 'bilevel.js');

/** What one command printed and how it exited. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the command (ms). */
  readonly ms: number;
}

/** Runs `bilevel ...args` in `cwd` to its end (at most two minutes). */
export function runBilevel(cwd: string, ...args: string[]): CliResult {
  return runBilevelWithEnv(process.env, cwd, ...args);
}

/** {@link runBilevel} with the child's environment `env`. */
export function runBilevelWithEnv(env: NodeJS.ProcessEnv, cwd: string, ...args: string[]): CliResult {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BILEVEL_BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Fails with the command to run when the CLI bundle has not been built. */
export function assertCliBuilt(): void {
  assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'cli.js')), `dist/cli.js is missing under ${REPO_ROOT}; run \`npm run build\` first (npm test does).`);
}
