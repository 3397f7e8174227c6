// File events under runs folders → the run or sweep to re-read (or the whole store).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storeChangeOf } from '../../../../src/extension/runs/storeEvents';

const WS = '/ws/.bilevel/runs';
const SHARED = '/shared/runs';
const RUN = '20261206-030000-rhg-toy-quadratic-ab12';
const SWEEP = '20261206-030000-sweep-toy-quadratic-cd34';

describe('storeChangeOf', () => {
  it('names the run of a run.json, a meta.json, a check.json and a run folder', () => {
    for (const file of [`${SHARED}/${RUN}/run.json`, `${SHARED}/${RUN}/meta.json`, `${SHARED}/${RUN}/check.json`, `${SHARED}/${RUN}`]) {
      assert.deepEqual(storeChangeOf([WS, SHARED], file), { kind: 'run', storeDir: SHARED, id: RUN }, file);
    }
  });

  it('names the sweep of a sweep.json and of its folder', () => {
    assert.deepEqual(storeChangeOf([WS, SHARED], `${WS}/.sweeps/${SWEEP}/sweep.json`), { kind: 'sweep', storeDir: WS, id: SWEEP });
    assert.deepEqual(storeChangeOf([WS], `${WS}/.sweeps/${SWEEP}`), { kind: 'sweep', storeDir: WS, id: SWEEP });
  });

  it('is the whole store for the store folder, .sweeps itself or a name that is no run id', () => {
    assert.deepEqual(storeChangeOf([SHARED], SHARED), { kind: 'store', storeDir: SHARED });
    assert.deepEqual(storeChangeOf([SHARED], `${SHARED}/.sweeps`), { kind: 'store', storeDir: SHARED });
    assert.deepEqual(storeChangeOf([SHARED], `${SHARED}/.checks/x.json`), { kind: 'store', storeDir: SHARED });
  });

  it('gives the deepest store when one store lies inside another, and nothing outside every store', () => {
    const inner = `${SHARED}/nested`;
    assert.deepEqual(storeChangeOf([SHARED, inner], `${inner}/${RUN}/run.json`), { kind: 'run', storeDir: inner, id: RUN });
    assert.equal(storeChangeOf([SHARED], `/shared/runs-old/${RUN}/run.json`), undefined, 'a sibling with the same prefix is not inside');
    assert.equal(storeChangeOf([WS, SHARED], '/elsewhere/run.json'), undefined);
  });
});
