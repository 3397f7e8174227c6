// A check is stored (check.json): with its run once the run has a folder, else as a check of no run
// under a fresh id; showCheckDetails finds it again by run id or check id.
import '../vscodeStub';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkRecordFor, keepCheck } from '../../../../src/extension/commands/keepCheck';
import { findCheck } from '../../../../src/extension/commands/showCheckDetails';
import type { CommandContext } from '../../../../src/extension/commands/context';
import type { LiveRun, RunChange } from '../../../../src/extension/runs/runController';
import { Emitter } from '../../../../src/extension/emitter';
import type { ExperimentSpec } from '../../../../src/protocol/experiment';
import type { CheckView } from '../../../../src/protocol/webview';
import { listChecks, readRunCheck } from '../../../../src/store/checkStore';
import { RUN_ID_PATTERN } from '../../../../src/store/runId';

const VIEW: CheckView = { verdict: 'pass', maxRelativeError: 1e-6, relativeErrorVsRhg: 0, rtol: 1e-3, directions: [{ analytic: 1, finiteDifference: 1, epsilon: 0.01, relativeError: 0, fdError: 1e-7 }], checkedAt: '2026-12-06T02:00:00.000Z' };

let tmp: string;
let storeDir: string;

/** A context with one live run (not yet recorded) whose changes the test fires. */
function context(run?: LiveRun): { ctx: CommandContext; changes: Emitter<RunChange> } {
  const changes = new Emitter<RunChange>();
  const ctx = {
    controller: { get: (id: string) => (run && id === run.runId ? run : undefined), onDidChange: changes.event },
    stores: { find: () => undefined, dirs: () => [{ folder: tmp, storeDir }] },
    output: { appendLine: () => undefined },
  };
  return { ctx: ctx as unknown as CommandContext, changes };
}

describe('keepCheck', () => {
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-keepcheck-'));
    storeDir = path.join(tmp, '.bilevel', 'runs');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('names a file problem as run.json does and gives a check of no run a fresh id', () => {
    const spec: ExperimentSpec = { problem: { kind: 'file', path: path.join(tmp, 'sub', 'lake.bilevel.ts'), exportName: 'lake' }, method: 'cg', options: { K: 5 } };
    const record = checkRecordFor(spec, storeDir, true, VIEW);
    assert.equal(record.problem, 'sub/lake.bilevel.ts#lake');
    assert.equal(record.runId, undefined);
    assert.match(record.id, /-check-lake-bilevel-ts-lake-[0-9a-f]{4}$/);
    assert.ok(RUN_ID_PATTERN.test(record.id));
    assert.equal(record.createdAt, VIEW.checkedAt);
  });

  it('waits for a queued run to get its folder, then writes check.json there', async () => {
    const runId = '20261206-020000-rhg-toy-quadratic-abcd';
    const run = { runId, storeDir, recorded: false, status: 'queued', spec: { method: 'rhg' } } as unknown as LiveRun;
    const { ctx, changes } = context(run);
    const spec: ExperimentSpec = { problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, method: 'rhg', options: {} };
    const kept = keepCheck(ctx, storeDir, spec, true, VIEW, runId);
    // The worker makes the folder (it refuses one that exists), then the controller says `started`.
    mkdirSync(path.join(storeDir, runId), { recursive: true });
    Object.assign(run, { recorded: true, status: 'running' });
    changes.fire({ kind: 'started', run });
    const record = await kept;
    assert.equal(record?.runId, runId);
    assert.deepEqual(readRunCheck(path.join(storeDir, runId))?.check, VIEW);
  });

  it('keeps the check of a run that ended without a folder as a check of no run, found again by its id', async () => {
    const run = { runId: 'R-never', storeDir, recorded: false, status: 'queued', spec: { method: 'rhg' } } as unknown as LiveRun;
    const { ctx, changes } = context(run);
    const spec: ExperimentSpec = { problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, method: 'rhg', options: {} };
    const kept = keepCheck(ctx, storeDir, spec, true, VIEW, 'R-never');
    Object.assign(run, { status: 'cancelled' });
    changes.fire({ kind: 'finished', run });
    const record = (await kept)!;
    assert.equal(record.runId, undefined);
    assert.ok(listChecks(storeDir).some((c) => c.id === record.id));
    assert.equal(findCheck(context().ctx, record.id)?.method, 'rhg');
    assert.equal(findCheck(context().ctx, 'no-such-check'), undefined);
  });
});
