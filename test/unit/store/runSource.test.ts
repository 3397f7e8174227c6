// The problem source a run keeps (src/store/runSource.ts, RunStore.create's `source`) and the record
// checks of the new optional fields (run.json `source`, metrics `time`).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkIterationRecord, checkRunRecord } from '../../../src/store/checkRecord';
import { RUN_FILE, RunStore } from '../../../src/store/runStore';
import { sha256Of, sourceChanged, sourceRefOf } from '../../../src/store/runSource';

const CONFIG = { problem: 'p.bilevel.ts#default', problemParams: {}, method: 'rhg', methodOptions: {}, iterations: 3, seed: 0, backend: 'cpu' };
const RECORD = { iteration: 0, upperLoss: 1, lowerLoss: 1, hypergradNorm: 1, lowerStationarity: 0, forwardMs: 1, backwardMs: 1, gradientEvals: 1, hvpEvals: 1, numTensors: 1, numBytes: 1, stats: {} };

let tmp = '';

describe('run source', () => {
  before(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-source-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('hashes the UTF-8 text with sha256 (lowercase hex)', () => {
    assert.equal(sha256Of('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Of(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.deepEqual(sourceRefOf('/a/b/lake.bilevel.ts', 'abc'), { file: 'source/lake.bilevel.ts', sha256: sha256Of('abc') });
    assert.throws(() => sourceRefOf('/', 'abc'));
  });

  it('sourceChanged compares hashes, and knows nothing for a run that kept no source', () => {
    const record = { source: sourceRefOf('p.bilevel.ts', 'const a = 1;\n') };
    assert.equal(sourceChanged(record, 'const a = 1;\n'), false);
    assert.equal(sourceChanged(record, 'const a = 2;\n'), true);
    assert.equal(sourceChanged(record, 'const a = 1;\r\n'), true, 'any byte counts');
    assert.equal(sourceChanged({}, 'anything'), undefined);
  });

  it('create writes source/<name> before run.json names it; a run without source has neither', () => {
    const store = new RunStore(path.join(tmp, 'runs'));
    const text = 'export default 1; // ∑\n';
    const writer = store.create(CONFIG, { versions: {}, source: { name: '/some/where/p.bilevel.ts', text } });
    assert.equal(readFileSync(path.join(writer.dir, 'source', 'p.bilevel.ts'), 'utf8'), text);
    const record = store.read(writer.id);
    assert.deepEqual(record.source, { file: 'source/p.bilevel.ts', sha256: sha256Of(text) });
    assert.equal(JSON.parse(readFileSync(path.join(writer.dir, RUN_FILE), 'utf8')).source.sha256, sha256Of(text));
    const plain = store.create(CONFIG, { versions: {} });
    assert.equal(store.read(plain.id).source, undefined);
    assert.equal(existsSync(path.join(plain.dir, 'source')), false);
  });

  it('checks the new optional fields, and accepts records without them', () => {
    const run = { schemaVersion: 1, id: 'x', status: 'completed', config: CONFIG, versions: {}, pid: 1, hostname: 'h', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
    assert.equal(checkRunRecord(run), undefined);
    assert.equal(checkRunRecord({ ...run, source: { file: 'source/p.ts', sha256: 'ab' } }), undefined);
    assert.match(checkRunRecord({ ...run, source: { file: 'source/p.ts' } }) ?? '', /source/);
    assert.match(checkRunRecord({ ...run, source: 'p.ts' }) ?? '', /source/);
    assert.equal(checkIterationRecord(RECORD), undefined);
    assert.equal(checkIterationRecord({ ...RECORD, time: 1_767_225_600_000 }), undefined);
    assert.match(checkIterationRecord({ ...RECORD, time: '2026-01-01' }) ?? '', /time/);
  });
});
