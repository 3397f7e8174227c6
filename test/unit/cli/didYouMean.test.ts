// A misspelt flag or spec option fails before anything runs, with the nearest valid name ("did you
// mean"): the built CLI, as a user runs it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertCliBuilt, runBilevel } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

let cwd = '';

function bilevel(...args: string[]): CliResult {
  return runBilevel(cwd, ...args);
}

/** Exits with a usage error (2), no stack trace, and stderr matching `message`. */
function assertUsage(r: CliResult, message: RegExp): void {
  assert.equal(r.code, 2, `exit ${r.code}, stderr ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for user errors');
}

describe('bilevel: did you mean', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-didyoumean-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('suggests the nearest flag for a typo, then lists the valid flags', () => {
    assertUsage(bilevel('run', '--problem', 'toy-quadratic', '--inner-lt', '0.1'), /unknown flag --inner-lt for 'run'; did you mean --inner-lr\? valid flags: .*--K/);
    assertUsage(bilevel('compare', '--problem', 'toy-quadratic', '--methods', 'rhg,cg', '--cg-iter', '5'), /unknown flag --cg-iter for 'compare'; did you mean --cg-iters\?/);
    assertUsage(bilevel('run', '--problem', 'toy-quadratic', '--nmae', 'first'), /unknown flag --nmae for 'run'; did you mean --name\?/);
  });

  it("suggests an option's flag when its key is given as a flag", () => {
    assertUsage(bilevel('run', '--problem', 'toy-quadratic', '--lowerSteps', '5'), /unknown flag --lowerSteps for 'run'; did you mean --K\?/);
    assertUsage(bilevel('run', '--problem', 'toy-quadratic', '--outer-optimiser', 'adam'), /did you mean --optimizer\?/);
  });

  it('suggests nothing when no flag is close', () => {
    const r = bilevel('run', '--problem', 'toy-quadratic', '--frobnicate', '1');
    assertUsage(r, /unknown flag --frobnicate for 'run'; valid flags: /);
    assert.doesNotMatch(r.stderr, /did you mean/);
  });

  it('run --spec: an unknown option key fails before the run, with the nearest key', () => {
    const file = path.join(cwd, 'typo.json');
    writeFileSync(file, JSON.stringify({ problem: 'toy-quadratic', method: 'cg', options: { iterations: 2, cgIteration: 3 } }));
    const r = bilevel('run', '--spec', file, '--no-store');
    assertUsage(r, /options: unknown option 'cgIteration' for method 'cg'; did you mean 'cgIterations'\? valid options: iterations, .*cgIterations/);
    writeFileSync(file, JSON.stringify({ problem: 'toy-quadratic', method: 'rhg', options: { K: 3 } }));
    assertUsage(bilevel('run', '--spec', file, '--no-store'), /unknown option 'K' for method 'rhg'; did you mean 'lowerSteps'\?/);
    writeFileSync(file, JSON.stringify({ problem: 'toy-quadratic', method: 'rhg', options: { truncation: 3 } }));
    const far = bilevel('run', '--spec', file, '--no-store');
    assertUsage(far, /unknown option 'truncation' for method 'rhg'; valid options: /);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });
});
