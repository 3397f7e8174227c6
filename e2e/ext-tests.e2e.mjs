// Runs the extension-host (mocha) suites inside code-server's real Node extension host.
//
//   node e2e/ext-tests.e2e.mjs                       # repo = extension, dist/test/suite/index, fixture workspace
//   node e2e/ext-tests.e2e.mjs --extensionDevelopmentPath=/x --extensionTestsPath=/x/runner.cjs /folder
//                                                    # VS Code's own CLI form: what e2e/code-shim.sh forwards
//                                                    # from @vscode/test-electron / @vscode/test-cli
//
// A built VS Code honours the workbench `payload` (extensionDevelopmentPath / extensionTestsPath) only when
// the smoke-test driver is on, so code-server gets `--vscode-option enable-smoke-test-driver`; the
// workbench then calls window.codeAutomationExit(code) when the tests' run() settles and forwards the
// extension host's console through window.codeAutomationLog (TESTING.md §4).
// The workspace folder is copied into a temp dir first, so runs never write into the repo.
// Closing line: `exthost: N passed, N failed`; exit code 0 only when every test passed.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { format } from 'node:util';
import {
  REPO, FIXTURE, DEBUG, assertTools, makeSandbox, copyWorkspace, startCodeServer, launchBrowser, withTimeout, onInterrupt,
} from './lib.mjs';

const TIMEOUT_MS = Number(process.env.VSCODE_E2E_TIMEOUT_MS ?? 360_000);
const RESULT_TAG = 'bilevel-exthost-result ';
/** Workbench chatter that codeAutomationLog forwards too; shown only with VSCODE_E2E_DEBUG=1. */
const NOISE = /^(Ignoring fetching additional builtin extensions|Creating a socket|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Updating additional builtin extensions cache|Started local extension host|Timed out waiting for authentication provider)/;

/** Reads VS Code's CLI form; flags it does not need are ignored (the shim passes whatever it gets). */
function parseArgs(argv) {
  const out = { dev: REPO, tests: join(REPO, 'dist/test/suite/index'), folder: FIXTURE };
  const valueFlags = new Set(['--user-data-dir', '--extensions-dir', '--locale', '--log', '--profile', '--crash-reporter-directory', '--inspect-extensions', '--inspect-brk-extensions']);
  let folder = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(extensionDevelopmentPath|extensionTestsPath)(?:=(.*))?$/.exec(a);
    if (m) {
      const v = m[2] ?? argv[++i];
      if (m[1] === 'extensionDevelopmentPath') out.dev = v;
      else out.tests = v;
    } else if (a.startsWith('-')) {
      if (valueFlags.has(a)) i++;
    } else if (folder === null) {
      folder = a;
    }
  }
  if (folder) out.folder = folder;
  for (const k of ['dev', 'tests', 'folder']) {
    out[k] = out[k].replace(/^file:\/\//, '');
    if (!isAbsolute(out[k])) out[k] = resolve(out[k]);
  }
  return out;
}

async function main() {
  assertTools();
  const args = parseArgs(process.argv.slice(2));
  const testsFile = /\.[cm]?js$/.test(args.tests) ? args.tests : `${args.tests}.js`;
  if (!existsSync(testsFile)) throw new Error(`${testsFile} not found: run \`npm run build\` first`);
  if (!existsSync(join(args.dev, 'package.json'))) throw new Error(`no extension at ${args.dev}`);
  console.log(`[exthost] extension: ${args.dev}\n[exthost] tests: ${args.tests}\n[exthost] workspace (copied): ${args.folder}`);

  const sandbox = makeSandbox('vscode-exthost-');
  const workspace = copyWorkspace(sandbox, args.folder);
  let server;
  let context;
  const cleanup = async () => {
    await context?.close().catch(() => {});
    await server?.stop();
    sandbox.cleanup();
  };
  onInterrupt(cleanup);

  const logs = [];
  let result = null;
  let exitCode;
  try {
    server = await startCodeServer(sandbox, { smokeTestDriver: true, env: { BILEVEL_E2E: '1' } });
    context = await launchBrowser(sandbox);
    const page = context.pages()[0] ?? (await context.newPage());
    const settled = new Promise((res) => {
      void page.exposeFunction('codeAutomationExit', (code) => res(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type, argsIn) => {
      const line = format(...(Array.isArray(argsIn) ? argsIn : [argsIn]));
      logs.push(line);
      for (const l of line.split('\n')) {
        if (l.startsWith(RESULT_TAG)) result = JSON.parse(l.slice(RESULT_TAG.length));
      }
      if (!line.startsWith(RESULT_TAG) && (DEBUG || !NOISE.test(line))) (type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
    });
    if (DEBUG) page.on('console', (m) => console.log(`[browser:${m.type()}] ${m.text()}`));
    const payload = [
      ['extensionDevelopmentPath', server.remote(args.dev)],
      ['extensionTestsPath', server.remote(args.tests.replace(/\.js$/, ''))],
    ];
    const t0 = Date.now();
    await page.goto(server.url(workspace, payload));
    exitCode = await withTimeout(settled, TIMEOUT_MS, 'extension-host tests');
    console.log(`[exthost] run() settled with ${exitCode} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`[exthost] ERROR: ${e.stack ?? e}`);
    if (server && !result) console.error(`[exthost] code-server log tail:\n${server.log.join('').slice(-4000)}`);
    exitCode = 1;
  } finally {
    await cleanup();
  }

  // Counts: our index.ts prints a tagged JSON line; @vscode/test-cli's runner prints mocha's summary.
  if (!result) {
    const all = logs.join('\n');
    const passing = /(\d+) passing/.exec(all);
    const failing = /(\d+) failing/.exec(all);
    if (passing || failing) result = { passed: Number(passing?.[1] ?? 0), failed: Number(failing?.[1] ?? 0) };
  }
  let passed = result?.passed ?? 0;
  let failed = result?.failed ?? 0;
  if (exitCode !== 0 && failed === 0) failed = 1; // The run itself broke (timeout, crash, load error).
  if (exitCode === 0 && failed > 0) exitCode = 1;
  if (passed === 0 && failed === 0) failed = 1; // No test ran: treat as a failure.
  console.log(`exthost: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack ?? e);
  console.log('exthost: 0 passed, 1 failed');
  process.exit(1);
});
