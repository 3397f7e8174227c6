// A hypergradient check is kept with its run (check.json) or on its own (.checks/), survives a
// re-read with non-finite errors, and a damaged file is reported with its name.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CheckRecord } from '../../../src/protocol/checkRecord';
import { CHECK_FILE, checkFileOf, listChecks, readRunCheck, writeCheck } from '../../../src/store/checkStore';
import { RunStore } from '../../../src/store/runStore';

function record(over: Partial<CheckRecord> = {}): CheckRecord {
  return {
    schemaVersion: 1,
    id: 'check-1',
    createdAt: '2026-12-06T10:00:00.000Z',
    problem: 'toy-quadratic',
    method: 'rhg',
    options: { lowerSteps: 30 },
    exact: true,
    check: {
      verdict: 'pass',
      maxRelativeError: 2e-6,
      relativeErrorVsRhg: 0,
      rtol: 1e-3,
      directions: [
        { analytic: -0.00137, finiteDifference: -0.001364, epsilon: 0.03, relativeError: 0.0044, fdError: 4e-6 },
        { analytic: 0, finiteDifference: 0, epsilon: 0.03, relativeError: Number.NaN },
      ],
    },
    ...over,
  };
}

describe('checkStore', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'checks-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("keeps a run's check in the run folder and reads it back, NaN included", () => {
    mkdirSync(path.join(root, 'run-a'));
    const file = writeCheck(root, record({ id: 'run-a', runId: 'run-a' }));
    assert.equal(file, path.join(root, 'run-a', CHECK_FILE));
    const back = readRunCheck(path.join(root, 'run-a'));
    assert.equal(back?.check.verdict, 'pass');
    assert.ok(Number.isNaN(back?.check.directions?.[1]?.relativeError));
    assert.equal(readRunCheck(path.join(root, 'no-such-run')), undefined);
  });

  it('keeps a check of no run under .checks/, which run listings skip', () => {
    writeCheck(root, record({ id: '20261206-100000-check-toy-quadratic-ab12' }));
    writeCheck(root, record({ id: '20261206-110000-check-toy-quadratic-cd34', createdAt: '2026-12-06T11:00:00.000Z' }));
    const listed = listChecks(root);
    assert.deepEqual(listed.map((c) => c.id), ['20261206-110000-check-toy-quadratic-cd34', '20261206-100000-check-toy-quadratic-ab12']);
    const runs = new RunStore(root).scan();
    assert.ok(runs.problems.every((p) => !p.dir.includes('.checks')), 'the run listing must not report .checks as a broken run');
  });

  it('reports a damaged check file by name and keeps reading the others', () => {
    const bad = path.join(root, '.checks', 'broken.json');
    writeFileSync(bad, '{"schemaVersion": 1, "id": "broken"');
    const errors: string[] = [];
    const listed = listChecks(root, (file, error) => errors.push(`${file}: ${error}`));
    assert.equal(listed.length, 2);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /broken\.json.*not valid JSON/);
    writeFileSync(path.join(root, 'run-a', CHECK_FILE), JSON.stringify({ ...record(), check: { verdict: 'maybe' } }));
    assert.throws(() => readRunCheck(path.join(root, 'run-a')), /run-a.check\.json has an unknown verdict "maybe"/);
  });

  it('refuses an id that could leave the runs folder', () => {
    assert.throws(() => checkFileOf(root, { id: '../x' }), /not a run or check id/);
  });
});
