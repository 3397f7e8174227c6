// Before a comparison or a preset: the probe runs one method after another, the user is asked only
// when the estimate exceeds bilevel.runs.confirmAboveSeconds, and `confirm: false` or a threshold of
// 0 skips the probe altogether.
import '../vscodeStub';
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import * as vscode from 'vscode';
import { vscodeStub } from '../vscodeStub';
import { confirmCost } from '../../../../src/extension/commands/confirmCost';
import type { CommandContext } from '../../../../src/extension/commands/context';
import type { ProbeOutcome } from '../../../../src/extension/runs/costProbe';
import type { ExperimentSpec } from '../../../../src/protocol/experiment';

const spec = (method: string): ExperimentSpec => ({ problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, method, options: {} });

/** A probe that measured `msPerIteration` after a 1 s start, for a run of `planned` iterations. */
const probed = (method: string, msPerIteration: number, planned: number): ProbeOutcome => ({
  ok: true,
  sample: { method, plannedIterations: planned, startMs: 1000, records: [0, 1, 2].map((i) => ({ iteration: i, forwardMs: 1, backwardMs: 1, time: i * msPerIteration })) },
});

let probes: string[];
let answer: string | undefined;

function context(threshold: number, outcomes: Record<string, ProbeOutcome>): CommandContext {
  return {
    config: () => ({ runs: { confirmAboveSeconds: threshold } }),
    controller: {
      probe: (s: ExperimentSpec) => {
        probes.push(s.method);
        return Promise.resolve(outcomes[s.method]!);
      },
    },
    output: { appendLine: () => undefined },
  } as unknown as CommandContext;
}

describe('confirmCost', () => {
  beforeEach(() => {
    vscodeStub.reset();
    probes = [];
    answer = undefined;
    const window = vscode.window as unknown as Record<string, unknown>;
    // A progress with a cancellation token, and modal answers the test chooses.
    window.withProgress = (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) => task({ report: () => undefined }, { onCancellationRequested: () => ({ dispose: () => undefined }) });
    const answering = (kind: string) => (message: string) => {
      vscodeStub.shown.push(`${kind}: ${message}`);
      return Promise.resolve(answer);
    };
    window.showInformationMessage = answering('info');
    window.showWarningMessage = answering('warning');
  });

  it('probes each method in turn and asks when the estimate is long; Cancel starts nothing', async () => {
    const ctx = context(60, { rhg: probed('rhg', 360, 1001), cg: probed('cg', 300, 1001) });
    assert.equal(await confirmCost(ctx, [spec('rhg'), spec('cg')], true), false);
    assert.deepEqual(probes, ['rhg', 'cg']);
    assert.deepEqual(vscodeStub.shown, ['info: Expected about 11 min 02 s (rhg 6 min 01 s, cg 5 min 01 s; from a 3-iteration probe, one method at a time). Start?']);
    answer = 'Start';
    assert.equal(await confirmCost(ctx, [spec('rhg'), spec('cg')], true), true);
  });

  it('does not ask when the estimate is under the threshold', async () => {
    const ctx = context(60, { rhg: probed('rhg', 5, 100), cg: probed('cg', 5, 100) });
    assert.equal(await confirmCost(ctx, [spec('rhg'), spec('cg')], true), true);
    assert.deepEqual(probes, ['rhg', 'cg']);
    assert.deepEqual(vscodeStub.shown, []);
  });

  it('skips the probe for confirm: false and for a threshold of 0', async () => {
    assert.equal(await confirmCost(context(60, {}), [spec('rhg')], false), true);
    assert.equal(await confirmCost(context(0, {}), [spec('rhg')], true), true);
    assert.deepEqual(probes, []);
  });

  it('stops probing at a failure and starts only if the user says so', async () => {
    const ctx = context(60, { rhg: { ok: false, message: 'the problem file has errors: x' }, cg: probed('cg', 1, 10) });
    assert.equal(await confirmCost(ctx, [spec('rhg'), spec('cg')], true), false);
    assert.deepEqual(probes, ['rhg']);
    assert.match(vscodeStub.shown[0]!, /^warning: The time probe failed/);
    answer = 'Start Anyway';
    assert.equal(await confirmCost(ctx, [spec('rhg'), spec('cg')], true), true);
  });

  it('does not ask about a long --iterations cap that an oracle-call budget ends early, and says which limit applies', async () => {
    // 100 000 iterations of 360 ms would be 10 h; at 41 calls per iteration a 410-call budget ends
    // the run after 10 iterations (about 4 s), and a 100 000-call budget after 2440 (about 15 min).
    const budgeted = (budget: number): ProbeOutcome => {
      const sample = (probed('rhg', 360, 100_000) as Extract<ProbeOutcome, { ok: true }>).sample;
      return { ok: true, sample: { ...sample, maxOracleCalls: budget, records: sample.records.map((r) => ({ ...r, gradientEvals: 21 * (r.iteration + 1), hvpEvals: 20 * (r.iteration + 1) })) } };
    };
    assert.equal(await confirmCost(context(60, { rhg: budgeted(410) }), [spec('rhg')], true), true);
    assert.deepEqual(vscodeStub.shown, [], 'about 4 s: not asked');
    assert.equal(await confirmCost(context(60, { rhg: budgeted(100_000) }), [spec('rhg')], true), false);
    assert.deepEqual(vscodeStub.shown, ['info: Expected about 14 min 39 s (rhg 14 min 39 s [2440 iterations to the 100000-call budget]; from a 3-iteration probe). Start?']);
  });
});
