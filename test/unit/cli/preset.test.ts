// `--preset ID` for run and compare (src/cli/resolvePreset.ts through prepareProblem): the preset
// fills problem, parameters, method(s) and options, explicit flags win, options a method does not
// declare are dropped for it (never an "unknown option" error), and unknown ids list the valid ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_PROBLEMS, getMethod } from '../../../src/core';
import { PRESETS } from '../../../src/protocol/presets';
import type { Preset } from '../../../src/protocol/presets';
import { presetsCommand } from '../../../src/cli/commands/listCommands';
import { resolveFor } from '../../../src/cli/executeRun';
import { parseArgs } from '../../../src/cli/parseArgs';
import { booleanFlags } from '../../../src/cli/commandFlags';
import { prepareProblem } from '../../../src/cli/prepareProblem';
import { findPreset, presetOptionsFor, unusedPresetOptions } from '../../../src/cli/resolvePreset';
import { runCli } from '../../../src/cli/runCli';
import { UsageError } from '../../../src/cli/usageError';

/** A fake preset on toy-quadratic: a parameter, two methods, run options and options of cg and neumann. */
const FAKE: Preset = {
  id: 'fake-quadratic',
  title: 'Fake preset for tests',
  source: 'test',
  problem: 'toy-quadratic',
  params: { n: 3, identity: true },
  methods: ['cg', 'rhg'],
  options: { iterations: 7, lowerSteps: 12, cgIterations: 9, neumannTerms: 4, evalEvery: 3 },
  scaling: '',
};
const OTHER: Preset = { ...FAKE, id: 'other', methods: ['neumann'], options: {}, scaling: 'smaller' };
const LIST = [FAKE, OTHER];

const args = (...argv: string[]): ReturnType<typeof parseArgs> => parseArgs(argv, booleanFlags());

function sink(): { write(s: string): boolean; text: string } {
  return {
    text: '',
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

describe('--preset', () => {
  it('fills the problem, its parameters, the first method and its options for run', () => {
    const p = prepareProblem('run', args('run', '--preset', 'fake-quadratic'), LIST);
    assert.equal(p.preset?.id, 'fake-quadratic');
    assert.equal(p.family?.id, 'toy-quadratic');
    assert.equal(p.params['n'], 3);
    assert.equal(p.params['identity'], true);
    assert.deepEqual(p.methods.map((m) => m.id), ['cg']);
    const o = resolveFor(p, p.methods[0]!);
    assert.equal(o['iterations'], 7);
    assert.equal(o['lowerSteps'], 12);
    assert.equal(o['cgIterations'], 9);
    assert.equal(o['evalEvery'], 3);
  });

  it('lets explicit flags win over the preset: method, parameters and options', () => {
    const p = prepareProblem('run', args('run', '--preset', 'fake-quadratic', '--method', 'neumann', '--n', '4', '--iterations', '2', '--neumann-terms', '6'), LIST);
    assert.deepEqual(p.methods.map((m) => m.id), ['neumann']);
    assert.equal(p.params['n'], 4);
    assert.equal(p.params['identity'], true, 'parameters not given stay the preset’s');
    const o = resolveFor(p, p.methods[0]!);
    assert.equal(o['iterations'], 2);
    assert.equal(o['neumannTerms'], 6);
    assert.equal(o['lowerSteps'], 12);
  });

  it('drops preset options the method does not declare instead of failing', () => {
    // rhg declares neither cgIterations nor neumannTerms: without the rule, resolveRunOptions throws "unknown option".
    const p = prepareProblem('run', args('run', '--preset', 'fake-quadratic', '--method', 'rhg'), LIST);
    const o = resolveFor(p, p.methods[0]!);
    assert.equal(o['cgIterations'], undefined);
    assert.equal(o['neumannTerms'], undefined);
    assert.equal(o['lowerSteps'], 12);
    assert.deepEqual(presetOptionsFor(FAKE, getMethod('rhg')), { iterations: 7, lowerSteps: 12, evalEvery: 3 });
    assert.deepEqual(unusedPresetOptions(FAKE, [getMethod('rhg')]), ['cgIterations', 'neumannTerms']);
    assert.deepEqual(unusedPresetOptions(FAKE, [getMethod('rhg'), getMethod('cg'), getMethod('neumann')]), []);
    assert.deepEqual(unusedPresetOptions(undefined, [getMethod('rhg')]), []);
  });

  it('runs all preset methods in compare unless --methods is given, each with only its own options', () => {
    const p = prepareProblem('compare', args('compare', '--preset', 'fake-quadratic'), LIST);
    assert.deepEqual(p.methods.map((m) => m.id), ['cg', 'rhg']);
    const [cg, rhg] = p.methods.map((m) => resolveFor(p, m));
    assert.equal(cg!['cgIterations'], 9);
    assert.equal(rhg!['cgIterations'], undefined);
    assert.equal(rhg!['iterations'], 7);
    const q = prepareProblem('compare', args('compare', '--preset', 'fake-quadratic', '--methods', 'neumann,fom'), LIST);
    assert.deepEqual(q.methods.map((m) => m.id), ['neumann', 'fom']);
    assert.equal(resolveFor(q, q.methods[0]!)['neumannTerms'], 4);
  });

  it('applies the preset parameters only to the preset problem when --problem names another', () => {
    const other = BUILTIN_PROBLEMS.find((b) => b.id !== 'toy-quadratic' && !b.params.some((s) => s.key === 'identity'))!;
    const p = prepareProblem('run', args('run', '--preset', 'fake-quadratic', '--problem', other.id, '--method', 'rhg'), LIST);
    assert.equal(p.family?.id, other.id);
    assert.equal(p.params['identity'], undefined);
  });

  it('rejects an unknown preset with a UsageError listing the valid ids (exit 2 through the CLI)', () => {
    assert.throws(() => findPreset('nope', LIST), (e: unknown) => e instanceof UsageError && /unknown preset 'nope'.*fake-quadratic, other/.test(e.message));
    assert.throws(() => prepareProblem('run', args('run', '--preset', 'nope'), LIST), UsageError);
    return (async () => {
      const out = sink();
      const err = sink();
      const code = await runCli(['run', '--preset', 'nope'], { stdout: out, stderr: err, interrupted: () => false });
      assert.equal(code, 2);
      assert.match(err.text, new RegExp(`unknown preset 'nope' \\(--preset\\); valid presets: ${PRESETS.map((x) => x.id).join(', ')}`));
    })();
  });

  it('lists presets with id, title, source, problem, methods, options as flags and scaling', () => {
    const out = sink();
    assert.equal(presetsCommand(args('presets'), { stdout: out, stderr: sink(), interrupted: () => false }, LIST), 0);
    assert.match(out.text, /^fake-quadratic — Fake preset for tests\n {2}source {3}test\n {2}problem {2}toy-quadratic \(n=3, identity=true\)\n {2}methods {2}cg, rhg\n {2}options {2}--iterations 7 --K 12 --cg-iters 9 --neumann-terms 4 --eval-every 3\n {2}scaling {2}none/);
    assert.match(out.text, /other — .*\n(.*\n)*? {2}scaling {2}smaller/);
    const json = sink();
    presetsCommand(args('presets', '--json'), { stdout: json, stderr: sink(), interrupted: () => false }, LIST);
    assert.deepEqual((JSON.parse(json.text) as Preset[]).map((p) => p.id), ['fake-quadratic', 'other']);
  });

  it('every real preset resolves for each of its methods without an option error (when its problem is built in)', () => {
    for (const preset of PRESETS) {
      if (!BUILTIN_PROBLEMS.some((b) => b.id === preset.problem)) continue;
      const p = prepareProblem('compare', args('compare', '--preset', preset.id));
      assert.deepEqual(p.methods.map((m) => m.id), preset.methods);
      for (const m of p.methods) assert.doesNotThrow(() => resolveFor(p, m), `${preset.id} / ${m.id}`);
    }
  });
});
