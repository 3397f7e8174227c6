// Atomic writes and whole appends under short and failing writes, with a fake writeSync (the real
// disk-full cases are in test/unit/faults/store.test.ts): every byte is written or the call throws a
// StoreWriteError, the old content stays, and no temporary file is left behind.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendFileWhole } from '../../../src/store/appendFileWhole';
import { StoreWriteError } from '../../../src/store/storeWriteError';
import { writeFileAtomic, type WriteIo } from '../../../src/store/writeFileAtomic';

let tmp = '';
let n = 0;

/** A fresh folder holding `run.json` with `old` in it. */
function folderWith(old: string): { dir: string; file: string } {
  const dir = path.join(tmp, `case${n++}`);
  const file = path.join(dir, 'run.json');
  mkdirSync(dir);
  writeFileSync(file, old);
  return { dir, file };
}

/** A writeSync that writes at most `chunk` bytes per call, like write(2) on a nearly full disk. */
function shortWrites(chunk: number, calls: number[] = []): WriteIo {
  return {
    writeSync: (fd, buffer, offset, length) => {
      calls.push(length);
      return writeSync(fd, buffer, offset, Math.min(chunk, length));
    },
  };
}

/** A writeSync that writes `room` bytes in all, then fails with `code` (or returns 0 when code is undefined). */
function fullAfter(room: number, code: string | undefined): WriteIo {
  let left = room;
  return {
    writeSync: (fd, buffer, offset, length) => {
      if (left === 0) {
        if (code === undefined) return 0;
        throw Object.assign(new Error(`${code}: fake, write`), { code });
      }
      const w = writeSync(fd, buffer, offset, Math.min(left, length));
      left -= w;
      return w;
    },
  };
}

before(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-atomic-'))));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('loops over short writes until every byte is written', () => {
    const { dir, file } = folderWith('{"old": true}\n');
    const text = JSON.stringify({ long: 'x'.repeat(5000), unicode: 'äöü ∑ 😀' }) + '\n';
    const calls: number[] = [];
    writeFileAtomic(file, text, shortWrites(777, calls));
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.ok(calls.length > 5, `${calls.length} write calls`);
    assert.deepEqual(readdirSync(dir), ['run.json']);
  });

  it('throws ENOSPC as a StoreWriteError, keeps the old file and leaves no temporary file', () => {
    const { dir, file } = folderWith('{"old": true}\n');
    assert.throws(
      () => writeFileAtomic(file, 'y'.repeat(10_000), fullAfter(4096, 'ENOSPC')),
      (e: unknown) => e instanceof StoreWriteError && e.code === 'ENOSPC' && e.file === file && e.message === `the disk is full (ENOSPC) while writing run.json in ${dir}`,
    );
    assert.equal(readFileSync(file, 'utf8'), '{"old": true}\n');
    assert.deepEqual(readdirSync(dir), ['run.json']);
  });

  it('treats a write that makes no progress as an error, never as a cut file', () => {
    const { dir, file } = folderWith('{"old": true}\n');
    assert.throws(() => writeFileAtomic(file, 'z'.repeat(3000), fullAfter(1000, undefined)), (e: unknown) => e instanceof StoreWriteError && /no progress after 1000 of 3000 bytes/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), '{"old": true}\n');
    assert.deepEqual(readdirSync(dir), ['run.json']);
  });

  it('names EIO and EDQUOT in plain words', () => {
    for (const [code, words] of [
      ['EIO', 'an input/output error occurred'],
      ['EDQUOT', 'the disk quota is exceeded'],
    ] as const) {
      const { dir, file } = folderWith('old');
      assert.throws(() => writeFileAtomic(file, 'new', fullAfter(1, code)), { name: 'StoreWriteError', code, message: `${words} (${code}) while writing run.json in ${dir}` });
      assert.deepEqual(readdirSync(dir), ['run.json']);
    }
  });

  it('fails with a StoreWriteError when the folder is gone, leaving nothing', () => {
    const dir = path.join(tmp, `missing${n++}`);
    assert.throws(() => writeFileAtomic(path.join(dir, 'run.json'), 'x'), { name: 'StoreWriteError', code: 'ENOENT' });
  });
});

describe('appendFileWhole', () => {
  it('appends everything through short writes', () => {
    const { file } = folderWith('line 0\n');
    appendFileWhole(file, 'line 1\nline 2\n', shortWrites(3));
    assert.equal(readFileSync(file, 'utf8'), 'line 0\nline 1\nline 2\n');
  });

  it('cuts a failed append back to the old length: whole lines only, old bytes untouched', () => {
    const { file } = folderWith('line 0\n');
    assert.throws(() => appendFileWhole(file, 'line 1\nline 2\n', fullAfter(9, 'ENOSPC')), { name: 'StoreWriteError', code: 'ENOSPC' });
    assert.equal(readFileSync(file, 'utf8'), 'line 0\n');
    assert.throws(() => appendFileWhole(file, 'line 1\n', fullAfter(0, undefined)), /no progress/);
    assert.equal(readFileSync(file, 'utf8'), 'line 0\n');
    appendFileWhole(file, 'line 1\n');
    assert.equal(readFileSync(file, 'utf8'), 'line 0\nline 1\n');
  });
});
