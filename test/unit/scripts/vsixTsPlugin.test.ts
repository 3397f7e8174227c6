// The .vsix post-processing of `npm run package` (scripts/vsixAddTsPlugin.mjs on scripts/zipArchive.mjs):
// the TS server plugin lands in extension/node_modules/, every other entry is kept byte for byte, a second
// run replaces instead of duplicating, and the archives are valid for another zip implementation
// (Python's zipfile, when python3 is installed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');

interface ZipEntry {
  readonly name: string;
  readonly raw: Buffer;
  readonly crc: number;
}
interface ZipModule {
  crc32(data: Uint8Array): number;
  emptyZip(): Buffer;
  listZip(zip: Buffer): ZipEntry[];
  entryData(entry: ZipEntry): Buffer;
  addToZip(zip: Buffer, files: { name: string; data: Buffer }[]): Buffer;
}
interface VsixModule {
  addTsPluginToVsix(vsix: string, pluginDir: string): string[];
}

// The scripts are plain ES modules run by node; loaded as they are, not bundled into the test.
const load = <T>(rel: string): Promise<T> => import(pathToFileURL(path.join(root, rel)).href) as Promise<T>;

const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Python's zipfile reads every entry and checks its CRC; returns the names it saw. */
function pythonNames(file: string): string[] {
  const r = spawnSync('python3', ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint("\\n".join(z.namelist()))', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

describe('zip archive and .vsix plugin step', () => {
  let zip: ZipModule;
  let vsix: VsixModule;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-vsix-'));
  before(async () => {
    zip = await load<ZipModule>('scripts/zipArchive.mjs');
    vsix = await load<VsixModule>('scripts/vsixAddTsPlugin.mjs');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('computes the standard CRC-32', () => {
    assert.equal(zip.crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(zip.crc32(Buffer.alloc(0)), 0);
  });

  it('writes archives it and another implementation read back', () => {
    const big = Buffer.from('x'.repeat(100_000) + 'ü');
    const file = path.join(dir, 'a.zip');
    writeFileSync(file, zip.addToZip(zip.emptyZip(), [{ name: 'a/b.txt', data: Buffer.from('hello') }, { name: 'big.txt', data: big }]));
    const entries = zip.listZip(readFileSync(file));
    assert.deepEqual(entries.map((e) => e.name), ['a/b.txt', 'big.txt']);
    assert.equal(zip.entryData(entries[1]!).toString(), big.toString());
    assert.ok(entries[1]!.raw.length < 1000, 'deflated');
    if (hasPython) assert.deepEqual(pythonNames(file), ['a/b.txt', 'big.txt']);
  });

  it('adds the plugin to a .vsix under extension/node_modules, keeping the rest and replacing on a re-run', { skip: !hasPython && 'python3 makes the .vsix' }, () => {
    // A .vsix as another tool writes it (Python's zipfile: deflated, data after local headers).
    const file = path.join(dir, 'x.vsix');
    const made = spawnSync(
      'python3',
      ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)\nz.writestr("extension.vsixmanifest", "<m/>")\nz.writestr("extension/package.json", "{\\"name\\":\\"x\\"}")\nz.writestr("extension/dist/extension.js", "x" * 5000)\nz.close()', file],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    const before = new Map(zip.listZip(readFileSync(file)).map((e) => [e.name, zip.entryData(e).toString()]));
    const plugin = path.join(dir, 'plugin');
    mkdirSync(plugin);
    writeFileSync(path.join(plugin, 'index.js'), 'module.exports = () => ({ create: (i) => i.languageService });\n');
    writeFileSync(path.join(plugin, 'package.json'), '{"name":"bilevel-lab-ts-plugin","main":"index.js"}\n');
    writeFileSync(path.join(plugin, 'index.js.map'), '{}');
    const added = vsix.addTsPluginToVsix(file, plugin);
    assert.deepEqual(added.sort(), ['extension/node_modules/bilevel-lab-ts-plugin/index.js', 'extension/node_modules/bilevel-lab-ts-plugin/package.json']);
    writeFileSync(path.join(plugin, 'index.js'), 'module.exports = () => ({ create: (i) => i.languageService }); // v2\n');
    vsix.addTsPluginToVsix(file, plugin);
    const after = zip.listZip(readFileSync(file));
    const names = after.map((e) => e.name);
    assert.equal(new Set(names).size, names.length, `no duplicate entries: ${names.join(', ')}`);
    for (const [name, text] of before) assert.equal(zip.entryData(after.find((e) => e.name === name)!).toString(), text, name);
    assert.match(zip.entryData(after.find((e) => e.name.endsWith('/index.js'))!).toString(), /\/\/ v2/);
    assert.deepEqual(pythonNames(file).sort(), names.sort());
  });

  it('refuses a file that is not a .vsix', () => {
    const file = path.join(dir, 'plain.zip');
    writeFileSync(file, zip.emptyZip());
    const plugin = path.join(dir, 'plugin-b');
    mkdirSync(plugin);
    writeFileSync(path.join(plugin, 'index.js'), '');
    writeFileSync(path.join(plugin, 'package.json'), '{}');
    assert.throws(() => vsix.addTsPluginToVsix(file, plugin), /is not a \.vsix/);
  });
});
