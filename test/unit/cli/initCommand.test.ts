// `bilevel init`: the scaffold type-checks with the repository's plain `tsc --noEmit -p <dir>` against the
// shipped declarations (dist/types, after `npm run build`), a deliberate error is reported at its line,
// paths are relative when the declarations sit inside the folder, and no existing file is overwritten.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { INIT_FILES, INIT_USAGE, initProject } from '../../../src/cli/commands/initCommand';
import { runCli } from '../../../src/cli/runCli';
import { UsageError } from '../../../src/cli/usageError';
import { PROBLEM_TEMPLATE } from '../../../src/common/problemTemplate';

const root = path.resolve(__dirname, '../../..');
const TYPES = path.join(root, 'dist/types');
const TSC = path.join(root, 'node_modules/typescript/bin/tsc');

function tsc(dir: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC, '--noEmit', '-p', dir], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function capture(): { io: Parameters<typeof runCli>[1]; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((err += s), true) }, interrupted: () => false } as unknown as Parameters<typeof runCli>[1],
    out: () => out,
    err: () => err,
  };
}

describe('bilevel init', { skip: !existsSync(path.join(TYPES, 'node_modules/bilevel-lab/core/index.d.ts')) && 'run `npm run build` first' }, () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-init-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('scaffolds a folder in which plain tsc --noEmit passes (declarations outside: absolute paths)', () => {
    const dir = path.join(tmp, 'outside', 'nested');
    const written = initProject(dir, TYPES);
    assert.deepEqual(written, [path.join(dir, INIT_FILES.problem), path.join(dir, INIT_FILES.tsconfig)]);
    assert.equal(readFileSync(written[0]!, 'utf8'), PROBLEM_TEMPLATE);
    const config = JSON.parse(readFileSync(written[1]!, 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    assert.equal(config.compilerOptions.paths['bilevel-lab']![0], `${TYPES}/node_modules/bilevel-lab/core/index.d.ts`);
    const r = tsc(dir);
    assert.equal(r.status, 0, r.output);
    assert.equal(r.output.trim(), '');
  });

  it('reports a deliberate type error at its line', () => {
    const dir = path.join(tmp, 'outside', 'nested');
    const file = path.join(dir, INIT_FILES.problem);
    const text = PROBLEM_TEMPLATE.replace('lowerSteps: 20', "lowerSteps: '20'");
    writeFileSync(file, text);
    const line = text.slice(0, text.indexOf("lowerSteps: '20'")).split('\n').length;
    const r = tsc(dir);
    assert.equal(r.status, 2, r.output);
    assert.match(r.output, new RegExp(`example\\.bilevel\\.ts\\(${line},\\d+\\): error TS2322: Type 'string' is not assignable to type 'number'`));
    assert.equal(r.output.match(/error TS/g)?.length, 1, r.output);
  });

  it('uses relative paths when the declarations are inside the folder (bilevel-lab in its node_modules)', () => {
    const dir = path.join(tmp, 'installed');
    const types = path.join(dir, 'node_modules/bilevel-lab/dist/types');
    mkdirSync(path.dirname(types), { recursive: true });
    symlinkSync(TYPES, types, 'dir');
    initProject(dir, types);
    const config = JSON.parse(readFileSync(path.join(dir, INIT_FILES.tsconfig), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    assert.deepEqual(config.compilerOptions.paths['bilevel-lab'], ['./node_modules/bilevel-lab/dist/types/node_modules/bilevel-lab/core/index.d.ts']);
    assert.deepEqual(config.compilerOptions.paths['@tensorflow/tfjs-core'], ['./node_modules/bilevel-lab/dist/types/node_modules/@tensorflow/tfjs-core/dist/index.d.ts']);
    const r = tsc(dir);
    assert.equal(r.status, 0, r.output);
  });

  it('refuses to overwrite an existing file, naming it, and writes nothing', () => {
    const dir = path.join(tmp, 'taken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'tsconfig.json'), '{ "mine": true }\n');
    assert.throws(() => initProject(dir, TYPES), (e: unknown) => e instanceof UsageError && e.message.includes(path.join(dir, 'tsconfig.json')) && /does not overwrite/.test(e.message));
    assert.equal(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'), '{ "mine": true }\n');
    assert.ok(!existsSync(path.join(dir, INIT_FILES.problem)), 'nothing is written when one file exists');
  });

  it('is a CLI command: help, exit code 2 on an existing file or a stray flag', async () => {
    const help = capture();
    assert.equal(await runCli(['init', '--help'], help.io), 0);
    assert.equal(help.out().trim(), INIT_USAGE);
    const main = capture();
    assert.equal(await runCli(['--help'], main.io), 0);
    assert.match(main.out(), /\n {2}init +Scaffold a problem folder/);
    const taken = capture();
    assert.equal(await runCli(['init', path.join(tmp, 'taken')], taken.io), 2);
    assert.match(taken.err(), /tsconfig\.json already exists/);
    const flag = capture();
    assert.equal(await runCli(['init', tmp, '--force=yes'], flag.io), 2);
    assert.match(flag.err(), /unknown flag --force for 'init'/);
  });
});
