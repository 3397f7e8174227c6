// What the panel says about its runs besides charts (webview/runDetails.ts): the settings table with
// differing settings first and marked, final x and y, the queued status, the empty-panel note and
// what "iterations to tolerance" measured, and the backend badge of each run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunSettings } from '../../../src/protocol/runSettings';
import { backendBadge, emptyNoteText, showsProgressBar, finalValues, settingsRows, statusLine, tensorText, toleranceCondition, toleranceHeader, toleranceMeasure } from '../../../webview/runDetails';

const rhg: RunSettings = { method: 'rhg', iterations: 40, lowerSteps: 20, lowerLr: 0.1, seed: 0, backend: 'auto' };
const cg: RunSettings = { method: 'cg', iterations: 40, lowerSteps: 20, lowerLr: 0.05, seed: 0, backend: 'auto', cgIterations: 10 };

describe('settingsRows', () => {
  it('lists the settings that differ first, marked, with one value per run and — where a run lacks one', () => {
    const rows = settingsRows([{ settings: rhg }, { settings: cg }]);
    assert.deepEqual(
      rows.filter((r) => r.differs).map((r) => r.key),
      ['method', 'lowerLr', 'cgIterations'],
    );
    assert.deepEqual(rows.slice(0, 3).map((r) => r.key), ['method', 'lowerLr', 'cgIterations']);
    assert.deepEqual(rows.find((r) => r.key === 'cgIterations')!.values, ['—', '10']);
    assert.deepEqual(rows.find((r) => r.key === 'lowerSteps'), { key: 'lowerSteps', values: ['20', '20'], differs: false });
    assert.equal(rows.length, 7);
  });

  it('shows only the differing ones when asked', () => {
    assert.deepEqual(settingsRows([{ settings: rhg }, { settings: cg }], true).map((r) => r.key), ['method', 'lowerLr', 'cgIterations']);
  });

  it('marks nothing for one run, and does not count a run whose settings are unknown as differing', () => {
    assert.ok(settingsRows([{ settings: rhg }]).every((r) => !r.differs));
    const rows = settingsRows([{ settings: rhg }, {}, { settings: { ...rhg, lowerSteps: 5 } }]);
    assert.deepEqual(rows.filter((r) => r.differs).map((r) => r.key), ['lowerSteps']);
    assert.deepEqual(rows[0]!.values, ['20', '—', '5']);
    assert.deepEqual(settingsRows([{}, {}]), []);
  });

  it("does not count what a queued run does not know yet, only the values it has (its seed)", () => {
    const rows = settingsRows([{ settings: { ...rhg, seed: 0 }, status: 'running' }, { settings: { method: 'rhg', seed: 1 }, status: 'queued' }, { settings: { method: 'rhg', seed: 2 }, status: 'queued' }]);
    assert.deepEqual(rows.filter((r) => r.differs).map((r) => r.key), ['seed']);
    assert.deepEqual(rows.find((r) => r.key === 'lowerSteps')!.values, ['20', '—', '—']);
    // Once it runs, its settings are complete and compared as any other run's.
    const started = settingsRows([{ settings: rhg, status: 'completed' }, { settings: { method: 'rhg', seed: 0 }, status: 'running' }]);
    assert.ok(started.find((r) => r.key === 'lowerSteps')!.differs);
  });
});

describe('final values', () => {
  it('shows small tensors in full and large ones as shape and norm', () => {
    assert.equal(tensorText([0.5, -1.25]), '[0.5, -1.25]');
    assert.equal(tensorText([2], []), '2');
    assert.equal(tensorText(Array.from({ length: 12 }, () => 1)).split(',').length, 12);
    assert.equal(tensorText(Array.from({ length: 20 }, () => 1), [4, 5]), 'shape [4, 5] · ‖·‖ = 4.472');
    assert.equal(tensorText(Array.from({ length: 13 }, () => 0)), 'shape [13] · ‖·‖ = 0');
  });

  it('lists x before y, by name, with the summary’s shapes', () => {
    const values = finalValues({ x: { w: [1, 2], big: Array.from({ length: 100 }, () => 0.1) }, y: { v: [3] }, shapes: { x: { w: [2], big: [10, 10] }, y: { v: [] } } });
    assert.deepEqual(values, [
      { side: 'x', name: 'w', text: '[1, 2]' },
      { side: 'x', name: 'big', text: 'shape [10, 10] · ‖·‖ = 1' },
      { side: 'y', name: 'v', text: '3' },
    ]);
    assert.deepEqual(finalValues(undefined), []);
  });
});

describe('statusLine and emptyNoteText', () => {
  const progress = { unit: 'iterations' as const, done: 0, total: 40, iterations: 0, fraction: 0, elapsedMs: 65_000 };

  it('says only "queued" for a queued run: no iterations, no elapsed time', () => {
    assert.equal(statusLine('queued', progress), 'queued');
    assert.match(statusLine('running', { ...progress, done: 3, iterations: 3 }), /^iteration 3 of 40 · elapsed .* · ETA /);
    assert.doesNotMatch(statusLine('completed', { ...progress, done: 40, iterations: 40 }), /ETA/);
  });

  it('counts oracle calls of the budget, and the iterations beside them, when the budget ends the run first', () => {
    const budgeted = { unit: 'oracle calls' as const, done: 1230, total: 6000, iterations: 30, fraction: 0.205, elapsedMs: 65_000, etaMs: 240_000 };
    assert.equal(statusLine('running', budgeted), '1230 of 6000 oracle calls · iteration 30 · elapsed 1 min 05 s · ETA 4 min 00 s');
    assert.match(statusLine('completed', { ...budgeted, done: 6020 }), /^6020 of 6000 oracle calls · iteration 30 · elapsed [^·]+$/);
    assert.equal(showsProgressBar('running', budgeted), true);
  });

  it('says "starting" before the first record and "no iteration ran" for a run that ended before one, without a bar', () => {
    assert.match(statusLine('running', { ...progress, total: 0 }), /^starting · elapsed /);
    assert.equal(statusLine('cancelled', { ...progress, total: 0 }), 'no iteration ran');
    assert.equal(showsProgressBar('cancelled', { ...progress, total: 0 }), false);
    assert.equal(showsProgressBar('queued', progress), false);
    assert.equal(showsProgressBar('cancelled', { ...progress, done: 5, iterations: 5 }), true);
    assert.equal(statusLine('running', { ...progress, done: 2, iterations: 2, total: 0 }).startsWith('iteration 2 · '), true);
  });

  it('waits while a run is running or queued, and says how the runs ended once none will record', () => {
    assert.equal(emptyNoteText([]), 'No runs to show.');
    assert.equal(emptyNoteText([{ label: 'rhg', status: 'running' }]), 'Waiting for the first metrics…');
    assert.equal(emptyNoteText([{ label: 'rhg', status: 'queued' }]), 'Queued: waiting for a free worker…');
    const ended = emptyNoteText([{ label: 'rhg', status: 'failed', message: 'Problem file has a syntax error' }, { label: 'cg', status: 'cancelled' }]);
    assert.doesNotMatch(ended, /Waiting/);
    assert.match(ended, /rhg failed before its first iteration: Problem file has a syntax error/);
    assert.match(ended, /cg cancelled before its first iteration\./);
  });
});

describe('iterations to tolerance', () => {
  it('says which quantity was counted: ‖x − x*‖ when the records have it, else ‖g‖', () => {
    assert.equal(toleranceMeasure({ upperDistance: 0.1 }), 'upperDistance');
    assert.equal(toleranceMeasure({}), 'hypergradNorm');
    assert.equal(toleranceMeasure(undefined), 'hypergradNorm');
    assert.equal(toleranceCondition('upperDistance', 1e-3), '‖x − x*‖ ≤ 0.001');
    assert.equal(toleranceCondition('hypergradNorm'), '‖g‖ ≤ tol');
    assert.equal(toleranceHeader(['hypergradNorm', 'hypergradNorm']), 'Iter. until ‖g‖ ≤ tol');
    assert.equal(toleranceHeader(['upperDistance', 'hypergradNorm']), 'Iter. to tolerance');
  });
});

describe('backendBadge', () => {
  const skipped = [
    { name: 'tensorflow', reason: 'needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, and neither is installed (npm install @tensorflow/tfjs-node)' },
    { name: 'webgpu', reason: 'skipped: SwiftShader Device (Subzero) is a CPU emulation of a GPU (a fallback adapter), slower than wasm (--backend webgpu still runs on it)' },
  ];
  const wasm = { name: 'wasm', detail: 'tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /ext/dist', skipped };

  it('gives the label, what auto skipped in short, and the whole account for the tooltip', () => {
    assert.deepEqual(backendBadge({ backend: wasm, requestedBackend: 'auto' }), {
      name: 'wasm',
      label: 'wasm · 2 threads, SIMD',
      skipped: 'auto skipped tensorflow (not installed), webgpu (software adapter SwiftShader)',
      title: [
        'backend wasm · 2 threads, SIMD (asked for auto)',
        '  tfjs-backend-wasm 4.22.0, simd, 2 threads, binaries: /ext/dist',
        `  auto skipped tensorflow: ${skipped[0]!.reason}`,
        `  auto skipped webgpu: ${skipped[1]!.reason}`,
      ].join('\n'),
    });
  });

  it('says nothing was skipped for an explicit choice', () => {
    const badge = backendBadge({ backend: { name: 'webgpu', detail: 'Dawn (webgpu 0.6.2) on NVIDIA H100 (vendor nvidia, arch hopper); tfjs-backend-webgpu 4.22.0', skipped: [] }, requestedBackend: 'webgpu' });
    assert.deepEqual([badge?.label, badge?.skipped], ['webgpu · NVIDIA H100', '']);
  });

  it('is absent until the worker has reported a backend', () => {
    assert.equal(backendBadge({ requestedBackend: 'auto' }), undefined);
    assert.equal(backendBadge({ backend: { name: '', detail: '' } }), undefined);
  });
});
