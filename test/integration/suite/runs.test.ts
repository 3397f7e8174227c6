// Extension-host suite: real runs through the worker process, checked in the run store the extension
// writes (<workspace>/.bilevel/runs/<id>/run.json, docs/run-store.md).
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bilevelExtension, clickLens, fixtureUri, lens, storedRuns, waitFor } from '../helpers';
import type { StoredRun } from '../helpers';

/** Statuses after which a run never changes again (docs/run-store.md). */
const FINAL = new Set(['completed', 'failed', 'cancelled', 'diverged', 'interrupted']);

/** Clicks the ▶ Run lens of a fixture file and returns the run record it creates. */
async function startRun(file: string): Promise<StoredRun> {
  const before = new Set(storedRuns().map((r) => r.id));
  const uri = fixtureUri(file);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  // The command may resolve when the run is queued or when it ends; either way the store shows it.
  void Promise.resolve(clickLens(await lens(uri, 'Run'))).catch((e: unknown) => console.log(`    run command rejected: ${String(e)}`));
  return waitFor(`a new run of ${file} in .bilevel/runs`, () => storedRuns().find((r) => !before.has(r.id)), 60_000);
}

suite('runs', () => {
  suiteSetup(async () => {
    await bilevelExtension().activate();
  });

  test('▶ Run on sample.bilevel.ts ends completed in the run store', async () => {
    const started = await startRun('sample.bilevel.ts');
    const done = await waitFor(`run ${started.id} to end`, () => {
      const r = storedRuns().find((x) => x.id === started.id);
      return r && FINAL.has(r.status) ? r : undefined;
    }, 180_000, 500);
    assert.equal(done.status, 'completed', `run ${done.id} ended ${done.status}: ${done.message ?? ''}`);
    assert.equal(done.config?.method, 'rhg');
    assert.ok((done.summary?.iterations ?? 0) > 0, 'the summary records iterations');
  });

  test('Run Paper Preset (iaptt-hyperclean, shortened) loads MNIST in the worker and records test accuracy and F1', async () => {
    const before = new Set(storedRuns().map((r) => r.id));
    // The preset's 300 × K = 50 iterations shortened to 3 × 3: this checks the wiring, not the numbers.
    void Promise.resolve(vscode.commands.executeCommand('bilevel.runPreset', 'iaptt-hyperclean', ['iaptt-gm'], { options: { iterations: 3, lowerSteps: 3, evalEvery: 1 } })).catch(
      (e: unknown) => console.log(`    runPreset rejected: ${String(e)}`),
    );
    const started = await waitFor('a new hyperclean-mnist run in .bilevel/runs', () => storedRuns().find((r) => !before.has(r.id)), 60_000);
    const done = await waitFor(`run ${started.id} to end`, () => {
      const r = storedRuns().find((x) => x.id === started.id);
      return r && FINAL.has(r.status) ? r : undefined;
    }, 180_000, 500);
    assert.equal(done.status, 'completed', `run ${done.id} ended ${done.status}: ${done.message ?? ''}`);
    assert.equal(done.config?.preset, 'iaptt-hyperclean');
    const evals = done.summary?.evals ?? {};
    for (const name of ['test.accuracy', 'test.accuracyOfZ', 'f1', 'baseline.noisy.accuracy', 'baseline.clean.accuracy']) {
      assert.ok(Number.isFinite(evals[name]), `summary.evals.${name} = ${evals[name]} (${JSON.stringify(evals)})`);
    }
  });

  test('bilevel.cancelRun cancels a long run', async () => {
    const started = await startRun('slow.bilevel.ts');
    await waitFor(`run ${started.id} to be running`, () => storedRuns().find((x) => x.id === started.id && x.status === 'running'), 60_000);
    await vscode.commands.executeCommand('bilevel.cancelRun', started.id);
    const done = await waitFor(`run ${started.id} to end after cancel`, () => {
      const r = storedRuns().find((x) => x.id === started.id);
      return r && FINAL.has(r.status) ? r : undefined;
    }, 60_000, 250);
    assert.equal(done.status, 'cancelled', `run ${done.id} ended ${done.status}: ${done.message ?? ''}`);
  });
});
