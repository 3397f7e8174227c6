// `bilevel sweep --executor slurm` without a cluster: the flags it refuses, --emit-only's files and
// printed command, the error when sbatch is missing, and submission, status and cancel against fake
// sbatch, scontrol and scancel scripts on PATH that print what SLURM 22.05 prints and log their argv.
// (test/unit/cli/slurmSweep.test.ts runs the same on a real cluster.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseArgs } from '../../../src/cli/parseArgs';
import { readRunsJsonlLine } from '../../../src/cli/specFile';
import { SweepStore } from '../../../src/store/sweepStore';
import { assertCliBuilt, BILEVEL_BIN } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

let cwd = '';
let fakeBin = '';
let log = '';

/** `bilevel ...args` with PATH holding only the fake SLURM commands (`slurm`) or nothing (the CLI starts node from its own path). */
function bilevel(slurm: boolean, ...args: string[]): CliResult {
  const started = Date.now();
  const PATH = slurm ? fakeBin : path.join(cwd, 'empty');
  const r = spawnSync(process.execPath, [BILEVEL_BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH, FAKE_SLURM_LOG: log } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

const SWEEP = ['sweep', '--problem', 'toy-quadratic', '--methods', 'rhg', '--seeds', '0-3', '--iterations', '2', '--backend', 'cpu'];

/** `scontrol -o show job 4242` of an array with task 0 running and 1-3 pending. */
const SCONTROL_LIVE = [
  'JobId=4243 ArrayJobId=4242 ArrayTaskId=0 ArrayTaskThrottle=2 JobName=x UserId=root(0) JobState=RUNNING Reason=None NodeList=node7',
  'JobId=4242 ArrayJobId=4242 ArrayTaskId=1-3%2 ArrayTaskThrottle=2 JobName=x UserId=root(0) JobState=PENDING Reason=JobArrayTaskLimit NodeList=',
].join('\n');

/** A fake command: logs `name argv…` to $FAKE_SLURM_LOG, prints `stdout`, exits 0. */
function fake(name: string, stdout: string): void {
  const file = path.join(fakeBin, name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "$FAKE_SLURM_LOG"\n/bin/cat <<'EOF'\n${stdout}\nEOF\n`);
  chmodSync(file, 0o755);
}

void describe('bilevel sweep --executor slurm without a cluster', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-slurm-flags-'));
    fakeBin = path.join(cwd, 'fake bin');
    mkdirSync(fakeBin);
    mkdirSync(path.join(cwd, 'empty'));
    log = path.join(cwd, 'slurm.log');
    fake('sbatch', '4242;cluster-a');
    fake('scontrol', SCONTROL_LIVE);
    fake('scancel', '');
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  void it('refuses the flags of the other executor and an unknown executor', () => {
    const local = bilevel(false, ...SWEEP, '--max-concurrent', '2', '--dry-run');
    assert.equal(local.code, 2);
    assert.match(local.stderr, /--max-concurrent is for --executor slurm/);
    const jobs = bilevel(false, ...SWEEP, '--executor', 'slurm', '--jobs', '2', '--dry-run');
    assert.equal(jobs.code, 2);
    assert.match(jobs.stderr, /--jobs is for the local pool/);
    const bad = bilevel(false, ...SWEEP, '--executor', 'pbs', '--dry-run');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--executor takes local .* or slurm/);
    const both = bilevel(false, ...SWEEP, '--executor', 'slurm', '--wait', '--emit-only');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--wait and --emit-only contradict/);
    const cap = bilevel(false, ...SWEEP, '--executor', 'slurm', '--max-concurrent', '0', '--emit-only');
    assert.equal(cap.code, 2);
    assert.match(cap.stderr, /--max-concurrent takes a whole number ≥ 1/);
  });

  void it('without sbatch on PATH names it and --emit-only, and writes nothing', () => {
    const r = bilevel(false, ...SWEEP, '--executor', 'slurm', '--store', 'none');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /sbatch is not on PATH/);
    assert.match(r.stderr, /--emit-only/);
    assert.ok(!existsSync(path.join(cwd, 'none')));
  });

  void it('--emit-only writes runs.jsonl and sweep.sbatch and prints the sbatch command, --sbatch-arg lines included', () => {
    const store = path.join(cwd, 'emit store');
    const r = bilevel(false, ...SWEEP, '--executor', 'slurm', '--emit-only', '--max-concurrent', '3', '--sbatch-arg', '--partition=gpu', '--sbatch-arg=--gres=gpu:1', '--node', '/opt/node/bin/node', '--cli', '/opt/bilevel/dist/cli.js', '--store', store);
    assert.equal(r.code, 0, r.stderr);
    const { sweeps } = new SweepStore(store).list();
    assert.equal(sweeps.length, 1);
    const record = sweeps[0]!.record;
    const dir = new SweepStore(store).dirOf(record.id);
    const script = path.join(dir, 'sweep.sbatch');
    assert.equal(r.stdout, `sbatch --parsable '${script}'\n`);
    const text = readFileSync(script, 'utf8');
    assert.match(text, /^#SBATCH --array=0-3%3$/m);
    assert.match(text, /^#SBATCH --partition=gpu\n#SBATCH --gres=gpu:1$/m);
    assert.ok(text.includes(`exec /opt/node/bin/node /opt/bilevel/dist/cli.js run --spec '${path.join(dir, 'runs.jsonl')}' --index "$SLURM_ARRAY_TASK_ID" --store '${store}' --backend cpu --json`), text);
    assert.equal(readFileSync(path.join(dir, 'runs.jsonl'), 'utf8').split('\n').length, 5);
    assert.deepEqual(record.executions?.map((e) => [e.kind, e.jobId, e.indices]), [['slurm', undefined, [0, 1, 2, 3]]]);
  });

  void it('submits with sbatch --parsable, records the job id, and status and cancel ask scontrol and scancel', () => {
    const store = path.join(cwd, 'submitted');
    const r = bilevel(true, ...SWEEP, '--executor', 'slurm', '--max-concurrent', '2', '--store', store);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '4242\n', 'the job id, without the cluster name');
    const record = new SweepStore(store).list().sweeps[0]!.record;
    assert.deepEqual(record.executions?.map((e) => [e.kind, e.jobId, e.indices]), [['slurm', '4242', [0, 1, 2, 3]]]);
    const script = path.join(new SweepStore(store).dirOf(record.id), 'sweep.sbatch');
    assert.match(readFileSync(log, 'utf8'), new RegExp(`^sbatch --parsable ${script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));

    const status = bilevel(true, 'sweep', 'status', record.id, '--store', store);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /: queued, 0 of 4 done/, 'a job with live tasks and no run record yet: queued, not failed');
    assert.match(status.stdout, /SLURM job 4242: 3 PENDING \(JobArrayTaskLimit\), 1 RUNNING/);
    assert.match(status.stdout, /^ {4}RUNNING 0 · PENDING 1-3$/m);
    const json = JSON.parse(bilevel(true, 'sweep', 'status', record.id, '--json', '--store', store).stdout) as { slurm: unknown };
    assert.deepEqual(json.slurm, [
      {
        jobId: '4242',
        indices: [0, 1, 2, 3],
        gone: false,
        source: 'scontrol',
        tasks: [
          { index: 0, state: 'RUNNING', node: 'node7' },
          { index: 1, state: 'PENDING', reason: 'JobArrayTaskLimit' },
          { index: 2, state: 'PENDING', reason: 'JobArrayTaskLimit' },
          { index: 3, state: 'PENDING', reason: 'JobArrayTaskLimit' },
        ],
      },
    ]);

    const cancel = bilevel(true, 'sweep', 'cancel', record.id, '--store', store);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, /scancel 4242: 4 array tasks of sweep .* cancelled \(1 running\)/);
    assert.match(readFileSync(log, 'utf8'), /^scancel 4242$/m);
  });

  void it('a sweep cancelled before any task started reads cancelled in status and list, its runs too, and resumes them all', () => {
    const store = path.join(cwd, 'cancelled early');
    assert.equal(bilevel(true, ...SWEEP, '--executor', 'slurm', '--store', store).code, 0);
    const sweeps = new SweepStore(store);
    const record = sweeps.list().sweeps[0]!.record;
    const cancel = bilevel(true, 'sweep', 'cancel', record.id, '--store', store, '--json');
    assert.equal(cancel.code, 0, cancel.stderr);
    const cancelledAt = (JSON.parse(cancel.stdout) as { cancelledAt?: string }).cancelledAt;
    assert.match(cancelledAt ?? '', /^\d{4}-\d\d-\d\dT/, 'the cancel is recorded');
    assert.equal(sweeps.readCancel(record.id)?.cancelledAt, cancelledAt);
    // scontrol (the fake) still lists the tasks as pending and running, as it may for a moment after
    // scancel; no run has a record. The recorded cancel wins.
    const status = bilevel(true, 'sweep', 'status', record.id, '--store', store);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /: cancelled, 4 of 4 done \(4 cancelled\)/);
    assert.match(status.stdout, new RegExp(`cancelled at ${cancelledAt} \\(bilevel sweep cancel\\): runs that had not started will not; rerun them with bilevel sweep --resume ${record.id} --executor slurm`));
    assert.equal((status.stdout.match(/ cancelled$/gm) ?? []).length, 4, 'each run not started is listed as cancelled');
    const json = JSON.parse(bilevel(true, 'sweep', 'status', record.id, '--json', '--store', store).stdout) as { status: string; cancelledAt: string; counts: Record<string, number>; notCompleted: { status: string }[] };
    assert.equal(json.status, 'cancelled');
    assert.equal(json.cancelledAt, cancelledAt);
    assert.equal(json.counts['cancelled'], 4);
    assert.equal(json.counts['notStarted'], 0);
    assert.deepEqual(json.notCompleted.map((r) => r.status), ['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    const list = JSON.parse(bilevel(true, 'sweep', 'list', '--json', '--store', store).stdout) as { sweeps: { status: string }[] };
    assert.deepEqual(list.sweeps.map((s) => s.status), ['cancelled']);
    // Once SLURM has let the tasks go, it still reads cancelled (the record says so, as SLURM does for a while).
    fake('scontrol', 'JobId=4242 ArrayJobId=4242 ArrayTaskId=0-3 JobName=x UserId=root(0) JobState=CANCELLED Reason=None NodeList=');
    try {
      assert.match(bilevel(true, 'sweep', 'status', record.id, '--store', store).stdout, /: cancelled, 4 of 4 done \(4 cancelled\)/);
      // --resume submits every index again as a new execution (a new job, which SLURM does not list as
      // cancelled), which the cancel does not cover.
      fake('sbatch', '4343;cluster-a');
      const resumed = bilevel(true, 'sweep', '--resume', record.id, '--executor', 'slurm', '--store', store);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(sweeps.read(record.id).executions?.map((e) => e.indices), [
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ]);
      assert.doesNotMatch(bilevel(true, 'sweep', 'status', record.id, '--store', store).stdout, /: cancelled/);
    } finally {
      fake('scontrol', SCONTROL_LIVE);
      fake('sbatch', '4242;cluster-a');
    }
  });

  void it('a bare scancel (no cancel.json) reads cancelled while SLURM reports the tasks CANCELLED, and only those tasks', () => {
    const store = path.join(cwd, 'bare scancel');
    assert.equal(bilevel(true, ...SWEEP, '--executor', 'slurm', '--store', store).code, 0);
    const sweeps = new SweepStore(store);
    const record = sweeps.list().sweeps[0]!.record;
    try {
      // `scancel 4242` by hand, before any task started: scontrol lists the whole array CANCELLED.
      fake('scontrol', 'JobId=4242 ArrayJobId=4242 ArrayTaskId=0-3 JobName=x UserId=root(0) JobState=CANCELLED Reason=None NodeList=');
      const status = bilevel(true, 'sweep', 'status', record.id, '--store', store);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(sweeps.readCancel(record.id), undefined, 'nothing recorded: the status comes from SLURM');
      assert.match(status.stdout, /: cancelled, 4 of 4 done \(4 cancelled\)/);
      assert.match(status.stdout, new RegExp(`SLURM reports array tasks 0-3 cancelled \\(scancel\\) before their runs started; rerun them with bilevel sweep --resume ${record.id} --executor slurm`));
      assert.equal((status.stdout.match(/ cancelled$/gm) ?? []).length, 4, 'each run not started is listed as cancelled');
      const json = JSON.parse(bilevel(true, 'sweep', 'status', record.id, '--json', '--store', store).stdout) as { status: string; counts: Record<string, number>; cancelledBySlurm?: number[]; cancelledAt?: string };
      assert.equal(json.status, 'cancelled');
      assert.deepEqual(json.cancelledBySlurm, [0, 1, 2, 3]);
      assert.equal(json.cancelledAt, undefined);
      assert.equal(json.counts['notStarted'], 0);
      // `scancel 4242_1` of one pending task: the others still run or wait.
      fake('scontrol', [
        'JobId=4243 ArrayJobId=4242 ArrayTaskId=0 JobName=x UserId=root(0) JobState=RUNNING Reason=None NodeList=node7',
        'JobId=4244 ArrayJobId=4242 ArrayTaskId=1 JobName=x UserId=root(0) JobState=CANCELLED Reason=None NodeList=',
        'JobId=4242 ArrayJobId=4242 ArrayTaskId=2-3%2 JobName=x UserId=root(0) JobState=PENDING Reason=JobArrayTaskLimit NodeList=',
      ].join('\n'));
      const some = JSON.parse(bilevel(true, 'sweep', 'status', record.id, '--json', '--store', store).stdout) as { status: string; counts: Record<string, number>; cancelledBySlurm?: number[] };
      assert.equal(some.status, 'running');
      assert.deepEqual([some.counts['cancelled'], some.counts['notStarted']], [1, 3]);
      assert.deepEqual(some.cancelledBySlurm, [1]);
      // Without SLURM's word (the job as scontrol first listed it) nothing reads cancelled.
      fake('scontrol', SCONTROL_LIVE);
      const live = JSON.parse(bilevel(true, 'sweep', 'status', record.id, '--json', '--store', store).stdout) as { status: string; counts: Record<string, number>; cancelledBySlurm?: number[] };
      assert.deepEqual([live.status, live.counts['cancelled'], live.cancelledBySlurm], ['queued', 0, undefined]);
    } finally {
      fake('scontrol', SCONTROL_LIVE);
    }
  });

  void it('--index picks the line an array task runs, and says what an empty $SLURM_ARRAY_TASK_ID means', () => {
    const record = new SweepStore(path.join(cwd, 'emit store')).list().sweeps[0]!.record;
    const jsonl = new SweepStore(path.join(cwd, 'emit store')).runsJsonlOf(record.id);
    const { line, spec } = readRunsJsonlLine(jsonl, '2');
    assert.deepEqual(line.sweep, { id: record.id, index: 2 });
    assert.equal(line.runId, record.runs[2]!.runId);
    assert.equal(spec.options.seed, 2);
    assert.throws(() => readRunsJsonlLine(jsonl, ''), /--index is empty.*SLURM_ARRAY_TASK_ID.*sbatch/);
    assert.throws(() => readRunsJsonlLine(jsonl, '4'), /--index 4: .* has 4 runs; give a whole number from 0 to 3/);
    assert.throws(() => readRunsJsonlLine(jsonl, '1x'), /--index 1x/);
  });

  void it('takes the value after --sbatch-arg as it is, even when it starts with --', () => {
    const args = parseArgs(['sweep', '--sbatch-arg', '--time=1:00:00', '--sbatch-arg', '--gres=gpu:1', '--wait'], new Set(['wait']));
    assert.deepEqual(args.repeated.get('sbatch-arg'), ['--time=1:00:00', '--gres=gpu:1']);
    assert.equal(args.flags.get('wait'), '');
    assert.throws(() => parseArgs(['sweep', '--name', '--wait'], new Set(['wait'])), /--name needs a value/, 'other flags still refuse a --word value');
  });
});
