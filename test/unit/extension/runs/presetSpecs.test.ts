// The extension's Run Paper Preset builds one experiment per method from protocol data only; core
// must accept every one of them (no unknown option, valid problem parameters).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBuiltinProblem, getMethod, resolveRunOptions } from '../../../../src/core';
import { PRESETS } from '../../../../src/protocol/presets';
import { presetSpecs } from '../../../../src/extension/runs/presetSpecs';

describe('presetSpecs', () => {
  it('gives each method the run options plus its own, on one seed, naming the preset', () => {
    const preset = PRESETS.find((p) => p.id === 'iaptt-hyperclean')!;
    const specs = presetSpecs(preset, { seed: 3, iterations: 7 });
    assert.deepEqual(specs.map((s) => s.method), preset.methods);
    const cg = specs.find((s) => s.method === 'cg')!;
    assert.equal(cg.options['cgIterations'], 50);
    assert.equal(cg.options['iterations'], 300, 'the preset wins over the user default');
    assert.ok(specs.every((s) => s.options['seed'] === 3 && s.preset === preset.id));
    assert.equal(specs.find((s) => s.method === 'rhg')!.options['cgIterations'], undefined);
    assert.deepEqual(cg.problem, { kind: 'builtin', id: 'hyperclean-mnist', params: { model: 'linear' } });
  });

  it('every preset resolves in core for every one of its methods', () => {
    for (const preset of PRESETS) {
      for (const spec of presetSpecs(preset)) {
        const definition = createBuiltinProblem(preset.problem, preset.params);
        assert.doesNotThrow(() => resolveRunOptions(definition, getMethod(spec.method), spec.options), `${preset.id} / ${spec.method}`);
      }
    }
  });
});
