// Extension-host suite: the history follows a store outside the workspace (bilevel.history.extraStores,
// issue 15): with the setting pointing at a temp folder (set while the window runs: no reload), a run
// the CLI writes there in another process appears in the history within a few seconds, through the
// store's file watcher, without a refresh command; a sweep the CLI runs there shows "n of N done";
// Submit Sweep to SLURM… submits through the CLI (a stand-in sbatch on PATH that prints a job id) and
// the sweep shows queued, 0 of N done, with its job id.
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bilevelExtension, waitFor } from '../helpers';

/** The part of the extension's API this suite reads (src/extension/extension.ts, BilevelApi). */
interface Api {
  historyRunIds(): string[];
  historySweeps(): { readonly id: string; readonly description: string; readonly contextValue: string }[];
}

/** Runs the extension's CLI (`dist/cli.js`) as another process would, with Node. */
function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const script = path.join(bilevelExtension().extensionPath, 'dist', 'cli.js');
  return new Promise((resolve, reject) => {
    // In desktop VS Code process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it plain Node.
    execFile(process.execPath, [script, ...args], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bilevel ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

suite('extra stores', () => {
  let store = '';
  let api: Api;

  suiteSetup(async () => {
    api = (await bilevelExtension().activate()) as Api;
    store = mkdtempSync(path.join(os.tmpdir(), 'bilevel-shared-store-'));
    await vscode.workspace.getConfiguration('bilevel').update('history.extraStores', [store], vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('bilevel').update('history.extraStores', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(store, { recursive: true, force: true });
  });

  test('a run the CLI writes into the extra store appears in the history within a few seconds', async () => {
    const before = new Set(api.historyRunIds());
    await cli(['run', '--problem', 'toy-quadratic', '--iterations', '5', '--store', store, '--backend', 'cpu']);
    const written = readdirSync(store).filter((name) => !name.startsWith('.'));
    assert.equal(written.length, 1, `one run folder in ${store}: ${written.join(', ')}`);
    const id = written[0]!;
    assert.ok(!before.has(id));
    const shownAfter = Date.now();
    await waitFor(`run ${id} in the history (no refresh command)`, () => api.historyRunIds().includes(id), 8_000, 100);
    console.log(`    run ${id} of the extra store shown ${Date.now() - shownAfter} ms after the CLI exited`);
  });

  test('a sweep the CLI runs in the extra store shows n of N done', async () => {
    const { stdout } = await cli(['sweep', '--problem', 'toy-quadratic', '--methods', 'rhg', '--seeds', '0-1', '--iterations', '3', '--store', store, '--backend', 'cpu', '--jobs', '1', '--json']);
    const sweepId = (JSON.parse(stdout.trim().split('\n').pop()!) as { sweep: string }).sweep;
    const row = await waitFor(`sweep ${sweepId} with 2 of 2 done`, () => api.historySweeps().find((s) => s.id === sweepId && /2 of 2 done/.test(s.description)), 8_000, 200);
    assert.match(row.description, /^completed · 2 of 2 done/);
  });

  test('Submit Sweep to SLURM… submits through the CLI and the sweep shows queued with its job', async () => {
    // A stand-in sbatch: `sbatch --parsable <script>` prints the job id and runs nothing.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'bilevel-fake-slurm-'));
    writeFileSync(path.join(bin, 'sbatch'), '#!/bin/sh\necho 4242\n');
    chmodSync(path.join(bin, 'sbatch'), 0o755);
    const pathBefore = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${pathBefore ?? ''}`;
    let submitted: { sweepId?: string; jobId?: string } | undefined;
    try {
      submitted = await vscode.commands.executeCommand<{ sweepId?: string; jobId?: string } | undefined>('bilevel.submitSweepSlurm', 'toy-quadratic', undefined, {
        methods: ['rhg'],
        seeds: '0-1',
        maxConcurrent: 2,
        sbatchArgs: '--time=0:10:00 --job-name="bilevel test"',
        store,
      });
    } finally {
      process.env.PATH = pathBefore;
      rmSync(bin, { recursive: true, force: true });
    }
    assert.ok(submitted?.sweepId !== undefined, `the command returned ${JSON.stringify(submitted)}`);
    assert.equal(submitted.jobId, '4242');
    assert.ok(existsSync(path.join(store, '.sweeps', submitted.sweepId, 'sweep.sbatch')), 'the batch script is in the sweep folder');
    const row = await waitFor(`sweep ${submitted.sweepId} in the history`, () => api.historySweeps().find((s) => s.id === submitted!.sweepId), 8_000, 200);
    assert.match(row.description, /^queued · 0 of 2 done/);
    assert.equal(row.contextValue, 'bilevelSweep.queued');
  });
});
