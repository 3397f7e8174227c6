// End-to-end tests of `bilevel compare --report FILE` through the built CLI (dist/cli.js via
// bin/bilevel.js), each in a temporary working directory.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IterationRecord } from '../../../src/protocol/metrics';
import { assertCliBuilt, runBilevel } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

let cwd = '';

/** `bilevel ...args` in this suite's working folder. */
function bilevel(...args: string[]): CliResult {
  return runBilevel(cwd, ...args);
}

/** The records embedded in a report, by method. */
function embeddedRecords(html: string): Map<string, IterationRecord[]> {
  const m = /<script type="application\/json" id="report-records">([^]*?)<\/script>/.exec(html);
  assert.ok(m, 'no report-records block');
  const list = JSON.parse(m[1]!) as { method: string; records: IterationRecord[] }[];
  return new Map(list.map((e) => [e.method, e.records]));
}

describe('bilevel compare --report', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-report-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('writes one self-contained page with Chart.js inline and the records of every method', () => {
    const file = path.join(cwd, 'r.html');
    const store = path.join(cwd, 'runs');
    const r = bilevel('compare', '--problem', 'toy-quadratic', '--methods', 'rhg,cg', '--iterations', '5', '--report', file, '--store', store);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`report written to ${file}`), r.stdout);
    const html = readFileSync(file, 'utf8');
    assert.ok(html.includes('Chart.js v4.'), 'Chart.js is inlined');
    // Nothing is loaded from elsewhere: no script src, no stylesheet link, no http(s) resource.
    assert.doesNotMatch(html, /<script[^>]*\bsrc=/i);
    assert.doesNotMatch(html, /<link[^>]*\bhref=/i);
    assert.doesNotMatch(html, /\bsrc=["']?https?:/i);
    const records = embeddedRecords(html);
    assert.deepEqual([...records.keys()], ['rhg', 'cg']);
    // The embedded records are exactly the stored ones.
    for (const dir of readdirSync(store)) {
      const method = (JSON.parse(readFileSync(path.join(store, dir, 'run.json'), 'utf8')) as { config: { method: string } }).config.method;
      const stored = readFileSync(path.join(store, dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as IterationRecord);
      assert.deepEqual(records.get(method), stored, method);
    }
    assert.deepEqual(records.get('cg')!.map((x) => x.iteration), [0, 1, 2, 3, 4]);
    assert.ok(html.includes('"id":"stat-cg.iterations"'), 'cg statistics get a chart');
  });

  it('collects the records in memory under --no-store, with --json still printing clean JSON', () => {
    const file = path.join(cwd, 'nostore', 'deeper', 'r.html');
    const r = bilevel('compare', '--problem', 'toy-quadratic', '--methods', 'rhg,t-rhg', '--iterations', '3', '--report', file, '--no-store', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { command: string }).command, 'compare');
    assert.match(r.stderr, /report written to/);
    assert.ok(!existsSync(path.join(cwd, '.bilevel')), 'nothing stored');
    const records = embeddedRecords(readFileSync(file, 'utf8'));
    assert.deepEqual([...records.keys()], ['rhg', 't-rhg']);
    assert.equal(records.get('t-rhg')!.length, 3);
  });

  it('keeps the stored runs and exits 1 when the report cannot be written', () => {
    const blocker = path.join(cwd, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const store = path.join(cwd, 'runs-fail');
    const r = bilevel('compare', '--problem', 'toy-quadratic', '--methods', 'rhg', '--iterations', '2', '--report', path.join(blocker, 'r.html'), '--store', store);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /could not write the report to .*not-a-folder/);
    assert.match(r.stderr, /the runs are stored in/);
    assert.doesNotMatch(r.stderr, /internal error/);
    const runs = readdirSync(store);
    assert.equal(runs.length, 1);
    assert.equal((JSON.parse(readFileSync(path.join(store, runs[0]!, 'run.json'), 'utf8')) as { status: string }).status, 'completed');
  });

  it('rejects an empty --report as a usage error', () => {
    const r = bilevel('compare', '--problem', 'toy-quadratic', '--methods', 'rhg', '--report=', '--no-store');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--report needs a file name/);
  });
});
