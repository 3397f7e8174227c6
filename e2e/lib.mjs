// Shared helpers for the real-VS-Code tests: code-server 4.139.1 (VS Code 1.139.1) on Node 24, driven by
// Debian chromium through playwright-core. The recipe and its pitfalls are in ../../shared/TESTING.md and
// e2e/README.md; `bash e2e/setup.sh` installs the tools this file expects.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS = process.env.VSCODE_E2E_TOOLS ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vscode-e2e');
export const NODE24 = join(TOOLS, 'node24/node_modules/node/bin/node');
export const CODE_SERVER = join(TOOLS, 'cs/node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.VSCODE_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const FIXTURE = join(REPO, 'test/integration/fixtures/workspace');
export const ARTIFACTS = join(REPO, 'e2e/artifacts');
/** Set VSCODE_E2E_DEBUG=1 to see code-server's own output and keep the temp folders. */
export const DEBUG = process.env.VSCODE_E2E_DEBUG === '1';

/** Fails with a pointer to the setup script when the tools are not installed. */
export function assertTools() {
  for (const [what, p] of [['node 24', NODE24], ['code-server', CODE_SERVER], ['chromium', CHROMIUM]]) {
    if (!existsSync(p)) throw new Error(`${what} not found at ${p}: run \`npm run e2e:setup\` (bash e2e/setup.sh) first`);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws `what` after `timeoutMs`. */
export async function waitFor(what, fn, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
  const end = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (e?.fatal) throw e;
      lastError = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message ?? lastError})` : ''}`);
    await sleep(intervalMs);
  }
}

/** Runs `promise` with a deadline; the timer is cleared so it never keeps Node alive (TESTING.md pitfall 8). */
export async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.reduceMotion': 'on',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'typescript.disableAutomaticTypeAcquisition': true,
};

/** Fresh temp dirs for one code-server: user data (settings seeded), extensions, browser profile. */
export function makeSandbox(prefix = 'vscode-e2e-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const userData = join(root, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(SETTINGS, null, 2));
  const extensions = join(root, 'extensions');
  mkdirSync(extensions);
  const config = join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  return {
    root,
    userData,
    extensions,
    config,
    profile: join(root, 'chromium'),
    cleanup() {
      if (!DEBUG) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Copies the fixture workspace (or `from`) into the sandbox, so runs never write into the repo. */
export function copyWorkspace(sandbox, from = FIXTURE) {
  const ws = join(sandbox.root, 'workspace');
  cpSync(from, ws, { recursive: true, filter: (src) => basename(src) !== '.bilevel' });
  return ws;
}

function baseArgs(sandbox) {
  return [
    '--config', sandbox.config,
    '--user-data-dir', sandbox.userData,
    '--extensions-dir', sandbox.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
}

/** Installs a .vsix into the sandbox's extensions dir (code-server exits after ~1 s). */
export function installVsix(sandbox, vsix) {
  if (!existsSync(vsix)) throw new Error(`${vsix} not found: run \`npm run package\` first`);
  const r = spawnSync(NODE24, [CODE_SERVER, ...baseArgs(sandbox), '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    env: { ...process.env, EXTENSIONS_GALLERY: '{}' },
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`--install-extension ${vsix} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Starts code-server on a free port and waits for /healthz. Spawned detached so `stop()` can kill the
 * whole process group (plain SIGTERM leaves an orphaned file watcher: TESTING.md pitfall 9).
 */
export async function startCodeServer(sandbox, { smokeTestDriver = false, env = {}, extraArgs = [] } = {}) {
  const port = await freePort();
  const args = [CODE_SERVER, ...baseArgs(sandbox), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none'];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(...extraArgs);
  const log = [];
  const child = spawn(NODE24, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...env },
  });
  const onData = (d) => {
    const s = d.toString();
    log.push(s);
    if (DEBUG) process.stderr.write(`[code-server] ${s}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('code-server /healthz', async () => {
    if (exited) throw Object.assign(new Error(`code-server exited early (${JSON.stringify(exited)}):\n${log.join('')}`), { fatal: true });
    const r = await fetch(`${base}/healthz`).catch(() => null);
    return r?.ok;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  return {
    port,
    base,
    log,
    /** The workbench URL for an absolute folder, with an optional smoke-test payload (see ext-tests). */
    url(folder, payload) {
      const q = new URLSearchParams({ folder });
      if (payload) q.set('payload', JSON.stringify(payload));
      return `${base}/?${q}`;
    },
    /** A vscode-remote URI for a path on this machine, as the payload wants. */
    remote(p) {
      return `vscode-remote://127.0.0.1:${port}${p}`;
    },
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5_000);
      await gone;
      clearTimeout(t);
    },
  };
}

/** Launches Debian chromium through playwright-core with the flags that work here (TESTING.md §3). */
export async function launchBrowser(sandbox, { viewport = { width: 1400, height: 900 } } = {}) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(sandbox.profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return context;
}

/** Kills nothing but what we started; used by the runners' signal handlers. */
export function onInterrupt(cleanup) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, async () => {
      await cleanup().catch(() => {});
      process.exit(130);
    });
  }
}
