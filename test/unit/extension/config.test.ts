// Settings are declared once, in package.json, and read only through src/extension/config.ts: this
// test fails when the two disagree (a key, type, default, enum or range), STYLE §10.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pkg from '../../../package.json';
import { DEFAULT_CONFIG, normalizeConfig, SETTINGS, storeDirFor } from '../../../src/extension/config';

interface DeclaredSetting {
  type: string | string[];
  default: unknown;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  markdownDescription?: string;
  description?: string;
}

const declared = pkg.contributes.configuration.properties as Record<string, DeclaredSetting>;

describe('settings: package.json ↔ config.ts', () => {
  it('declares exactly the keys of the SETTINGS table', () => {
    assert.deepEqual(Object.keys(declared).sort(), SETTINGS.map((s) => `bilevel.${s.key}`).sort());
  });

  for (const s of SETTINGS) {
    it(`bilevel.${s.key} has the same type, default, enum and range`, () => {
      const d = declared[`bilevel.${s.key}`]!;
      assert.equal(d.type, s.type);
      assert.deepEqual(d.default, s.default);
      assert.deepEqual(d.enum, s.enum === undefined ? undefined : [...s.enum]);
      assert.equal(d.minimum, s.minimum);
      assert.equal(d.maximum, s.maximum);
      assert.ok((d.markdownDescription ?? d.description ?? '').length > 20, 'is described');
    });
  }

  it('reads the declared defaults when nothing is set', () => {
    const fromPackage = normalizeConfig((key) => declared[`bilevel.${key}`]?.default);
    assert.deepEqual(fromPackage, DEFAULT_CONFIG);
    assert.deepEqual(DEFAULT_CONFIG, {
      backend: 'auto',
      runs: { maxConcurrent: 2, comparisonConcurrency: 1, confirmAboveSeconds: 60, defaultMethod: 'rhg', defaultOptions: {}, storeLocation: '.bilevel/runs' },
      charts: { logScaleY: false, smoothing: 0, maxPointsPerSeries: 2000 },
      panel: { reuse: true },
      compare: { seeds: 1 },
      history: { extraStores: [] },
    });
  });
});

describe('normalizeConfig', () => {
  it('falls back to safe values for wrong types and clamps ranges', () => {
    const values: Record<string, unknown> = {
      backend: 'gpu-please',
      'runs.maxConcurrent': 99.6,
      'runs.comparisonConcurrency': 0,
      'runs.confirmAboveSeconds': -5,
      'runs.defaultMethod': 'magic',
      'runs.defaultOptions': { lowerSteps: 30, seed: 1, bad: { nested: true }, nan: Number.NaN, name: 'x', warmStart: true },
      'runs.storeLocation': '   ',
      'charts.logScaleY': 'yes',
      'charts.smoothing': 3,
      'charts.maxPointsPerSeries': 10,
      'panel.reuse': 'no',
      'compare.seeds': 250,
      'history.extraStores': ['  /shared/runs ', 3, '', null, '/shared/runs', 'rel/runs'],
    };
    assert.deepEqual(
      normalizeConfig((k) => values[k]),
      {
        backend: 'auto',
        runs: { maxConcurrent: 16, comparisonConcurrency: 1, confirmAboveSeconds: 0, defaultMethod: 'rhg', defaultOptions: { lowerSteps: 30, seed: 1, name: 'x', warmStart: true }, storeLocation: '.bilevel/runs' },
        charts: { logScaleY: false, smoothing: 0.99, maxPointsPerSeries: 200 },
        panel: { reuse: true },
        compare: { seeds: 100 },
        history: { extraStores: ['/shared/runs', 'rel/runs'] },
      },
    );
    assert.deepEqual(normalizeConfig((k) => (k === 'history.extraStores' ? '/one/path' : undefined)).history.extraStores, [], 'a string is not a list');
  });

  it('keeps valid values', () => {
    const values: Record<string, unknown> = { backend: 'wasm', 'runs.maxConcurrent': 3, 'runs.defaultMethod': 'iaptt-gm', 'runs.storeLocation': 'out/runs', 'charts.smoothing': 0.6, 'compare.seeds': 5 };
    const c = normalizeConfig((k) => values[k]);
    assert.equal(c.compare.seeds, 5);
    assert.equal(c.backend, 'wasm');
    assert.equal(c.runs.maxConcurrent, 3);
    assert.equal(c.runs.defaultMethod, 'iaptt-gm');
    assert.equal(c.charts.smoothing, 0.6);
    assert.equal(storeDirFor('/ws', c), '/ws/out/runs');
    assert.equal(storeDirFor('/ws', { ...c, runs: { ...c.runs, storeLocation: '/abs/runs' } }), '/abs/runs');
  });
});
