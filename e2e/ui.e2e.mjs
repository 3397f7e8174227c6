// UI flows in a real VS Code workbench (code-server 4.139.1) driven by Debian chromium via playwright-core:
// the packaged .vsix is installed into a temp extensions dir, the fixture workspace (a temp copy) is
// opened, and the steps below click through the product as a user would. Each step is one test; later
// steps still run after a failure (they may fail too). Screenshots go to e2e/artifacts/ (git-ignored;
// CI keeps them as artifacts).
//
//   node e2e/ui.e2e.mjs                 # VSCODE_E2E_VSIX=path overrides dist/bilevel-lab.vsix
//   BILEVEL_E2E_GREP=<regex>            # only the steps whose names match (the workbench always loads)
//
// Closing line: `ui: N passed, N failed`; exit code 0 only when every step passed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO, ARTIFACTS, DEBUG, assertTools, makeSandbox, copyWorkspace, installVsix, startCodeServer, launchBrowser, waitFor, sleep, onInterrupt,
} from './lib.mjs';

const VSIX = process.env.VSCODE_E2E_VSIX ?? join(REPO, 'dist/bilevel-lab.vsix');
/** SwiftShader's Vulkan driver (Debian's chromium); e2e/setup.sh runs scripts/swiftshader.sh, which also installs the Vulkan loader. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** The two methods the comparison runs (ids of the method catalog = the quick pick's labels). */
const COMPARE = ['rhg', 'cg'];
/** The multi pick's item that asks for a hypergradient check of each method. */
const CHECK_ITEM = 'check';

const results = [];
const shots = [];
let page;

async function shot(name) {
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file }).then(() => shots.push(file)).catch((e) => console.log(`  (screenshot ${name} failed: ${e.message})`));
}

const GREP = process.env.BILEVEL_E2E_GREP ? new RegExp(process.env.BILEVEL_E2E_GREP, 'i') : undefined;

async function step(name, fn) {
  if (GREP && results.length > 0 && !GREP.test(name)) {
    console.log(`  - ${name} (skipped: BILEVEL_E2E_GREP)`);
    return;
  }
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✔ ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false, error: e });
    console.log(`  ✘ ${name} (${Date.now() - t0} ms)\n      ${String(e.stack ?? e).split('\n').slice(0, 4).join('\n      ')}`);
    await shot(`failed-${results.length}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
  }
}

/**
 * State of the live panel inside one webview frame (the content sits in a nested cross-origin iframe,
 * which playwright reaches through page.frames()). Reads every <canvas>'s pixels: a count of inked pixels
 * and a hash, so two reads show whether the charts changed.
 */
function readPanel() {
  const body = document.body;
  if (!body || body.dataset.chartsDrawn === undefined || !document.getElementById('app')) return null;
  let nonBlank = 0;
  let hash = 2166136261;
  const canvases = [...document.querySelectorAll('canvas')];
  for (const c of canvases) {
    if (c.width === 0 || c.height === 0) continue;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) {
        nonBlank++;
        hash = Math.imul(hash ^ (d[i] + 7 * d[i + 1] + 13 * d[i + 2] + 31 * (i >> 2)), 16777619) >>> 0;
      }
    }
  }
  const rows = [...document.querySelectorAll('.run-row')].map((r) => ({
    id: r.dataset.runId,
    label: r.querySelector('.run-label')?.textContent ?? '',
    title: r.querySelector('.run-label')?.title ?? '',
    status: r.querySelector('.run-status')?.textContent ?? '',
    progress: r.querySelector('.run-progress')?.textContent ?? '',
  }));
  return {
    chartsDrawn: Number(body.dataset.chartsDrawn),
    points: Number(body.dataset.points ?? 0),
    records: Number(body.dataset.records ?? 0),
    canvases: canvases.length,
    chartIds: canvases.map((c) => c.id),
    nonBlank,
    hash,
    rows,
    summaryRows: document.querySelectorAll('.summary-table tbody tr').length,
    text: (document.getElementById('app')?.innerText ?? '').slice(0, 2000),
  };
}

/** All live panels currently in the page, each as { frame, state }. */
async function panels() {
  const out = [];
  for (const frame of page.frames()) {
    const state = await frame.evaluate(readPanel).catch(() => null);
    if (state) out.push({ frame, state });
  }
  return out;
}

async function main() {
  assertTools();
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const sandbox = makeSandbox('vscode-ui-');
  const workspace = copyWorkspace(sandbox);
  let server;
  let context;
  const cleanup = async () => {
    await context?.close().catch(() => {});
    await server?.stop();
    sandbox.cleanup();
  };
  onInterrupt(cleanup);
  const t0 = Date.now();
  try {
    console.log(`[ui] ${installVsix(sandbox, VSIX).split('\n').pop()}`);
    // Only SwiftShader visible to Dawn (issue 16): the worker's `auto` must pass it over for wasm and say why.
    const xdg = join(sandbox.root, 'xdg');
    mkdirSync(xdg, { recursive: true, mode: 0o700 });
    server = await startCodeServer(sandbox, { env: { VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: xdg } });
    context = await launchBrowser(sandbox);
    page = context.pages()[0] ?? (await context.newPage());
    if (DEBUG) page.on('console', (m) => console.log(`[browser:${m.type()}] ${m.text()}`));
    await page.goto(server.url(workspace));

    await step('workbench loads with the fixture workspace', async () => {
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sample.bilevel.ts' }).waitFor({ timeout: 60_000 });
      await shot('01-workbench');
    });

    await step('open sample.bilevel.ts and click ▶ Run', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sample.bilevel.ts' }).click();
      await page.locator('.tabs-container .tab', { hasText: 'sample.bilevel.ts' }).waitFor({ timeout: 30_000 });
      await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
      const run = page.locator('.codelens-decoration a', { hasText: 'Run' }).first();
      // Lenses can take a while on a busy extension host (the first workspaceContains search alone can
      // time out after ~7 s). If none shows, an edit (space, then undo) makes VS Code ask again, and
      // every other try the editor is closed and reopened for a fresh request.
      let tries = 0;
      await waitFor('the ▶ Run code lens', async () => {
        if (await run.waitFor({ timeout: 15_000 }).then(() => true, () => false)) return true;
        tries++;
        console.log(`      no lens yet (try ${tries}), ${tries % 2 ? 'editing' : 'reopening the editor'}`);
        if (tries % 2) {
          await page.locator('.editor-instance .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
          await page.keyboard.type(' ');
          await page.keyboard.press('Control+Z');
        } else {
          await page.locator('.tabs-container .tab', { hasText: 'sample.bilevel.ts' }).locator('.tab-actions .action-label').first().click();
          await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sample.bilevel.ts' }).click();
        }
        return false;
      }, { timeoutMs: 120_000, intervalMs: 100 });
      await shot('02-code-lenses');
      await run.click();
    });

    let first;
    await step('the live panel draws its charts and they update while the run goes', async () => {
      const p = await waitFor('a live panel with drawn charts', async () => {
        const all = await panels();
        return all.find((x) => x.state.chartsDrawn > 0 && x.state.nonBlank > 500);
      }, { timeoutMs: 90_000, intervalMs: 300 });
      first = p.state;
      if (!first.rows.some((r) => r.status === 'running')) throw new Error(`the run was not running at the first read: ${JSON.stringify(first.rows)}`);
      // Read again until the run has drawn more points: the pixels and data-points must both change
      // while it is still running (the first iterations can be slow while the worker warms up).
      const second = await waitFor('the charts to update while the run goes', async () => {
        const s = await p.frame.evaluate(readPanel);
        return s && s.points > first.points && s.hash !== first.hash && s.chartsDrawn > 0 ? s : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      await shot('03-live-panel');
      console.log(`      t1: ${JSON.stringify({ ...first, text: undefined })}\n      t2: ${JSON.stringify({ ...second, text: undefined })}`);
      if (!second.rows.some((r) => r.status === 'running')) throw new Error(`the charts only changed after the run ended: ${JSON.stringify(second.rows)}`);
      await waitFor('the run to complete in the panel', async () => {
        const s = await p.frame.evaluate(readPanel);
        return s?.rows.length > 0 && s.rows.every((r) => r.status !== 'running' && r.status !== 'queued') ? s : undefined;
      }, { timeoutMs: 180_000, intervalMs: 1000 });
      await shot('04-live-panel-done');
      // Issue 16: the row names the backend the worker set up (CI runs bilevel.backend = auto, which ends on wasm or cpu there).
      const backends = await waitFor('the run row to name its backend', async () => {
        const rows = await p.frame.evaluate(() =>
          [...document.querySelectorAll('.run-row')].map((r) => {
            const b = r.querySelector(`[data-backend-for="${CSS.escape(r.dataset.runId ?? '')}"]`);
            return { id: r.dataset.runId, name: b?.dataset.backendName ?? '', label: b?.querySelector('.backend-label')?.textContent ?? '', title: b?.title ?? '' };
          }),
        );
        return rows.length > 0 && rows.every((b) => b.name !== '') ? rows : undefined;
      }, { timeoutMs: 10_000 });
      console.log(`      backend: ${JSON.stringify(backends)}`);
      const badBackend = backends.find((b) => !/^(tensorflow|webgpu|wasm|cpu)$/.test(b.name) || !b.label.startsWith(b.name) || !b.title.startsWith(`backend ${b.label}`));
      if (badBackend) throw new Error(`the backend of run ${badBackend.id} reads wrong: ${JSON.stringify(badBackend)}`);
      // The packaged extension carries Dawn (scripts/copyRuntimePackages.mjs), so webgpu is skipped for SwiftShader, not for a missing package.
      const notSwiftShader = backends.find((b) => b.name !== 'wasm' || !/auto skipped webgpu: skipped: SwiftShader .* is a CPU emulation of a GPU/.test(b.title));
      if (notSwiftShader) throw new Error(`auto should run wasm and skip webgpu on SwiftShader: ${JSON.stringify(notSwiftShader)}`);
      // The fixture's evaluate hook reports test.error every 20 iterations: it gets its own chart.
      const done = await p.frame.evaluate(readPanel);
      if (!done.chartIds.includes('chart-eval:test.error')) throw new Error(`no chart of the evaluation metric test.error; charts: ${done.chartIds.join(', ')}`);
      await p.frame.evaluate(() => document.getElementById('chart-eval:test.error')?.closest('.card')?.scrollIntoView());
      await sleep(500);
      await shot('04b-live-panel-eval-chart');
      await p.frame.evaluate(() => window.scrollTo(0, 0));
    });

    await step("the panel shows the run's settings and its final x", async () => {
      const p = await waitFor('the finished run panel', async () => (await panels()).find((x) => x.state.rows.length === 1 && x.state.rows[0].status === 'completed'), { timeoutMs: 30_000 });
      const settings = await p.frame.evaluate(() => {
        const d = document.getElementById('settings');
        if (!d) return null;
        d.open = true;
        d.scrollIntoView();
        const row = (key) => (d.querySelector(`tr[data-setting="${key}"]`)?.textContent ?? '').replace(/\s+/g, ' ').trim();
        const finals = [...d.querySelectorAll('tr.final')].map((r) => ({ key: r.dataset.final, text: (r.textContent ?? '').replace(/\s+/g, ' ').trim() }));
        return { lowerSteps: row('lowerSteps'), method: row('method'), iterations: row('iterations'), finals };
      });
      await sleep(400);
      await shot('04c-panel-settings-final-x');
      console.log(`      settings: ${JSON.stringify(settings)}`);
      if (!settings) throw new Error('the panel has no settings section (details#settings)');
      if (!/lowerSteps\s*\d+/.test(settings.lowerSteps)) throw new Error(`no lowerSteps row with its value: ${JSON.stringify(settings)}`);
      if (!/method\s*rhg/i.test(settings.method)) throw new Error(`no method row reading rhg: ${JSON.stringify(settings)}`);
      const x = settings.finals.find((f) => /^x\./.test(f.key));
      if (!x || !/-?\d/.test(x.text)) throw new Error(`no final x with numbers: ${JSON.stringify(settings.finals)}`);
      await p.frame.evaluate(() => window.scrollTo(0, 0));
    });

    await step('the run appears in the Bilevel history view', async () => {
      await page.locator('.activitybar .action-label[aria-label^="Bilevel"]').first().click();
      const sidebar = page.locator('.part.sidebar');
      await waitFor('a history row for the sample run', async () => {
        const rows = await sidebar.locator('.monaco-list-row').allInnerTexts();
        // Rows are grouped by problem; expand a collapsed group so its runs show.
        const collapsed = sidebar.locator('.monaco-list-row[aria-expanded="false"]', { hasText: 'sample' });
        if ((await collapsed.count()) > 0) await collapsed.first().click();
        return rows.some((t) => /sample/i.test(t)) ? rows : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      await shot('05-history');
    });

    let compared;
    await step(`Compare Methods (${COMPARE.join(' + ')}, with checks): one at a time, a queued run reads "queued", settings that differ highlighted, check results in the table`, async () => {
      const before = new Set((await panels()).map((x) => x.frame));
      await compareFromPalette({ methods: COMPARE, check: true });
      let sawQueued;
      const p = await waitFor('a comparison panel with both methods', async () => {
        await acceptCostDialog();
        for (const x of await panels()) {
          const methods = COMPARE.filter((m) => x.state.rows.some((r) => new RegExp(`(^|[^a-z-])${m}([^a-z-]|$)`, 'i').test(`${r.label} ${r.title}`)));
          if (!before.has(x.frame) && x.state.rows.length >= 2 && methods.length === COMPARE.length) return x;
        }
        return undefined;
      }, { timeoutMs: 120_000, intervalMs: 300 });
      // The second method waits for the first (bilevel.runs.comparisonConcurrency = 1): it must read
      // "queued" (no clock, no progress bar) while it waits.
      const done = await waitFor('both comparison runs to finish', async () => {
        const s = await p.frame.evaluate(readPanel);
        const q = s.rows.find((r) => r.status === 'queued');
        if (q && !sawQueued) {
          sawQueued = q;
          await shot('06a-compare-queued');
        }
        if (s.rows.filter((r) => r.status === 'running').length > 1) throw Object.assign(new Error(`two runs of one comparison ran at once: ${JSON.stringify(s.rows)}`), { fatal: true });
        return s.rows.every((r) => r.status !== 'running' && r.status !== 'queued') ? s : undefined;
      }, { timeoutMs: 240_000, intervalMs: 500 });
      console.log(`      queued row: ${JSON.stringify(sawQueued)}`);
      if (!sawQueued) throw new Error('no run of the comparison ever read "queued"');
      if (sawQueued.progress.trim() !== 'queued') throw new Error(`a queued run shows "${sawQueued.progress}", not "queued"`);
      const bad = done.rows.filter((r) => r.status !== 'completed');
      if (bad.length > 0) throw new Error(`comparison runs did not complete: ${JSON.stringify(bad)}`);
      // Checks run after the runs (so they never skew their times); each lands in the check column.
      const checks = await waitFor('a check result per run in the summary table', async () => {
        const c = await p.frame.evaluate(() => [...document.querySelectorAll('.summary-table tr[data-run-id] td.check-cell button.check-link')].map((b) => ({ verdict: b.dataset.verdict, text: b.textContent })));
        return c.length >= COMPARE.length ? c : undefined;
      }, { timeoutMs: 120_000, intervalMs: 1000 });
      console.log(`      checks: ${JSON.stringify(checks)}`);
      if (checks.some((c) => c.verdict === 'fail')) throw new Error(`a correct hypergradient failed its check: ${JSON.stringify(checks)}`);
      await shot('06-compare');
      const diff = await p.frame.evaluate(() => {
        const d = document.getElementById('settings');
        if (!d) return null;
        d.open = true;
        d.scrollIntoView();
        return [...d.querySelectorAll('tr.diff[data-setting]')].map((r) => r.dataset.setting);
      });
      await sleep(400);
      await shot('06b-compare-settings-diff');
      console.log(`      differing settings: ${JSON.stringify(diff)}`);
      if (!diff?.includes('method')) throw new Error(`the method row is not highlighted as differing: ${JSON.stringify(diff)}`);
      if (diff.includes('lowerSteps')) throw new Error(`lowerSteps is the same in both runs but highlighted: ${JSON.stringify(diff)}`);
      // The check column opens the per-direction details.
      await p.frame.evaluate(() => window.scrollTo(0, 0));
      await p.frame.locator('.summary-table td.check-cell button.check-link').first().click();
      const details = await waitFor('the check details view', async () => {
        for (const frame of page.frames()) {
          const d = await frame.evaluate(() => {
            const h = document.querySelector('h1.check-headline');
            return h ? { headline: h.textContent, verdict: h.dataset.verdict, directions: document.querySelectorAll('table.check-directions tr[data-direction]').length } : null;
          }).catch(() => null);
          if (d) return d;
        }
        return undefined;
      }, { timeoutMs: 30_000, intervalMs: 500 });
      await shot('06c-check-details');
      console.log(`      check details: ${JSON.stringify(details)}`);
      if (details.directions < 1) throw new Error('the check details show no direction');
      await runPaletteCommand('View: Close Editor');
      compared = { runIds: done.rows.map((r) => r.id), checks };
    });

    await step('a check result survives a reload of the window', async () => {
      if (!compared) throw new Error('the comparison step did not finish');
      await sleep(2000);
      await runPaletteCommand('Developer: Reload Window');
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const checksIn = async () => {
        for (const x of await panels()) {
          if (!compared.runIds.every((id) => x.state.rows.some((r) => r.id === id))) continue;
          const c = await x.frame.evaluate(() => [...document.querySelectorAll('.summary-table td.check-cell button.check-link')].map((b) => b.dataset.verdict));
          if (c.length >= compared.checks.length) return c;
        }
        return undefined;
      };
      // The workbench brings the panel back when it restores its editors; where it restores none
      // (code-server does not always), the runs are opened from the history: either way the check
      // comes from the store, not from the window that ran it.
      let restored = await waitFor('the comparison panel restored with its check results', checksIn, { timeoutMs: 45_000, intervalMs: 1000 }).catch(() => undefined);
      if (!restored) {
        console.log('      no editor was restored after the reload; opening the two runs from the history');
        const sidebar = page.locator('.part.sidebar');
        const checked = sidebar.locator('.monaco-list-row', { hasText: /[≈✓✗] check/ });
        const [a, b] = [checked.nth(0), checked.nth(1)];
        // The activity-bar icon toggles the side bar: click it only while the history rows are not on screen.
        await waitFor('the history rows of the checked runs', async () => {
          if (await b.isVisible().catch(() => false)) return true;
          await page.locator('.activitybar .action-label[aria-label^="Bilevel"]').first().click();
          await sleep(1500);
          return b.isVisible().catch(() => false);
        }, { timeoutMs: 30_000, intervalMs: 500 });
        await a.click();
        await b.click({ modifiers: ['Control'] });
        await b.click({ button: 'right' });
        await page.locator('.context-view .action-label', { hasText: 'Compare Selected Runs' }).first().click();
        restored = await waitFor('the two runs opened from the history with their check results', checksIn, { timeoutMs: 60_000, intervalMs: 1000 });
      }
      await shot('06d-check-after-reload');
      console.log(`      after reload: ${JSON.stringify(restored)}`);
      if (JSON.stringify([...restored].sort()) !== JSON.stringify(compared.checks.map((c) => c.verdict).sort())) throw new Error(`checks before ${JSON.stringify(compared.checks)}, after ${JSON.stringify(restored)}`);
    });

    await step('a typo in the options box suggests the key and starts nothing', async () => {
      const runsBefore = runFolders(workspace);
      const panelsBefore = (await panels()).length;
      const { message } = await compareFromPalette({ methods: ['rhg'], options: 'iterations=5, lowerStep=3', stopAtOptions: true, shotName: '' });
      await shot('08-options-typo');
      console.log(`      validation: ${JSON.stringify(message)}`);
      if (!/lowerStep\b/.test(message) || !/did you mean/i.test(message) || !/lowerSteps/.test(message)) throw new Error(`no "did you mean lowerSteps" for lowerStep: ${JSON.stringify(message)}`);
      // Enter on an invalid box does nothing; Escape leaves.
      await page.keyboard.press('Enter');
      await sleep(1500);
      await page.keyboard.press('Escape');
      await sleep(3000);
      const runsAfter = runFolders(workspace);
      if (runsAfter.length !== runsBefore.length) throw new Error(`a run started: ${runsAfter.filter((r) => !runsBefore.includes(r)).join(', ')}`);
      if ((await panels()).length !== panelsBefore) throw new Error('a panel opened');
    });

    await step('Cancel all stops a 3-method comparison; its queued runs never start', async () => {
      await runPaletteCommand('View: Close All Editors');
      const before = new Set((await panels()).map((x) => x.frame));
      const methods = ['rhg', 'cg', 'bda'];
      await compareFromPalette({ methods, problem: 'slow.bilevel.ts', shotName: '' });
      // slow.bilevel.ts plans 1e6 iterations: the probe's estimate is far above the threshold, so it asks.
      const asked = await waitFor('the cost question', async () => {
        const d = await costDialog();
        if (d) await shot('09a-cost-estimate');
        return d;
      }, { timeoutMs: 90_000, intervalMs: 300 });
      console.log(`      asked: ${JSON.stringify(asked.text.slice(0, 300))}`);
      if (!/Expected about/.test(asked.text)) throw new Error(`the question gives no estimate: ${asked.text}`);
      await acceptCostDialog();
      const p = await waitFor('a panel with the 3 runs, one running', async () => {
        for (const x of await panels()) {
          if (!before.has(x.frame) && x.state.rows.length === 3 && x.state.rows.some((r) => r.status === 'running')) return x;
        }
        return undefined;
      }, { timeoutMs: 90_000, intervalMs: 300 });
      const first = await p.frame.evaluate(readPanel);
      const queued = first.rows.filter((r) => r.status === 'queued');
      await shot('09b-one-running-two-queued');
      console.log(`      rows: ${JSON.stringify(first.rows)}`);
      if (queued.length !== 2) throw new Error(`expected 2 queued runs beside the running one: ${JSON.stringify(first.rows)}`);
      await p.frame.locator('button#cancel-all').click();
      const seen = new Map();
      const ended = await waitFor('every run of the comparison to end', async () => {
        const s = await p.frame.evaluate(readPanel);
        for (const r of s.rows) seen.set(r.id, [...(seen.get(r.id) ?? []), r.status]);
        return s.rows.every((r) => r.status === 'cancelled') ? s : undefined;
      }, { timeoutMs: 60_000, intervalMs: 200 });
      await shot('09c-cancel-all');
      console.log(`      ended: ${JSON.stringify(ended.rows)}`);
      for (const q of queued) {
        if ((seen.get(q.id) ?? []).some((st) => st === 'running')) throw new Error(`queued run ${q.id} started after Cancel all: ${seen.get(q.id).join(' → ')}`);
        if (runFolders(workspace).includes(q.id)) throw new Error(`queued run ${q.id} has a run folder: it started`);
      }
    });

    await step('Compare with 3 seeds draws the method as a median with its 20–80% band in the live panel', async () => {
      await runPaletteCommand('View: Close All Editors');
      const before = new Set((await panels()).map((x) => x.frame));
      // seeded.bilevel.ts draws x_0 from the seed: three seeds, three different curves, a band with a width.
      await compareFromPalette({ methods: ['rhg'], seeds: 3, problem: 'seeded.bilevel.ts', shotName: '' });
      const p = await waitFor('a panel with the 3 seeds of rhg', async () => {
        await acceptCostDialog();
        for (const x of await panels()) if (!before.has(x.frame) && x.state.rows.length === 3) return x;
        return undefined;
      }, { timeoutMs: 120_000, intervalMs: 300 });
      const done = await waitFor('the three seeds to finish', async () => {
        const s = await p.frame.evaluate(readPanel);
        return s.rows.every((r) => r.status !== 'running' && r.status !== 'queued') ? s : undefined;
      }, { timeoutMs: 240_000, intervalMs: 500 });
      console.log(`      rows: ${JSON.stringify(done.rows.map((r) => [r.label, r.status]))}`);
      if (done.rows.some((r) => r.status !== 'completed')) throw new Error(`a seed did not complete: ${JSON.stringify(done.rows)}`);
      const band = await waitFor('a chart with a band', () => p.frame.evaluate(readBand), { timeoutMs: 20_000, intervalMs: 500 });
      await p.frame.evaluate((id) => document.getElementById(id)?.scrollIntoView({ block: 'center' }), band.id);
      await sleep(500);
      await shot('11-compare-seeds-band');
      console.log(`      band: ${JSON.stringify(band)}`);
      if (band.bottom - band.top < 3) throw new Error(`the band is ${band.bottom - band.top} px tall: the seeds did not spread`);
      // The pixel halfway between the median line and the band's farther edge is the band's fill, not
      // the transparent canvas: the band was drawn where the model says it is.
      const [r, g, b] = band.fill.match(/[\d.]+/g).map(Number);
      const [pr, pg, pb, pa] = band.inside;
      if (!(pa > 0) || Math.abs(pr - r) > 40 || Math.abs(pg - g) > 40 || Math.abs(pb - b) > 40) throw new Error(`the pixel inside the band is ${JSON.stringify(band.inside)}, not the band's fill ${band.fill}`);
      const rowsOf = await p.frame.evaluate(() => [...document.querySelectorAll('table#target-table tbody tr[data-group]')].map((tr) => tr.querySelector('td[data-col="reached"]')?.textContent));
      console.log(`      target table: ${JSON.stringify(rowsOf)}`);
      if (rowsOf.length !== 1 || !/of 3/.test(rowsOf[0] ?? '')) throw new Error(`the target table does not show one group of 3 seeds: ${JSON.stringify(rowsOf)}`);
    });

    await step('New Sweep from the palette: one history node reads "n of N done", and its Cancel ends every run', async () => {
      await runPaletteCommand('View: Close All Editors');
      await runPaletteCommand('Bilevel: New Sweep…');
      await answerSweepPrompts({ problem: 'slow.bilevel.ts', methods: ['rhg'], seeds: '0-2', grid: '' });
      const sidebar = page.locator('.part.sidebar');
      const node = sidebar.locator('.monaco-list-row', { hasText: /\d+ of 3 done/ }).first();
      await waitFor('the sweep node in the history', async () => {
        if (await node.isVisible().catch(() => false)) return true;
        // The side bar may show another view (the Explorer lists slow.bilevel.ts too), and the problem row
        // may be collapsed: open the Bilevel view, then expand the slow problem.
        const title = await sidebar.locator('.composite.title .title-label').first().innerText().catch(() => '');
        if (!/bilevel/i.test(title)) {
          await page.locator('.activitybar .action-label[aria-label^="Bilevel"]').first().click();
          await sleep(1000);
        }
        const problemRow = sidebar.locator('.monaco-list-row[aria-expanded="false"]', { hasText: 'slow' }).first();
        if (await problemRow.isVisible().catch(() => false)) await problemRow.click();
        return node.isVisible().catch(() => false);
      }, { timeoutMs: 60_000, intervalMs: 1000 });
      const running = await waitFor('the sweep running', async () => {
        const t = (await node.innerText().catch(() => '')).replace(/\s+/g, ' ');
        return /running · 0 of 3 done/.test(t) ? t : undefined;
      }, { timeoutMs: 90_000, intervalMs: 500 });
      // Cancel once the first run has really started (its folder exists), so the cancel reaches a running worker too.
      await waitFor('the first run of the sweep to start', async () => {
        const sweep = existsSync(join(workspace, '.bilevel', 'runs', '.sweeps')) ? latestSweep(workspace) : undefined;
        return sweep?.runIds.some((id) => existsSync(join(workspace, '.bilevel', 'runs', id, 'run.json'))) ? true : undefined;
      }, { timeoutMs: 90_000, intervalMs: 300 });
      await node.hover();
      await shot('12a-sweep-node-running');
      console.log(`      node: ${JSON.stringify(running)}`);
      await node.locator('.action-label[aria-label^="Cancel Sweep"]').first().click();
      const ended = await waitFor('the sweep cancelled', async () => {
        const t = (await node.innerText().catch(() => '')).replace(/\s+/g, ' ');
        return /cancelled · 3 of 3 done/.test(t) ? t : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500 });
      await shot('12b-sweep-node-cancelled');
      console.log(`      node: ${JSON.stringify(ended)}`);
      // Every run of the sweep ended: the one that started is cancelled on disk, the queued ones never started.
      const sweep = latestSweep(workspace);
      const started = sweep.runIds.filter((id) => runFolders(workspace).includes(id));
      const statuses = started.map((id) => JSON.parse(readFileSync(join(workspace, '.bilevel', 'runs', id, 'run.json'), 'utf8')).status);
      console.log(`      sweep ${sweep.id}: ${sweep.runIds.length} runs, started ${JSON.stringify(statuses)}`);
      if (sweep.runIds.length !== 3) throw new Error(`the sweep has ${sweep.runIds.length} runs, not 3`);
      if (started.length < 1 || statuses.some((st) => st !== 'cancelled')) throw new Error(`started runs of the sweep: ${JSON.stringify(statuses)}`);
    });

    await step('the experiments table sorts by a metric', async () => {
      await runPaletteCommand('Bilevel: Open Experiments Table');
      const frame = await waitFor('the experiments table with rows', async () => {
        for (const f of page.frames()) {
          const ok = await f.evaluate(() => document.body?.dataset.snapshot === '1' && Number(document.body.dataset.rows) >= 3 && !!document.querySelector('#experiments-table th[data-key="msPerIteration"]')).catch(() => false);
          if (ok) return f;
        }
        return undefined;
      }, { timeoutMs: 60_000, intervalMs: 500 });
      const read = () => frame.evaluate(() => ({
        sort: document.querySelector('#experiments-table th[data-key="msPerIteration"]')?.getAttribute('aria-sort'),
        values: [...document.querySelectorAll('#experiments-table tbody tr')].map((tr) => tr.querySelector('td[data-key="msPerIteration"]')?.dataset.value),
      }));
      await frame.locator('#experiments-table th[data-key="msPerIteration"] button.sort').click();
      const asc = await waitFor('an ascending sort', async () => { const r = await read(); return r.sort === 'ascending' ? r : undefined; }, { timeoutMs: 10_000 });
      await frame.evaluate(() => { const w = document.querySelector('.table-wrap'); if (w) w.scrollLeft = 0; });
      await sleep(300);
      await shot('10-experiments-table-sorted');
      await frame.locator('#experiments-table th[data-key="msPerIteration"] button.sort').click();
      const desc = await waitFor('a descending sort', async () => { const r = await read(); return r.sort === 'descending' ? r : undefined; }, { timeoutMs: 10_000 });
      console.log(`      ascending: ${JSON.stringify(asc.values)}\n      descending: ${JSON.stringify(desc.values)}`);
      const sortedBy = (values, sign) => {
        const nums = values.filter((v) => v !== undefined).map(Number);
        // Missing values last, in both directions.
        const firstMissing = values.findIndex((v) => v === undefined);
        if (firstMissing >= 0 && values.slice(firstMissing).some((v) => v !== undefined)) return false;
        return nums.length >= 2 && nums.every((v, i) => i === 0 || sign * (v - nums[i - 1]) >= 0);
      };
      // Times differ between runs (rhg against cg, alone): a sort of equal values would prove nothing.
      if (new Set(asc.values.filter((v) => v !== undefined)).size < 2) throw new Error(`the runs' msPerIteration values do not differ: ${JSON.stringify(asc.values)}`);
      if (!sortedBy(asc.values, 1)) throw new Error(`not ascending by msPerIteration: ${JSON.stringify(asc.values)}`);
      if (!sortedBy(desc.values, -1)) throw new Error(`not descending by msPerIteration: ${JSON.stringify(desc.values)}`);
    });

    await step('Bilevel: New Problem File is typed: 0 problems, hover docs on defineProblem, a type error at its line', async () => {
      await runPaletteCommand('View: Close All Editors');
      await runPaletteCommand('Bilevel: New Problem File');
      const name = 'example.bilevel.ts';
      await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
      const text = readFileSync(join(workspace, name), 'utf8');
      const lines = page.locator('.editor-instance .monaco-editor .view-lines').first();
      await lines.waitFor({ timeout: 30_000 });

      // Hover on `defineProblem` until the TS server answers with its JSDoc (it proves that
      // `bilevel-lab` resolved: without the plugin the hover says `any`, or nothing).
      const callLine = lines.locator('.view-line', { hasText: 'export default defineProblem(' }).first();
      const token = callLine.locator('span:text-is("defineProblem")').first();
      const hover = page.locator('.monaco-hover').filter({ visible: true }).first();
      const hoverText = await waitFor('the hover on defineProblem to show its documentation', async () => {
        await page.mouse.move(5, 5);
        await sleep(200);
        await token.hover();
        const t = await hover.innerText({ timeout: 3_000 }).catch(() => '');
        return /Declares a bi-level problem/.test(t) && /defineProblem/.test(t) ? t : undefined;
      }, { timeoutMs: 120_000, intervalMs: 1000 });
      await shot('07a-new-file-hover');
      console.log(`      hover: ${JSON.stringify(hoverText.slice(0, 200))}`);
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');

      // The Problems view: nothing for the new file (before the fix: 7 errors, `Cannot find module
      // 'bilevel-lab'`, `'@tensorflow/tfjs-core'`, implicit any). Give the TS server a few seconds after the
      // hover; diagnostics come after quick info.
      await runPaletteCommand('View: Focus Problems');
      await sleep(4_000);
      const clean = await problems();
      await shot('07b-new-file-no-problems');
      console.log(`      problems: ${JSON.stringify(clean)}`);
      if (clean.total !== 0) throw new Error(`expected 0 problems, the Problems view shows ${clean.total}: ${JSON.stringify(clean.rows)}`);

      if (clean.rows.length > 0 || !/No problems have been detected/.test(clean.message)) throw new Error(`the Problems view is not empty: ${JSON.stringify(clean)}`);

      // A deliberate type error: `description: 42` (a string field) appended to the `defaults` line.
      const errorLine = text.split('\n').findIndex((l) => l.trimStart().startsWith('defaults:')) + 1;
      if (errorLine === 0) throw new Error(`no defaults: line in ${name}`);
      const wrongText = ' description: 42,';
      const toEndOfErrorLine = async () => {
        // Focus the editor without clicking into it (its sticky-scroll header covers the top lines).
        await page.locator('.editor-instance .monaco-editor').first().locator('.native-edit-context, textarea.inputarea').first().focus();
        await page.keyboard.press('Control+G');
        const goTo = page.locator('.quick-input-widget').filter({ visible: true }).first();
        await goTo.locator('.quick-input-box input').waitFor({ timeout: 10_000 });
        await page.keyboard.insertText(String(errorLine));
        await page.keyboard.press('Enter');
        await goTo.waitFor({ state: 'hidden', timeout: 10_000 });
        await page.keyboard.press('End');
      };
      await toEndOfErrorLine();
      await page.keyboard.insertText(wrongText);
      await page.keyboard.press('Escape');
      const wrong = await waitFor(`a type error on line ${errorLine} in the Problems view`, async () => {
        const p = await problems();
        const row = p.rows.find((r) => /Type 'number' is not assignable to type 'string'/.test(r) && new RegExp(`\\[Ln ${errorLine}, Col \\d+\\]`).test(r));
        return row && p.total === 1 ? { ...p, row } : undefined;
      }, { timeoutMs: 60_000, intervalMs: 1000 });
      const squiggles = await page.locator('.editor-instance .monaco-editor .squiggly-error').count().catch(() => 0);
      await shot('07c-type-error-at-its-line');
      console.log(`      error: ${JSON.stringify(wrong.row)}; squiggles in the editor: ${squiggles}`);

      // Take the error out again: the Problems view is empty again.
      await toEndOfErrorLine();
      for (let i = 0; i < wrongText.length; i++) await page.keyboard.press('Backspace');
      const after = await waitFor('0 problems after the undo', async () => {
        const p = await problems();
        return p.total === 0 ? p : undefined;
      }, { timeoutMs: 30_000, intervalMs: 1000 });
      console.log(`      after undo: ${JSON.stringify(after)}`);
    });
  } catch (e) {
    results.push({ name: 'setup', ok: false, error: e });
    console.log(`  ✘ setup: ${e.stack ?? e}`);
    if (server) console.log(`[ui] code-server log tail:\n${server.log.join('').slice(-3000)}`);
  } finally {
    await cleanup();
  }

  console.log(`[ui] ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots:`);
  for (const s of shots) console.log(`  ${s}`);
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`ui: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

/**
 * In the live panel's frame: the chart with the tallest band, where its probe column is (CSS px),
 * the band's fill, and the pixel halfway between the median line and the band's farther edge.
 */
function readBand() {
  const probe = (el) => el.dataset.bandProbe.split(',').map(Number);
  // The chart whose band is tallest at its probe: the clearest pixel to read.
  const c = [...document.querySelectorAll('canvas[data-band-probe]')].sort((a, b) => (probe(b)[2] - probe(b)[1]) - (probe(a)[2] - probe(a)[1]))[0];
  if (!c) return undefined;
  const [x, top, bottom] = probe(c);
  const center = Number(c.dataset.bandCenter);
  const y = center - top > bottom - center ? (top + center) / 2 : (center + bottom) / 2;
  const scale = c.width / c.getBoundingClientRect().width;
  const inside = [...c.getContext('2d').getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data];
  return { id: c.id, x, top, bottom, center, fill: c.dataset.bandFill, inside };
}

/** The newest sweep of the workspace's store: its id and the run ids of its runs.jsonl. */
function latestSweep(workspace) {
  const dir = join(workspace, '.bilevel', 'runs', '.sweeps');
  const id = readdirSync(dir).filter((n) => !n.startsWith('.')).sort().pop();
  if (!id) throw new Error(`no sweep in ${dir}`);
  const runIds = readFileSync(join(dir, id, 'runs.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l).runId);
  return { id, runIds };
}

/** Answers New Sweep's prompts by their placeholders: problem pick, methods multi pick, seeds, grid. */
async function answerSweepPrompts({ problem, methods, seeds, grid }) {
  const qi = page.locator('.quick-input-widget').filter({ visible: true }).first();
  const input = qi.locator('.quick-input-box input');
  const rows = qi.locator('.quick-input-list .monaco-list-row');
  const prompt = (re) => waitFor(`the New Sweep prompt ${re}`, async () => {
    if (!(await qi.isVisible().catch(() => false))) return undefined;
    const text = `${(await input.getAttribute('placeholder').catch(() => '')) ?? ''} ${(await qi.locator('.quick-input-title').innerText().catch(() => ''))}`;
    return re.test(text) ? text : undefined;
  }, { timeoutMs: 45_000, intervalMs: 200 });
  await prompt(/Problem to sweep/);
  await rows.filter({ hasText: problem }).first().click();
  await prompt(/methods to run/);
  for (const m of methods) {
    await input.fill(m);
    const row = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${m}$`) }) }).first();
    await row.waitFor({ timeout: 5_000 });
    if ((await row.getAttribute('aria-checked')) !== 'true') await row.click();
  }
  await input.fill('');
  await page.keyboard.press('Enter');
  await prompt(/New Sweep: seeds|e\.g\. 0-4/);
  await input.fill(seeds);
  await page.keyboard.press('Enter');
  await prompt(/New Sweep: grid|K=10,20/);
  await input.fill(grid);
  await page.keyboard.press('Enter');
}

/** The run folders of the workspace's store (ids). */
function runFolders(workspace) {
  const dir = join(workspace, '.bilevel', 'runs');
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
}

/** The cost question (a modal dialog with a Start button), if it is on screen: its text. */
async function costDialog() {
  const box = page.locator('.monaco-dialog-box').filter({ visible: true }).first();
  if (!(await box.isVisible().catch(() => false))) return undefined;
  const text = (await box.innerText().catch(() => '')).trim();
  return /Start/.test(text) ? { text } : undefined;
}

/** Answers Start to the cost question when it is on screen (the probe's estimate can exceed the threshold on a loaded machine). */
async function acceptCostDialog() {
  if (!(await costDialog())) return false;
  const button = page.locator('.monaco-dialog-box .dialog-buttons a.monaco-button, .monaco-dialog-box .dialog-buttons .monaco-button', { hasText: /^Start/ }).first();
  await button.click();
  return true;
}

/**
 * Runs a command by its palette title (F1, type, Enter on the matching row). Retried: right after the
 * workbench loads, the extension's contributed commands can be missing from the palette for a while.
 */
async function runPaletteCommand(title) {
  const qi = page.locator('.quick-input-widget').filter({ visible: true }).first();
  const input = qi.locator('.quick-input-box input');
  await waitFor(`"${title}" in the command palette`, async () => {
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = qi.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    if (await row.waitFor({ timeout: 5_000 }).then(() => true, () => false)) return true;
    await page.keyboard.press('Escape');
    return false;
  }, { timeoutMs: 60_000, intervalMs: 1000 });
  await page.keyboard.press('Enter');
  await qi.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
}

/**
 * What the Problems view shows: `total`, the count on its tab (0 when it has none), and the text of its
 * rows (a file row, then one row per problem: message, source and `[Ln N, Col M]`).
 */
async function problems() {
  return page.evaluate(() => {
    const panel = document.querySelector('.markers-panel');
    const rows = panel ? [...panel.querySelectorAll('.monaco-list-row')].map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()) : [];
    const markers = panel ? panel.querySelectorAll('.monaco-list-row .marker-message-details, .monaco-list-row .marker-icon').length : 0;
    const tab = [...document.querySelectorAll('.part.panel .composite-bar .action-item, .part.panel .panel-switcher-container .action-item')].find((a) => /problems/i.test(a.getAttribute('aria-label') ?? a.textContent ?? ''));
    const badge = tab?.querySelector('.badge-content');
    const badgeText = badge && (badge.closest('.badge')?.getAttribute('style') ?? '').includes('display: none') ? '' : (badge?.textContent ?? '').trim();
    const message = (panel?.querySelector('.message-box-container')?.textContent ?? '').trim();
    return { total: badgeText === '' ? 0 : Number(badgeText), markers, rows, message, panel: !!panel };
  });
}

/**
 * Answers Compare Methods' prompts in order: a single pick (problem) takes the row naming `problem`,
 * the multi pick (methods) gets exactly `methods` checked (and the hypergradient check item when
 * `check`), the seeds pick the row `<seeds> seeds` (the first row, the setting's 1, by default), and the options input box, always the last prompt, gets `options` (as is when undefined).
 * Each next prompt is awaited by its placeholder: on a loaded machine the extension host can take
 * seconds to open it, and a short wait would leave it unanswered. With `stopAtOptions` the options
 * box is filled but not accepted, and its validation message is returned.
 */
async function answerPrompts(qi, input, { methods = COMPARE, check = false, problem = 'sample.bilevel.ts', seeds = 1, options, stopAtOptions = false, shotName = '06a-compare-methods-pick' } = {}) {
  let last;
  for (let i = 0; i < 6; i++) {
    const placeholder = await waitFor(`prompt ${i + 1} of Compare Methods (after "${last ?? 'the command'}")`, async () => {
      if (!(await qi.isVisible())) return undefined;
      const p = (await input.getAttribute('placeholder')) ?? '';
      return p !== last ? p || ' ' : undefined;
    }, { timeoutMs: 45_000, intervalMs: 200 });
    last = placeholder;
    await sleep(300);
    const rows = qi.locator('.quick-input-list .monaco-list-row');
    // Only visible checkboxes count: the widget keeps the last multi pick's (hidden) check-all in the DOM.
    const multi = (await qi.locator('.quick-input-check-all, .quick-input-list .monaco-list-row [role="checkbox"], .quick-input-list input[type="checkbox"]').filter({ visible: true }).count()) > 0;
    const single = !multi && (await rows.filter({ visible: true }).count()) > 0;
    console.log(`      prompt ${i + 1}: "${placeholder.trim()}" (${multi ? 'multi' : single ? 'single' : 'input'})`);
    if (multi) {
      const wanted = [...methods, ...(check ? [CHECK_ITEM] : [])];
      for (const m of wanted) {
        await input.fill(m === CHECK_ITEM ? 'Check each' : m);
        const row = rows.filter({ has: page.locator('.label-name', { hasText: m === CHECK_ITEM ? /Check each hypergradient/ : new RegExp(`^${m}$`) }) }).first();
        await row.waitFor({ timeout: 5_000 });
        if ((await row.getAttribute('aria-checked')) !== 'true') await row.click();
        await waitFor(`${m} checked`, async () => (await row.getAttribute('aria-checked')) === 'true', { timeoutMs: 3_000 });
      }
      await input.fill('');
      // Uncheck anything preselected that is not one of ours, reading names and states in one
      // snapshot (the list re-renders while it is filtered; an index-by-index walk could click a
      // row that had just moved under it), until exactly our methods are checked.
      const checkedNames = () => qi.evaluate((el) => [...el.querySelectorAll('.quick-input-list .monaco-list-row')]
        .filter((r) => r.getAttribute('aria-checked') === 'true')
        .map((r) => (r.querySelector('.label-name')?.textContent ?? '').trim()));
      const ours = (n) => methods.includes(n) || (check && /Check each hypergradient/.test(n));
      await waitFor(`exactly ${wanted.join(' + ')} checked`, async () => {
        const names = await checkedNames();
        const extra = names.filter((n) => n !== '' && !ours(n));
        for (const n of extra) await rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first().click();
        // The list renders only the rows on screen (the check item sits below them): the widget's
        // "N Selected" count covers every row.
        const count = Number(((await qi.locator('.quick-input-count').innerText().catch(() => '')).match(/\d+/) ?? ['-1'])[0]);
        return extra.length === 0 && methods.every((m) => names.includes(m)) && count === wanted.length ? names : undefined;
      }, { timeoutMs: 10_000, intervalMs: 300 });
      if (shotName) await shot(shotName);
      await input.focus();
      await page.keyboard.press('Enter');
    } else if (single && /^Seeds per method/.test(placeholder)) {
      // The first row is the setting's value (1 seed): kept unless the step asks for more seeds.
      const row = seeds === 1 ? rows.first() : rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${seeds} seeds$`) }) }).first();
      await row.click();
    } else if (single) {
      const row = rows.filter({ hasText: problem });
      await ((await row.count()) > 0 ? row.first() : rows.first()).click();
    } else {
      await input.focus();
      if (options !== undefined) {
        // Typed, as a user does: VS Code validates on its own input events.
        await input.fill('');
        await page.keyboard.type(options, { delay: 20 });
      }
      if (stopAtOptions) {
        // The box shows its prompt until validation answers; wait for the answer, keep the last text.
        let shown = '';
        await waitFor('the options box to validate', async () => {
          shown = (await qi.locator('.quick-input-message').innerText().catch(() => '')).trim();
          return /did you mean|unknown|not an option/i.test(shown);
        }, { timeoutMs: 10_000, intervalMs: 200 }).catch(() => undefined);
        return shown;
      }
      await page.keyboard.press('Enter');
      return undefined;
    }
  }
  throw new Error(`Compare Methods asked more than 6 questions (last: "${last}")`);
}

/** Opens Compare Methods from the palette and answers its prompts (see answerPrompts). */
async function compareFromPalette(answers) {
  await page.keyboard.press('F1');
  // The workbench can hold more than one quick-input widget; use the one on screen.
  const qi = page.locator('.quick-input-widget').filter({ visible: true }).first();
  const input = qi.locator('.quick-input-box input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill('>Bilevel: Compare Methods');
  await qi.locator('.quick-input-list .monaco-list-row', { hasText: 'Compare Methods' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  return { qi, input, message: await answerPrompts(qi, input, answers) };
}

main().catch((e) => {
  console.error(e.stack ?? e);
  console.log('ui: 0 passed, 1 failed');
  process.exit(1);
});
