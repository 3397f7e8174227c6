// A run's settings are one ordered record; Compare shows the keys that differ between runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSetting, runSettings, settingsDiff } from '../../../src/protocol/runSettings';

const config = {
  method: 'rhg',
  methodOptions: { iterations: 50, lowerSteps: 30, lowerLr: 0.5, seed: 0, warmStart: false },
  problemParams: { n: 5, identity: false },
  iterations: 50,
  seed: 0,
  backend: 'wasm',
};

describe('runSettings', () => {
  it('lists method, resolved options, problem parameters and backend in that order', () => {
    const s = runSettings(config);
    assert.deepEqual(Object.keys(s), ['method', 'iterations', 'lowerSteps', 'lowerLr', 'seed', 'warmStart', 'problem.n', 'problem.identity', 'backend']);
    assert.equal(s.lowerSteps, 30);
    assert.equal(s['problem.n'], 5);
  });

  it('keeps iterations and seed from the config when the options lack them, and the preset', () => {
    const s = runSettings({ ...config, methodOptions: { lowerSteps: 10 }, iterations: 7, seed: 3, preset: 'liu2021-toy' });
    assert.equal(s.iterations, 7);
    assert.equal(s.seed, 3);
    assert.equal(s.preset, 'liu2021-toy');
  });
});

describe('settingsDiff', () => {
  it('finds the option that differs and nothing else', () => {
    const a = runSettings(config);
    const b = runSettings({ ...config, methodOptions: { ...config.methodOptions, lowerSteps: 10 } });
    assert.deepEqual(settingsDiff([a, b]), ['lowerSteps']);
  });

  it('counts a key only some runs have as differing, and the method', () => {
    const a = runSettings(config);
    const b = runSettings({ ...config, method: 'cg', methodOptions: { ...config.methodOptions, cgIterations: 20 } });
    assert.deepEqual(settingsDiff([a, b]), ['method', 'cgIterations']);
  });

  it('is empty for one run or identical runs', () => {
    const a = runSettings(config);
    assert.deepEqual(settingsDiff([a]), []);
    assert.deepEqual(settingsDiff([a, runSettings(config)]), []);
  });

  it('tells 0.1 from 0.10000001 and formats values as written', () => {
    const a = runSettings({ ...config, methodOptions: { lowerLr: 0.1 } });
    const b = runSettings({ ...config, methodOptions: { lowerLr: 0.10000001 } });
    assert.deepEqual(settingsDiff([a, b]), ['lowerLr']);
    assert.equal(formatSetting(0.10000001), '0.10000001');
    assert.equal(formatSetting(false), 'false');
    assert.equal(formatSetting(undefined), '—');
  });
});
