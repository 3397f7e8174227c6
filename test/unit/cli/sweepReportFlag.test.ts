// `--report FILE` through the built CLI: `bilevel sweep` writes the sweep's HTML report when it ends,
// `bilevel sweep status ID --report FILE` at any time; a missing file name or an unknown id is a usage
// error that writes nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertCliBuilt, runBilevel } from '../helpers/bilevelCli';

let cwd = '';
let sweepId = '';
let firstReport = '';

describe('bilevel sweep --report', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-sweep-report-'));
    const r = runBilevel(cwd, 'sweep', '--problem', 'toy-quadratic', '--methods', 'rhg,sl-bamm', '--seeds', '0-1', '--iterations', '5', '--jobs', '1', '--backend', 'cpu', '--json', '--report', 'out/sweep.html');
    assert.equal(r.code, 0, r.stderr);
    sweepId = (JSON.parse(r.stdout) as { sweep: string }).sweep;
    firstReport = path.join(cwd, 'out', 'sweep.html');
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('writes the report of the sweep it ran, with its curves, target table and the runs of both methods', () => {
    assert.ok(existsSync(firstReport), 'no report written');
    const html = readFileSync(firstReport, 'utf8');
    assert.ok(html.includes(sweepId), 'the report does not name its sweep');
    for (const hook of ['id="x-axis"', 'id="target-table"', 'id="band-stat"', 'data-metric="upperLoss"']) assert.ok(html.includes(hook), `no ${hook}`);
    assert.match(html, /sl-bamm/);
  });

  it('writes it again from the store with sweep status ID --report', () => {
    const r = runBilevel(cwd, 'sweep', 'status', sweepId, '--report', 'again.html');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /report: .*again\.html/);
    assert.ok(readFileSync(path.join(cwd, 'again.html'), 'utf8').includes(sweepId));
  });

  it('refuses --report without a file name and an unknown sweep id, writing nothing', () => {
    const bare = runBilevel(cwd, 'sweep', 'status', sweepId, '--report', '');
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--report needs a file name/);
    const unknown = runBilevel(cwd, 'sweep', 'status', 'no-such-sweep', '--report', 'x.html');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no-such-sweep/);
    assert.ok(!existsSync(path.join(cwd, 'x.html')));
  });
});
