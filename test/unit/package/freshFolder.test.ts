// The npm package in a fresh folder, offline: `npm pack` → `npm install --offline` of the tarball into an
// empty temp folder (from the npm cache that `npm ci` filled) → `npx bilevel init` → plain `tsc --noEmit`
// passes on a problem file (through the scaffold's tsconfig, and through the package's own "types") →
// `npx bilevel run --problem ./closed-form.bilevel.ts#closedForm --json` reaches x* = y* = 1.
//
// npm ci fills the cache with tarballs but no registry metadata, and resolving the package's dependency
// ranges offline needs metadata; so the folder gets a package-lock.json made from the repository's own
// lock (the tarball plus the installed tree of its production dependencies, resolved + integrity), the way
// a lockfile pins an install. Needs `npm run build` first (dist/cli.js and dist/types).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const TSC = path.join(root, 'node_modules/typescript/bin/tsc');

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly [key: string]: unknown;
}

/** The lock key npm would use for `name` required from the package at `fromKey` (node's lookup). */
function locate(packages: Record<string, LockEntry>, fromKey: string, name: string): string | undefined {
  let base = fromKey;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/** A package-lock.json for a folder that depends on `tarball` only, from the repository's lock. */
export function freshLock(repoLock: { packages: Record<string, LockEntry> }, tarball: string, tarballName: string): object {
  const packages = repoLock.packages;
  const self = packages['']!;
  const keep = new Map<string, LockEntry>();
  const visit = (key: string): void => {
    const entry = packages[key]!;
    const deps = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(deps)) {
      const found = locate(packages, key, name);
      if (found === undefined) {
        const optional = entry.optionalDependencies?.[name] !== undefined || entry.peerDependenciesMeta?.[name]?.optional === true;
        assert.ok(optional, `${name} (needed by ${key || 'the root'}) is not in package-lock.json`);
        continue;
      }
      if (keep.has(found)) continue;
      keep.set(found, packages[found]!);
      visit(found);
    }
  };
  // The root's production dependencies only: its `dependencies`, never devDependencies.
  visit('');
  for (const key of keep.keys()) assert.ok(!packages[key]!['dev'], `${key} is marked dev in package-lock.json but a production dependency needs it`);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  return {
    name: 'fresh',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'fresh', version: '1.0.0', dependencies: { [self['name'] as string]: `file:${tarballName}` } },
      [`node_modules/${self['name'] as string}`]: {
        version: self.version,
        resolved: `file:${tarballName}`,
        integrity,
        license: self['license'],
        dependencies: self.dependencies,
        bin: self['bin'],
        engines: self['engines'],
      },
      ...Object.fromEntries([...keep].sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

/** The environment for child npm/node processes: no npm lifecycle variables of an outer `npm test`. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('NODE_TEST') || (/^npm_/i.test(k) && !/^npm_config_(cache|userconfig)$/i.test(k))) continue;
    env[k] = v;
  }
  return env;
}

function sh(command: string, args: readonly string[], cwd: string, timeout = 240_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `\n${String(r.error)}` : ''}` };
}

/** Upper F = ½‖y − 1‖², lower f = ½‖y − x‖²: y*(x) = x, so x* = y* = 1. */
const CLOSED_FORM = `import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from 'bilevel-lab';

export const closedForm = defineProblem({
  id: 'closed-form',
  upper: { variables: { x: { shape: [2], init: 0 } }, objective: (_x, { y }) => tf.mul(0.5, tf.sum(tf.square(tf.sub(y!, 1)))) },
  lower: { variables: { y: { shape: [2], init: 0 } }, objective: ({ x }, { y }) => tf.mul(0.5, tf.sum(tf.square(tf.sub(y!, x!)))) },
  solution: { upper: { x: 1 }, lower: { y: 1 } },
  defaults: { method: 'rhg', lowerSteps: 30, lowerLr: 0.5, outerLr: 0.5 },
});
`;

const built = existsSync(path.join(root, 'dist/cli.js')) && existsSync(path.join(root, 'dist/types/node_modules/bilevel-lab/core/index.d.ts'));

describe('npm pack → offline install in an empty folder → types and npx bilevel', { skip: !built && 'run `npm run build` first', timeout: 600_000 }, () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-fresh-'));
  const proj = path.join(tmp, 'project');
  after(() => rmSync(tmp, { recursive: true, force: true }));

  before(() => {
    const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root);
    assert.equal(pack.status, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as { filename: string; size: number; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    for (const needed of ['bin/bilevel.js', 'dist/cli.js', 'dist/library.cjs', 'dist/types/node_modules/bilevel-lab/core/index.d.ts', 'dist/types/node_modules/@tensorflow/tfjs-core/dist/index.d.ts']) {
      assert.ok(files.includes(needed), `the tarball holds ${needed}`);
    }
    assert.ok(!files.some((f) => f.startsWith('src/') || f.endsWith('.map') || f === 'dist/extension.js'), 'the tarball leaves sources, maps and the extension out');
    assert.ok(info!.size < 5_000_000, `tarball size ${info!.size} bytes`);
    mkdirSync(proj);
    const repoLock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const tarball = `../${info!.filename}`;
    writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0', private: true, dependencies: { 'bilevel-lab': `file:${tarball}` } }, null, 2));
    writeFileSync(path.join(proj, 'package-lock.json'), JSON.stringify(freshLock(repoLock, path.join(tmp, info!.filename), tarball), null, 2));
    const install = sh('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], proj);
    assert.equal(install.status, 0, `npm install --offline failed:\n${install.stdout}\n${install.stderr}`);
    assert.ok(existsSync(path.join(proj, 'node_modules/.bin/bilevel')));
  });

  it('bilevel init scaffolds the folder; plain tsc --noEmit passes on the example and a problem file', () => {
    const init = sh('npx', ['--offline', 'bilevel', 'init'], proj);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /Created example\.bilevel\.ts and tsconfig\.json/);
    const config = JSON.parse(readFileSync(path.join(proj, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    assert.deepEqual(config.compilerOptions.paths['bilevel-lab'], ['./node_modules/bilevel-lab/dist/types/node_modules/bilevel-lab/core/index.d.ts']);
    writeFileSync(path.join(proj, 'closed-form.bilevel.ts'), CLOSED_FORM);
    const r = sh(process.execPath, [TSC, '--noEmit', '-p', proj], proj);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    // A second init refuses to overwrite.
    const again = sh('npx', ['--offline', 'bilevel', 'init'], proj);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /example\.bilevel\.ts already exists/);
  });

  it('types the import through the package\'s own "types" too (no scaffold), and reports a real error', () => {
    const dir = path.join(proj, 'plain');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'closed-form.bilevel.ts'), CLOSED_FORM);
    writeFileSync(path.join(dir, 'wrong.bilevel.ts'), CLOSED_FORM.replace("id: 'closed-form'", 'id: 7'));
    const options = { module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] };
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['closed-form.bilevel.ts'] }));
    const ok = sh(process.execPath, [TSC, '-p', dir], dir);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['wrong.bilevel.ts'] }));
    const bad = sh(process.execPath, [TSC, '-p', dir], dir);
    assert.equal(bad.status, 2, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /wrong\.bilevel\.ts\(5,3\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it('npx bilevel run --problem ./closed-form.bilevel.ts#closedForm --json reaches x* = y* = 1', () => {
    const run = sh('npx', ['--offline', 'bilevel', 'run', '--problem', './closed-form.bilevel.ts#closedForm', '--iterations', '40', '--json', '--no-store'], proj);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { status: string; final: { x: Record<string, number[]>; upperDistance?: number; lowerDistance?: number } };
    assert.equal(out.status, 'completed');
    const x = out.final.x['x']!;
    assert.equal(x.length, 2);
    for (const v of x) assert.ok(Math.abs(v - 1) < 1e-3, `x = ${x.join(', ')}`);
    if (out.final.upperDistance !== undefined) assert.ok(out.final.upperDistance < 1e-3, `‖x − x*‖ = ${out.final.upperDistance}`);
    if (out.final.lowerDistance !== undefined) assert.ok(out.final.lowerDistance < 1e-3, `‖y − y*‖ = ${out.final.lowerDistance}`);
  });

  it('require("bilevel-lab") explains that the package is types, the CLI and the extension', () => {
    const r = sh(process.execPath, ['-e', "require('bilevel-lab')"], proj);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /bilevel-lab has no runtime entry: problem files get its API from the runner/);
  });
});
