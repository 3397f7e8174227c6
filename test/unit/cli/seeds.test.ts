// What `--seed` drives, through the built `bilevel` command: a toy's random start (repeated by the
// seed and by `run --spec run.json`), the check's random directions, and the `bilevel problems` listing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertCliBuilt, runBilevel } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

let cwd = '';

function bilevel(...args: string[]): CliResult {
  return runBilevel(cwd, ...args);
}

interface RunJson {
  readonly runId: string;
  readonly status: string;
  readonly final: { readonly x: Record<string, number[]> };
}

/** `bilevel run` of toy-nonsingleton (n = 3) from a random start under `seed`. */
function randomStartRun(seed: number): RunJson {
  const r = bilevel('run', '--problem', 'toy-nonsingleton', '--n', '3', '--start', 'random', '--seed', String(seed), '--iterations', '5', '--json', '--backend', 'cpu');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as RunJson;
  assert.equal(out.status, 'completed');
  return out;
}

describe('the seed through the CLI', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-seeds-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('--start random: one seed gives one final x (also from run --spec run.json), another seed another', () => {
    const a = randomStartRun(3);
    const again = randomStartRun(3);
    const other = randomStartRun(4);
    const x = (r: RunJson): number[] => r.final.x['x']!;
    assert.equal(x(a).length, 3);
    assert.deepEqual(x(again), x(a));
    assert.ok(x(other).every((v, i) => v !== x(a)[i]), `seed 3: ${x(a)}, seed 4: ${x(other)}`);
    // From the fixed start x_0 = 0, five steps leave every entry equal; a random start does not.
    assert.ok(new Set(x(a)).size > 1, `x = ${x(a)}`);
    const runJson = path.join(cwd, '.bilevel', 'runs', a.runId, 'run.json');
    const record = JSON.parse(readFileSync(runJson, 'utf8')) as { config: { problemParams?: Record<string, unknown> } };
    assert.equal(record.config.problemParams?.['start'], 'random');
    const repeat = bilevel('run', '--spec', runJson, '--json', '--backend', 'cpu');
    assert.equal(repeat.code, 0, repeat.stderr);
    assert.deepEqual(x(JSON.parse(repeat.stdout) as RunJson), x(a));
  });

  it('bilevel check: the seed draws the random directions (g/‖g‖ stays)', () => {
    const check = (seed: number): { directions: { analytic: number }[] } => {
      const r = bilevel('check', '--problem', 'toy-quadratic', '--method', 'rhg', '--K', '10', '--directions', '2', '--seed', String(seed), '--json', '--backend', 'cpu');
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { directions: { analytic: number }[] };
    };
    const a = check(1);
    const b = check(2);
    assert.equal(a.directions.length, 3);
    assert.deepEqual(check(1).directions, a.directions);
    assert.equal(b.directions[0]!.analytic, a.directions[0]!.analytic, 'the first direction is the hypergradient’s own');
    for (const i of [1, 2]) assert.notEqual(b.directions[i]!.analytic, a.directions[i]!.analytic, `random direction ${i}`);
  });

  it('bilevel problems (--json and text) says what the seed drives in each problem', () => {
    const r = bilevel('problems', '--json');
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { id: string; seedDependent: string[]; params: { key: string; choices?: string[]; default: unknown }[] }[];
    const of = (id: string): string => list.find((p) => p.id === id)!.seedDependent.join('; ');
    for (const p of list) assert.ok(Array.isArray(p.seedDependent) && p.seedDependent.length > 0, p.id);
    for (const id of ['toy-quadratic', 'toy-nonsingleton', 'toy-nonconvex', 'toy-llc']) {
      assert.match(of(id), /--start random/, id);
      const start = list.find((p) => p.id === id)!.params.find((s) => s.key === 'start');
      assert.deepEqual([start?.choices, start?.default], [['fixed', 'random'], 'fixed'], id);
    }
    assert.match(of('toy-ufom'), /θ_0.*task/);
    assert.match(of('hyperclean-mnist'), /split.*corrupted/);
    assert.match(of('fewshot-mnist'), /split.*tasks/);
    assert.match(of('fewshot-sinusoid'), /tasks/);
    const text = bilevel('problems');
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.match(/^ {2}Seed drives: /gm)?.length, list.length);
    assert.match(text.stdout, /toy-nonconvex — [^\n]*\n[^\n]*\n {2}Seed drives: x_0 and y_0 \(= z_0\) when --start random\./);
    assert.match(text.stdout, /--start fixed\|random +Initial point: fixed = \(x_0, y_0\) = \(--x0, --y0\); random = x_0 ~ U\[1, 10\], y_0 ~ U\[−2, 2\]/);
    assert.match(text.stdout, /UFOM's coin and the random directions of `bilevel check`/);
  });
});
