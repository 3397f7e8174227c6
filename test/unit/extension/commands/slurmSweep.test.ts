// Submit Sweep to SLURM… and a SLURM sweep's Cancel (vscode stub, the real stores and history on a
// temporary workspace with an extra store; the CLI replaced by a recorder): the argv and spec file
// handed to `bilevel sweep --executor slurm`, quoting of sbatch arguments and paths with spaces, the
// job id read back; Cancel of a SLURM sweep runs `bilevel sweep cancel`, a local one keeps its message.
// Also the pure helpers: shell-like splitting and quoting, the job id in the CLI's output, PATH lookup.
import { vscodeStub } from '../vscodeStub';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as vscode from 'vscode';
import type { CommandContext } from '../../../../src/extension/commands/context';
import type { CliResult } from '../../../../src/extension/commands/runCli';
import { findOnPath, formatCommandLine, readMaxConcurrent, shellQuote, slurmCancelArgv, slurmSubmitArgv, splitArgs, submissionOf } from '../../../../src/extension/commands/slurmArgs';
import { submitSweepSlurm, type SubmittedSweep } from '../../../../src/extension/commands/submitSweepSlurm';
import { cancelDecision, cancelSweep } from '../../../../src/extension/commands/sweepCommands';
import { DEFAULT_CONFIG, type BilevelConfig } from '../../../../src/extension/config';
import { RunStores } from '../../../../src/extension/runs/runStores';
import { HistoryTreeProvider } from '../../../../src/extension/views/historyTree';
import type { HistorySweepItem } from '../../../../src/extension/views/sweepModel';
import type { RunController } from '../../../../src/extension/runs/runController';
import type { SweepRecord } from '../../../../src/protocol/sweep';
import { RunStore } from '../../../../src/store/runStore';
import { SweepStore } from '../../../../src/store/sweepStore';

describe('splitArgs and shellQuote', () => {
  it('splits like a shell: blanks, single and double quotes, backslashes', () => {
    assert.deepEqual(splitArgs(`  --partition=gpu   --job-name="my sweep" --comment='it''s' --x=a\\ b --y="q\\"uote"  `), {
      args: ['--partition=gpu', '--job-name=my sweep', '--comment=its', '--x=a b', '--y=q"uote'],
    });
    assert.deepEqual(splitArgs(''), { args: [] });
    assert.deepEqual(splitArgs(`--empty='' x`), { args: ['--empty=', 'x'] });
  });

  it('refuses an unterminated quote, naming where it opens', () => {
    assert.deepEqual(splitArgs(`--time=1:00 --job-name="abc`), { error: 'unterminated " at character 24: close the quote' });
    assert.deepEqual(splitArgs(`'x`), { error: "unterminated ' at character 1: close the quote" });
  });

  it('quotes only what a shell would split or expand, and round-trips through splitArgs', () => {
    assert.equal(shellQuote('--gres=gpu:1'), '--gres=gpu:1');
    assert.equal(shellQuote('/shared/my runs'), "'/shared/my runs'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote(''), "''");
    const argv = ['node', '/ext/dist/cli.js', '--store', '/shared/my runs', "--comment=it's $HOME"];
    assert.equal(formatCommandLine(argv), "node /ext/dist/cli.js --store '/shared/my runs' '--comment=it'\\''s $HOME'");
    assert.deepEqual(splitArgs(formatCommandLine(argv)), { args: argv });
  });
});

describe('the CLI argv of a SLURM submission and cancel', () => {
  it('passes the spec, the executor, the cap, each sbatch argument joined with = and the store, as single words', () => {
    assert.deepEqual(slurmSubmitArgv({ cli: '/ext/dist/cli.js', specFile: '/tmp/s 1/sweep.json', store: '/shared/my runs', maxConcurrent: 3, sbatchArgs: ['--partition=gpu', '--job-name=my sweep'], backend: 'wasm' }), [
      '/ext/dist/cli.js',
      'sweep',
      '--spec',
      '/tmp/s 1/sweep.json',
      '--executor',
      'slurm',
      '--max-concurrent',
      '3',
      '--sbatch-arg=--partition=gpu',
      '--sbatch-arg=--job-name=my sweep',
      '--store',
      '/shared/my runs',
      '--backend',
      'wasm',
      '--json',
    ]);
    assert.throws(() => slurmSubmitArgv({ cli: 'c', specFile: 's', store: 'd', maxConcurrent: 0, sbatchArgs: [] }), /max concurrent must be a whole number ≥ 1, not 0/);
    assert.deepEqual(slurmCancelArgv('/ext/dist/cli.js', 'S1', '/shared/my runs'), ['/ext/dist/cli.js', 'sweep', 'cancel', 'S1', '--store', '/shared/my runs']);
  });

  it('reads the sweep and job id from the JSON line, else a bare job id or a phrase', () => {
    assert.deepEqual(submissionOf('note: x\n{"sweep":"20261206-030000-sweep-q-ab12","jobId":"812","indices":[0,1]}\n'), { sweepId: '20261206-030000-sweep-q-ab12', jobId: '812' });
    assert.deepEqual(submissionOf('{"sweep":"S","jobId":77}'), { sweepId: 'S', jobId: '77' });
    assert.deepEqual(submissionOf('9001\n'), { jobId: '9001' });
    assert.deepEqual(submissionOf('9001;cluster2\n'), { jobId: '9001' });
    assert.deepEqual(submissionOf('Submitted batch job 4242\n'), { jobId: '4242' });
    assert.deepEqual(submissionOf('{not json\nnothing here'), {});
  });

  it('reads the max-concurrent answer', () => {
    assert.deepEqual(readMaxConcurrent(' 8 '), { value: 8 });
    assert.deepEqual(readMaxConcurrent('0'), { error: '0 is out of range: give 1 to 10000 array tasks at once' });
    assert.deepEqual(readMaxConcurrent('2.5'), { error: "'2.5' is not a whole number: give how many array tasks may run at once, e.g. 4" });
  });

  it('finds an executable in the first PATH folder that has it', () => {
    const files = new Set(['/opt/slurm/bin/sbatch', '/usr/bin/sbatch']);
    assert.equal(findOnPath('sbatch', '/usr/local/bin::/opt/slurm/bin:/usr/bin', (f) => files.has(f), ':'), '/opt/slurm/bin/sbatch');
    assert.equal(findOnPath('sbatch', '/usr/local/bin', (f) => files.has(f), ':'), undefined);
    assert.equal(findOnPath('sbatch', undefined, () => true, ':'), undefined);
  });
});

let workspace = '';
let shared = '';
const calls: { argv: readonly string[]; cwd: string; spec?: unknown }[] = [];
let reply: CliResult = { code: 0, stdout: '', stderr: '' };

function extension(): { ctx: CommandContext; history: HistoryTreeProvider } {
  const config: BilevelConfig = { ...DEFAULT_CONFIG, backend: 'cpu', history: { extraStores: [shared] } };
  const stores = new RunStores(() => [workspace], () => config);
  const controller = { liveInfo: () => [], get: () => undefined } as unknown as RunController;
  const output = { appendLine: () => undefined, append: () => undefined, show: () => undefined };
  const history = new HistoryTreeProvider(stores, controller, output as never);
  const state = new Map<string, unknown>();
  const ctx = {
    extension: { asAbsolutePath: (p: string) => path.join('/ext', p), workspaceState: { get: (k: string) => state.get(k), update: (k: string, v: unknown) => (state.set(k, v), Promise.resolve()) } },
    stores,
    history,
    output,
    config: () => config,
    diagnostics: { clear: () => undefined },
    runCli: (argv: readonly string[], cwd: string) => {
      const at = argv.indexOf('--spec');
      // The spec file exists while the CLI runs (it is removed afterwards).
      calls.push({ argv, cwd, ...(at >= 0 ? { spec: JSON.parse(readFileSync(argv[at + 1]!, 'utf8')) as unknown } : {}) });
      return Promise.resolve(reply);
    },
  };
  return { ctx: ctx as unknown as CommandContext, history };
}

describe('Submit Sweep to SLURM…', () => {
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-slurm-ws-'));
    shared = path.join(workspace, 'shared store', 'runs');
    mkdirSync(shared, { recursive: true });
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => {
    vscodeStub.reset();
    vscodeStub.folder = workspace;
    calls.length = 0;
  });

  it('hands the CLI the spec, the cap and the sbatch arguments as typed, and reports the job', async () => {
    reply = { code: 0, stdout: '{"sweep":"20261206-040000-sweep-toy-quadratic-ab12","jobId":"812"}\n', stderr: '' };
    const { ctx } = extension();
    const done = (await submitSweepSlurm(ctx)('toy-quadratic', undefined, {
      methods: ['rhg', 'cg'],
      seeds: '0-2',
      grid: 'K=5,10',
      maxConcurrent: 3,
      sbatchArgs: `--partition=gpu --job-name="my sweep"`,
      store: shared,
    })) as SubmittedSweep;
    assert.deepEqual(done, { store: shared, sweepId: '20261206-040000-sweep-toy-quadratic-ab12', jobId: '812' });
    assert.equal(calls.length, 1);
    const { argv, cwd, spec } = calls[0]!;
    const specFile = argv[argv.indexOf('--spec') + 1]!;
    assert.deepEqual(argv, [
      '/ext/dist/cli.js',
      'sweep',
      '--spec',
      specFile,
      '--executor',
      'slurm',
      '--max-concurrent',
      '3',
      '--sbatch-arg=--partition=gpu',
      '--sbatch-arg=--job-name=my sweep',
      '--store',
      shared,
      '--backend',
      'cpu',
      '--json',
    ]);
    assert.equal(cwd, workspace);
    const s = spec as { problem: unknown; methods: string[]; seeds: number[]; grid: { flag: string; values: number[] }[] };
    assert.deepEqual(s.problem, { kind: 'builtin', id: 'toy-quadratic', params: {} });
    assert.deepEqual(s.methods, ['rhg', 'cg']);
    assert.deepEqual(s.seeds, [0, 1, 2]);
    assert.deepEqual(s.grid.map((a) => [a.flag, a.values]), [['K', [5, 10]]]);
    assert.match(vscodeStub.shown.at(-1)!, /^info: Sweep of 12 runs submitted to SLURM as job 812 \(sweep 20261206-040000-sweep-toy-quadratic-ab12\)/);
  });

  it("says why when the CLI fails, with its error's last line, and returns nothing", async () => {
    reply = { code: 2, stdout: '', stderr: 'bilevel: error: sbatch: error: invalid partition specified: gpu\n' };
    const { ctx } = extension();
    const done = await submitSweepSlurm(ctx)('toy-quadratic', undefined, { methods: ['rhg'], seeds: '0', maxConcurrent: 1, sbatchArgs: [], store: shared });
    assert.equal(done, undefined);
    assert.equal(vscodeStub.shown.at(-1), 'error: Submit Sweep to SLURM failed: bilevel: error: sbatch: error: invalid partition specified: gpu');
  });

  it('refuses an unterminated quote in the sbatch arguments before running anything', async () => {
    const { ctx } = extension();
    assert.equal(await submitSweepSlurm(ctx)('toy-quadratic', undefined, { methods: ['rhg'], seeds: '0', maxConcurrent: 1, sbatchArgs: '--job-name="x', store: shared }), undefined);
    assert.equal(calls.length, 0);
    assert.equal(vscodeStub.shown.at(-1), 'error: Submit Sweep to SLURM: extra sbatch arguments: unterminated " at character 12: close the quote');
  });
});

describe('Cancel of a SLURM sweep', () => {
  const sweepId = '20261206-050000-sweep-toy-quadratic-cd34';
  const runIds = ['20261206-050000-rhg-toy-quadratic-0001', '20261206-050000-rhg-toy-quadratic-0002', '20261206-050000-rhg-toy-quadratic-0003'];
  let record: SweepRecord;
  before(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'bilevel-slurm-cancel-'));
    shared = path.join(workspace, 'shared', 'runs');
    const w = new RunStore(shared).create({ problem: 'toy-quadratic', problemParams: {}, method: 'rhg', methodOptions: {}, iterations: 2, seed: 0, backend: 'cpu', sweep: { id: sweepId, index: 0 } }, { versions: {}, id: runIds[0] });
    w.finish('completed');
    record = {
      schemaVersion: 1,
      id: sweepId,
      createdAt: '2026-12-06T05:00:00.000Z',
      spec: { problem: { kind: 'builtin', id: 'toy-quadratic', params: {} }, methods: ['rhg'], seeds: [0, 1, 2], grid: [] },
      runs: runIds.map((runId, index) => ({ index, runId, method: 'rhg', seed: index, options: { seed: index }, gridPoint: {}, dropped: [] })),
      executions: [{ kind: 'slurm', startedAt: '2026-12-06T05:00:00.000Z', indices: [0, 1, 2], hostname: 'login1', jobId: '812' }],
    };
    new SweepStore(shared).create(record, '');
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => {
    vscodeStub.reset();
    vscodeStub.folder = workspace;
    calls.length = 0;
  });

  it('shows the sweep of the extra store as running with 1 of 3 done, and decides a SLURM cancel', () => {
    const { history } = extension();
    const node = history.findSweep(sweepId)!;
    assert.equal(node.sweep.description, 'running · 1 of 3 done ███░░░░░░░');
    assert.equal(node.sweep.slurmJobId, '812');
    assert.deepEqual(cancelDecision(node.sweep), { action: 'slurm', jobId: '812', unfinished: 2 });
    const ended: HistorySweepItem = { ...node.sweep, progress: { ...node.sweep.progress, status: 'partial' } };
    assert.equal(cancelDecision(ended).action, 'tell', 'nothing left to cancel');
    const local: HistorySweepItem = { ...node.sweep, slurmJobId: undefined } as HistorySweepItem;
    assert.match((cancelDecision(local) as { message: string }).message, /is run by another process \(bilevel sweep\), not by this window/);
  });

  it('runs bilevel sweep cancel ID --store DIR after a confirmation, and nothing without one', async () => {
    reply = { code: 0, stdout: `scancel 812: 2 array tasks of sweep ${sweepId} cancelled (1 running)\nrunning runs end cancelled after their current iteration\n`, stderr: '' };
    const { ctx, history } = extension();
    const window = vscode.window as unknown as Record<string, unknown>;
    const original = window.showWarningMessage;
    let answer: string | undefined;
    const asked: string[] = [];
    window.showWarningMessage = (message: string) => (asked.push(message), Promise.resolve(answer));
    try {
      answer = undefined;
      assert.equal(await cancelSweep(ctx)(history.findSweep(sweepId)), 0);
      assert.equal(calls.length, 0, 'dismissed: nothing runs');
      answer = 'Cancel SLURM Job';
      assert.equal(await cancelSweep(ctx)(history.findSweep(sweepId)), 2);
    } finally {
      window.showWarningMessage = original;
    }
    assert.match(asked[0]!, /^Cancel SLURM job 812 of sweep 'Sweep rhg × seeds 0-2'\? Its 2 unfinished runs end cancelled/);
    assert.deepEqual(calls.map((c) => c.argv), [['/ext/dist/cli.js', 'sweep', 'cancel', sweepId, '--store', shared]]);
    assert.equal(vscodeStub.shown.at(-1), `info: Sweep 'Sweep rhg × seeds 0-2': scancel 812: 2 array tasks of sweep ${sweepId} cancelled (1 running)`);
  });

  it("says the CLI's reason when the cancel fails", async () => {
    reply = { code: 1, stdout: 'SLURM job 812: no scontrol or squeue on PATH here; on a login node of its cluster run: scancel 812\n', stderr: '' };
    const { ctx, history } = extension();
    const window = vscode.window as unknown as Record<string, unknown>;
    const original = window.showWarningMessage;
    window.showWarningMessage = () => Promise.resolve('Cancel SLURM Job');
    try {
      assert.equal(await cancelSweep(ctx)(history.findSweep(sweepId)), 0);
    } finally {
      window.showWarningMessage = original;
    }
    assert.equal(vscodeStub.shown.at(-1), 'error: Cancel of SLURM job 812 failed: SLURM job 812: no scontrol or squeue on PATH here; on a login node of its cluster run: scancel 812');
  });
});
