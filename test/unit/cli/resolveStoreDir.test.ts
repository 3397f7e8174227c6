// resolveStoreDir: the --store / --no-store checks that run before any run starts, and that create nothing.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveStoreDir } from '../../../src/cli/resolveStoreDir';

let dir = '';
const flags = (...pairs: [string, string][]): ReadonlyMap<string, string> => new Map(pairs);

void describe('resolveStoreDir', () => {
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-store-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('gives the absolute folder, creating nothing, and leaves no probe behind', () => {
    const store = path.join(dir, 'a', 'b', 'runs');
    assert.equal(resolveStoreDir(flags(['store', store])), store);
    assert.ok(!existsSync(path.join(dir, 'a')));
    assert.deepEqual(readdirSync(dir), []);
  });

  void it('gives undefined with --no-store (and --no-store=false stores)', () => {
    assert.equal(resolveStoreDir(flags(['no-store', ''])), undefined);
    assert.equal(resolveStoreDir(flags(['no-store', 'false'], ['store', dir])), dir);
  });

  void it('refuses --store with --no-store, and an empty --store', () => {
    assert.throws(() => resolveStoreDir(flags(['no-store', ''], ['store', 'X'])), /^UsageError: --store X and --no-store contradict each other; give one of them$/);
    assert.throws(() => resolveStoreDir(flags(['store', ''])), /--store needs a folder, e\.g\. --store runs \(or --no-store to keep nothing\)/);
  });

  void it('refuses a file, and a folder under a file', () => {
    const file = path.join(dir, 'afile');
    writeFileSync(file, 'x');
    assert.throws(() => resolveStoreDir(flags(['store', file])), new RegExp(`--store ${file}: ${file} is a file, not a folder; give a folder for the runs \\(created if missing\\), or --no-store`));
    assert.throws(() => resolveStoreDir(flags(['store', path.join(file, 'runs')])), new RegExp(`${file} is a file, so no folder can be made under it`));
  });

  void it('refuses a folder that cannot be written', () => {
    let store = '/proc/bilevel-no-such-folder/runs';
    if (process.getuid?.() !== 0) {
      const locked = path.join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o555);
      store = path.join(locked, 'runs');
    }
    assert.throws(() => resolveStoreDir(flags(['store', store])), /cannot write in .*; give a folder you can write \(created if missing\), or --no-store/);
  });
});
