// A SLURM sweep after the controller forgot its job (MinJobAge): `scontrol` answers "Invalid job id"
// and SLURM's accounting (`sacct`) is what still knows the tasks. Fake sbatch, scontrol and sacct
// scripts on PATH print what SLURM 22.05 prints and log their argv (as sweepSlurmFlags.test.ts).
// A bare `scancel` whose tasks sacct reports CANCELLED reads cancelled in sweep status, sweep list and
// the report alike; with accounting disabled, or no sacct, SLURM cannot say and they read failed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSweepReportInput } from '../../../src/cli/commands/sweepReport';
import { SweepStore } from '../../../src/store/sweepStore';
import { assertCliBuilt, BILEVEL_BIN } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

let cwd = '';
let fakeBin = '';
let log = '';

function bilevel(...args: string[]): CliResult {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BILEVEL_BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH: fakeBin, FAKE_SLURM_LOG: log } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** A fake command: logs `name argv…`, prints `stdout` and `stderr`, exits `code`. */
function fake(name: string, stdout: string, stderr = '', code = 0): void {
  const file = path.join(fakeBin, name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "$FAKE_SLURM_LOG"\n/bin/cat <<'EOF'\n${stdout}\nEOF\n/bin/cat >&2 <<'EOF'\n${stderr}\nEOF\nexit ${code}\n`);
  chmodSync(file, 0o755);
}

/** What scontrol says of a job it no longer holds (SLURM 22.05). */
function scontrolForgot(): void {
  fake('scontrol', '', 'slurm_load_jobs error: Invalid job id specified', 1);
}

/** The report's statuses as readSweepReportInput derives them in this process, with PATH on the fakes. */
function reportOf(store: string, id: string): { status: string; runs: string[] } {
  const saved = { PATH: process.env.PATH, FAKE_SLURM_LOG: process.env.FAKE_SLURM_LOG };
  process.env.PATH = fakeBin;
  process.env.FAKE_SLURM_LOG = log;
  try {
    const input = readSweepReportInput(store, id);
    return { status: input.status, runs: input.runs.map((r) => r.status) };
  } finally {
    process.env.PATH = saved.PATH;
    process.env.FAKE_SLURM_LOG = saved.FAKE_SLURM_LOG;
  }
}

const SWEEP = ['sweep', '--problem', 'toy-quadratic', '--methods', 'rhg', '--seeds', '0-3', '--iterations', '2', '--backend', 'cpu', '--executor', 'slurm'];

void describe('a SLURM sweep after scontrol forgot its job', () => {
  let store = '';
  let id = '';
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-sacct-'));
    fakeBin = path.join(cwd, 'fake bin');
    mkdirSync(fakeBin);
    log = path.join(cwd, 'slurm.log');
    fake('sbatch', '4242;cluster-a');
    scontrolForgot();
    store = path.join(cwd, 'runs');
    const r = bilevel(...SWEEP, '--store', store);
    assert.equal(r.code, 0, r.stderr);
    id = new SweepStore(store).list().sweeps[0]!.record.id;
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  void it('reads sacct\'s CANCELLED (a bare scancel): cancelled in status, list and the report', () => {
    // `scancel 4242` by hand before any task started, long ago: only the accounting remembers it.
    fake('sacct', '4242_[0-3]|CANCELLED by 1000');
    writeFileSync(log, '');
    const status = bilevel('sweep', 'status', id, '--store', store);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /: cancelled, 4 of 4 done \(4 cancelled\)/);
    assert.match(status.stdout, /SLURM reports array tasks 0-3 cancelled \(scancel\) before their runs started/);
    assert.match(status.stdout, /SLURM job 4242: no longer in the queue; its accounting \(sacct\): 4 CANCELLED/);
    assert.match(readFileSync(log, 'utf8'), /^scontrol -o show job 4242\nsacct -n -P -X -j 4242 --format=JobID,State$/m, 'sacct is asked once scontrol forgot the job');
    const json = JSON.parse(bilevel('sweep', 'status', id, '--json', '--store', store).stdout) as { status: string; cancelledBySlurm?: number[]; slurm: { gone: boolean; source: string; tasks: { state: string }[] }[] };
    assert.equal(json.status, 'cancelled');
    assert.deepEqual(json.cancelledBySlurm, [0, 1, 2, 3]);
    assert.deepEqual([json.slurm[0]!.gone, json.slurm[0]!.source, json.slurm[0]!.tasks.map((t) => t.state)], [true, 'sacct', ['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']]);
    const list = bilevel('sweep', 'list', '--json', '--store', store);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as { sweeps: { status: string; counts: Record<string, number> }[] }).sweeps.map((s) => [s.status, s.counts['cancelled']]), [['cancelled', 4]]);
    assert.match(bilevel('sweep', 'list', '--store', store).stdout, new RegExp(`${id} +cancelled +4 of 4`));
    assert.deepEqual(reportOf(store, id), { status: 'cancelled', runs: ['cancelled', 'cancelled', 'cancelled', 'cancelled'] });
    const html = bilevel('sweep', 'status', id, '--store', store, '--report', 'r.html');
    assert.equal(html.code, 0, html.stderr);
    assert.ok(readFileSync(path.join(cwd, 'r.html'), 'utf8').includes('<tr><th>status</th><td><span class="status-cancelled">cancelled</span></td></tr>'), 'the page of sweep status --report');
  });

  void it('reads only the tasks sacct reports cancelled, each with its own state', () => {
    // scancel 4242_1 and 4242_3 while 0 and 2 failed to start a run (no record): 2 cancelled, 2 not started.
    fake('sacct', ['4242_0|FAILED', '4242_1|CANCELLED by 0', '4242_2|NODE_FAIL', '4242_3|CANCELLED by 0'].join('\n'));
    const json = JSON.parse(bilevel('sweep', 'status', id, '--json', '--store', store).stdout) as { status: string; counts: Record<string, number>; cancelledBySlurm?: number[] };
    assert.deepEqual([json.status, json.counts['cancelled'], json.counts['notStarted'], json.cancelledBySlurm], ['cancelled', 2, 2, [1, 3]]);
    const list = JSON.parse(bilevel('sweep', 'list', '--json', '--store', store).stdout) as { sweeps: { counts: Record<string, number> }[] };
    assert.deepEqual(list.sweeps.map((s) => [s.counts['cancelled'], s.counts['notStarted']]), [[2, 2]]);
    assert.deepEqual(reportOf(store, id).runs, ['not started', 'cancelled', 'not started', 'cancelled']);
  });

  void it('with accounting disabled, or no sacct, SLURM cannot say: the runs read not started and the sweep failed, without a crash', () => {
    fake('sacct', '', 'sacct: error: Slurm accounting storage is disabled', 1);
    for (const round of ['disabled', 'missing']) {
      if (round === 'missing') rmSync(path.join(fakeBin, 'sacct'));
      const status = bilevel('sweep', 'status', id, '--store', store);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /: failed, 0 of 4 done \(4 not started\)/, round);
      assert.match(status.stdout, /SLURM job 4242: no longer in the queue$/m, round);
      assert.doesNotMatch(status.stdout, /SLURM reports/, round);
      const list = bilevel('sweep', 'list', '--json', '--store', store);
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual((JSON.parse(list.stdout) as { sweeps: { status: string }[] }).sweeps.map((s) => s.status), ['failed'], round);
      assert.deepEqual(reportOf(store, id), { status: 'failed', runs: ['not started', 'not started', 'not started', 'not started'] }, round);
    }
  });

  void it('sweep list asks SLURM only of sweeps it may change: not of one whose runs all have a record', () => {
    const settled = path.join(cwd, 'settled');
    fake('sbatch', '5151;cluster-a');
    fake('sacct', '5151_[0-1]|CANCELLED by 0');
    try {
      assert.equal(bilevel('sweep', '--problem', 'toy-quadratic', '--methods', 'rhg', '--seeds', '0-1', '--iterations', '2', '--backend', 'cpu', '--executor', 'slurm', '--store', settled).code, 0);
      const sweeps = new SweepStore(settled);
      const record = sweeps.list().sweeps[0]!.record;
      // Run both indices as the array tasks would: every run has its record.
      for (const index of ['0', '1']) {
        const r = bilevel('run', '--spec', sweeps.runsJsonlOf(record.id), '--index', index, '--store', settled, '--backend', 'cpu', '--json');
        assert.equal(r.code, 0, r.stderr);
      }
      writeFileSync(log, '');
      const list = JSON.parse(bilevel('sweep', 'list', '--json', '--store', settled).stdout) as { sweeps: { status: string }[] };
      assert.deepEqual(list.sweeps.map((s) => s.status), ['completed']);
      assert.equal(readFileSync(log, 'utf8'), '', 'no scontrol, squeue or sacct for a settled sweep');
      // sweep status still shows the job (and says the same).
      const status = bilevel('sweep', 'status', record.id, '--store', settled);
      assert.match(status.stdout, /: completed, 2 of 2 done/);
      assert.match(readFileSync(log, 'utf8'), /^scontrol -o show job 5151$/m);
    } finally {
      fake('sbatch', '4242;cluster-a');
    }
  });
});
