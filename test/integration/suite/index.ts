// The extension-host test entry (`extensionTestsPath` = dist/test/suite/index): VS Code calls run() inside
// the extension host once the workspace is open. It runs every dist/test/suite/*.test.js with mocha
// (TDD interface). Used by e2e/ext-tests.e2e.mjs in code-server; on a desktop @vscode/test-cli runs the same
// *.test.js files with its own runner (.vscode-test.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** The tag of the one line e2e/ext-tests.e2e.mjs reads the counts from. */
const RESULT_TAG = 'bilevel-exthost-result ';

/** Runs the suites; resolves when all pass, rejects (→ exit code 1) otherwise. */
export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.BILEVEL_E2E_TEST_TIMEOUT_MS ?? 120_000),
    ...(process.env.BILEVEL_E2E_GREP ? { grep: process.env.BILEVEL_E2E_GREP } : {}),
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const counts = await new Promise<{ passed: number; failed: number }>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
  console.log(`${RESULT_TAG}${JSON.stringify(counts)}`);
  if (counts.failed > 0) throw new Error(`${counts.failed} extension-host test(s) failed`);
  if (counts.passed === 0) throw new Error('no extension-host test ran');
}
