// End-to-end tests of the built `bilevel` command (dist/cli.js via bin/bilevel.js), each in a
// temporary working directory with its own run store.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertCliBuilt, runBilevel } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

let cwd = '';


/** `bilevel ...args` in this suite's working folder. */
function bilevel(...args: string[]): CliResult {
  return runBilevel(cwd, ...args);
}

function runFolders(): string[] {
  const dir = path.join(cwd, '.bilevel', 'runs');
  return existsSync(dir) ? readdirSync(dir).map((d) => path.join(dir, d)) : [];
}

describe('bilevel CLI', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-cli-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('grad matches the float64 closed form on toy-nonsingleton', () => {
    const r = bilevel('grad', '--problem', 'toy-nonsingleton', '--n', '5', '--method', 'rhg', '--K', '10', '--inner-lr', '0.5', '--x', '0.3', '--y0', '0');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { method: string; K: number; x: number[]; hypergradient: number[]; F: number; problem: string; backend: string };
    assert.equal(out.method, 'rhg');
    assert.equal(out.K, 10);
    assert.equal(out.problem, 'toy-nonsingleton');
    assert.equal(typeof out.backend, 'string');
    assert.equal(typeof out.F, 'number');
    assert.equal(out.x.length, 5);
    // y¹_K = x(1 − (1−s)^K) from y¹_0 = 0, and g = x + (y¹_K − 1)(1 − (1−s)^K) (docs/methods.md §9a).
    const x = 0.3;
    const c = 1 - Math.pow(1 - 0.5, 10);
    const expected = x + (x * c - 1) * c;
    assert.equal(out.hypergradient.length, 5);
    for (const g of out.hypergradient) assert.ok(Math.abs(g - expected) <= 1e-5 * Math.abs(expected), `hypergradient ${g} vs closed form ${expected}`);
  });

  it('grad rejects a point of the wrong length', () => {
    const r = bilevel('grad', '--problem', 'toy-nonsingleton', '--n', '3', '--x', '1,2');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--x: got 2 numbers.*need 3/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('run --json writes run.json (completed) and one metrics line per iteration', () => {
    const r = bilevel('run', '--problem', 'toy-quadratic', '--method', 'rhg', '--iterations', '25', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { status: string; runId: string; final: { iterations: number; upperLoss: number; x: Record<string, number[]> }; backend: string };
    assert.equal(out.status, 'completed');
    assert.equal(out.final.iterations, 25);
    assert.equal(out.final.x['x']!.length, 5);
    const dir = path.join(cwd, '.bilevel', 'runs', out.runId);
    const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as { status: string; config: { method: string; iterations: number }; versions: Record<string, string> };
    assert.equal(record.status, 'completed');
    assert.equal(record.config.method, 'rhg');
    assert.equal(record.config.iterations, 25);
    assert.ok(record.versions['tfjs'] && record.versions['node'] && record.versions['bilevel']);
    const lines = readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 25);
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { iteration: number }).iteration), [...Array(25).keys()]);
  });

  it('run --store DIR writes there and --no-store writes nothing', () => {
    const store = path.join(cwd, 'elsewhere');
    assert.equal(bilevel('run', '--problem', 'toy-quadratic', '--iterations', '3', '--store', store).code, 0);
    assert.equal(readdirSync(store).length, 1);
    const before = runFolders().length;
    const r = bilevel('run', '--problem', 'toy-quadratic', '--iterations', '3', '--no-store');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /final F/);
    assert.equal(runFolders().length, before);
  });

  it('compare prints a table with a row per method and stores each run', () => {
    const before = runFolders().length;
    const r = bilevel('compare', '--problem', 'toy-quadratic', '--methods', 'rhg,t-rhg,cg', '--iterations', '5', '--M', '10');
    assert.equal(r.code, 0, r.stderr);
    const table = r.stdout.slice(r.stdout.indexOf('method '));
    assert.match(table, /^method\s+status\s+final F\s+‖x−x\*‖\s+‖g‖/);
    for (const m of ['rhg', 't-rhg', 'cg']) assert.match(table, new RegExp(`^${m}\\s+completed\\s`, 'm'));
    assert.equal(runFolders().length, before + 3);
  });

  it('compare --json gives one result per method', () => {
    const r = bilevel('compare', '--problem', 'toy-quadratic', '--methods', 'rhg,fom', '--iterations', '3', '--json', '--no-store');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { command: string; results: { method: string; status: string }[] };
    assert.equal(out.command, 'compare');
    assert.deepEqual(out.results.map((x) => x.method), ['rhg', 'fom']);
  });

  it('check passes for rhg and prints the verdict', () => {
    const r = bilevel('check', '--problem', 'toy-quadratic', '--method', 'rhg', '--K', '10');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /PASS/);
    assert.match(r.stdout, /relative error vs RHG/);
  });

  it('rejects unknown commands, flags, methods and problems with exit 2 and the valid choices', () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate'.*problems, methods, presets, run, compare, sweep, check, grad/],
      [['compare', '--preset', 'nope'], /unknown preset 'nope' \(--preset\); valid presets: .*ufom-sinusoid/],
      [['run'], /'run' needs --problem ID or --preset ID/],
      [['run', '--problem', 'toy-quadratic', '--foo', '1'], /unknown flag --foo for 'run'; valid flags: .*--K.*--inner-lr/],
      [['run', '--problem', 'toy-quadratic', '--method', 'nope'], /unknown method 'nope'.*rhg, t-rhg, cg, neumann, fom/],
      [['run', '--problem', 'nope'], /unknown problem 'nope'.*toy-quadratic, toy-nonsingleton, toy-nonconvex/],
      [['run', '--problem', 'toy-quadratic', '--K', '0'], /--K \(lowerSteps\): must be ≥ 1, got 0/],
      [['run', '--problem', 'toy-quadratic', '--method', 'rhg', '--M', '3'], /unknown flag --M for 'run'/],
      [['compare', '--problem', 'toy-quadratic', '--methods', 'rhg,bogus'], /unknown method 'bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = bilevel(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for user errors');
    }
  });

  it('help lists every method option flag with its default', () => {
    const r = bilevel('run', '--help');
    assert.equal(r.code, 0);
    for (const flag of ['--K', '--inner-lr', '--M', '--cg-iters', '--neumann-terms', '--backend', '--json']) assert.ok(r.stdout.includes(flag), `missing ${flag}`);
    assert.match(r.stdout, /--cg-iters INT\s+.*\(default: 40\)/);
    const methods = bilevel('methods');
    assert.equal(methods.code, 0);
    assert.match(methods.stdout, /t-rhg[\s\S]*--M INT/);
  });

  it('compare without --methods or --preset races every method (the documented default)', () => {
    const r = bilevel('compare', '--problem', 'toy-quadratic', '--iterations', '2', '--no-store', '--json', '--backend', 'cpu');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { results: { method: string }[] };
    assert.deepEqual(out.results.map((x) => x.method), ['rhg', 't-rhg', 'cg', 'neumann', 'fom', 'sl-bamm', 'ufom', 'bda', 'ia-gm', 'ia-gm-a', 'iaptt-gm', 'ptt']);
  });
});
