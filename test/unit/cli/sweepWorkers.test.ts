// `bilevel sweep`'s worker processes through the built CLI: by default each lane's worker
// (`bilevel run --spec runs.jsonl --serve`) runs many runs in one process with the same results as a
// process per run (`--workers per-run`); a worker killed mid-run ends that run `interrupted` and the
// pool goes on with a fresh worker; `bilevel sweep status` and `sweep list` while a sweep runs and
// after it was stopped; problem parameters on the grid (`--set n=1,2`) and fixed (`--start random`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunRecord } from '../../../src/protocol/runRecord';
import { RunStore } from '../../../src/store/runStore';
import { SweepStore } from '../../../src/store/sweepStore';
import { assertCliBuilt, BILEVEL_BIN, runBilevel } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';
import { until } from '../helpers/until';

let cwd = '';

function bilevel(...args: string[]): CliResult {
  return runBilevel(cwd, ...args);
}

interface SweepJson {
  readonly sweep: string;
  readonly runs: readonly { runId: string; index: number; status: string }[];
  readonly groups: readonly { key: string; n: number }[];
}

/** `bilevel ...args` started in `cwd`, its stdout collected; `exited` resolves with its exit code. */
function startBilevel(...args: string[]): { child: ChildProcess; exited: Promise<number | null>; stdout: () => string } {
  const child = spawn(process.execPath, [BILEVEL_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.resume();
  return { child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), stdout: () => out };
}

/** The id of the one sweep in `store`, once its record exists. */
async function sweepIdIn(store: string): Promise<string> {
  const dir = path.join(store, '.sweeps');
  await until(() => existsSync(dir) && readdirSync(dir).some((id) => existsSync(path.join(dir, id, 'sweep.json'))), 30_000, 'the sweep record');
  return readdirSync(dir)[0]!;
}

/** Run i of the sweep's record, as the store reads it (undefined before its record exists). */
function runOf(store: string, id: string, i: number): RunRecord | undefined {
  const runId = new SweepStore(store).read(id).runs[i]!.runId;
  try {
    return new RunStore(store).read(runId);
  } catch {
    return undefined;
  }
}

void describe('bilevel sweep worker processes', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-sweep-workers-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  void it('runs a lane\'s runs in one worker process, each its own record, with the results of a process per run', () => {
    const common = ['sweep', '--problem', 'toy-ufom', '--start', 'random', '--methods', 'ufom', '--seeds', '0-3', '--iterations', '10', '--backend', 'cpu', '--jobs', '1', '--json'];
    const reuse = bilevel(...common, '--store', 'reuse');
    assert.equal(reuse.code, 0, reuse.stderr);
    const perRun = bilevel(...common, '--store', 'per-run', '--workers', 'per-run');
    assert.equal(perRun.code, 0, perRun.stderr);
    const records = (store: string, out: SweepJson): RunRecord[] => out.runs.map((r) => new RunStore(path.join(cwd, store)).read(r.runId));
    const shared = records('reuse', JSON.parse(reuse.stdout) as SweepJson);
    const alone = records('per-run', JSON.parse(perRun.stdout) as SweepJson);
    assert.equal(new Set(shared.map((r) => r.pid)).size, 1, 'one worker ran all four runs');
    assert.equal(new Set(alone.map((r) => r.pid)).size, 4, 'a process per run');
    assert.deepEqual(
      shared.map((r) => [r.status, r.config.seed, r.config.sweep?.index]),
      [0, 1, 2, 3].map((i) => ['completed', i, i]),
    );
    // Same seed, same random start and coin: the same final θ bit for bit, whatever process ran it.
    const theta = (rs: RunRecord[]): number[] => rs.map((r) => r.summary!.x.theta![0]!);
    assert.deepEqual(theta(shared), theta(alone));
    assert.equal(new Set(theta(shared)).size, 4, 'the seeds differ');
    const bad = bilevel('sweep', '--problem', 'toy-ufom', '--methods', 'ufom', '--workers', 'many', '--dry-run');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--workers takes reuse or per-run .*got 'many'/);
  });

  void it('a worker killed mid-run ends that run interrupted, says so, and the pool goes on with a fresh worker', async () => {
    const store = path.join(cwd, 'killed-worker');
    // Run 0 is long (killed), runs 1 and 2 short.
    const sweep = startBilevel('sweep', '--problem', 'toy-ufom', '--methods', 'fom', '--set', 'iterations=100000,5,6', '--seeds', '0', '--backend', 'cpu', '--jobs', '1', '--store', store);
    const id = await sweepIdIn(store);
    await until(() => {
      const run = runOf(store, id, 0);
      return run !== undefined && new RunStore(store).readMetrics(run.id).length > 0;
    }, 60_000, 'run 0 to write metrics');
    const workerPid = runOf(store, id, 0)!.pid;
    assert.notEqual(workerPid, sweep.child.pid, 'the run is in a worker, not in the sweep process');
    process.kill(workerPid, 'SIGKILL');
    assert.equal(await sweep.exited, 1, 'a run did not complete');
    assert.match(sweep.stdout(), /fom iterations=100000 seed 0 \(run \S+\): interrupted — its worker process ended by SIGKILL during the run/);
    assert.deepEqual([0, 1, 2].map((i) => runOf(store, id, i)?.status), ['interrupted', 'completed', 'completed']);
    const fresh = runOf(store, id, 1)!.pid;
    assert.notEqual(fresh, workerPid, 'a fresh worker ran the rest');
    assert.equal(runOf(store, id, 2)!.pid, fresh, 'and kept running them');
  });

  void it('sweep status: n of N done while it runs; after Ctrl-C the cancelled run with its message and the groups so far', async () => {
    const store = path.join(cwd, 'status');
    const sweep = startBilevel('sweep', '--problem', 'toy-ufom', '--methods', 'fom', '--set', 'iterations=4,100000,5', '--seeds', '0', '--backend', 'cpu', '--jobs', '1', '--store', store, '--name', 'watched');
    const id = await sweepIdIn(store);
    await until(() => runOf(store, id, 1)?.status === 'running', 60_000, 'run 1 to be running');
    const live = bilevel('sweep', 'status', id, '--store', store, '--json');
    assert.equal(live.code, 0, live.stderr);
    const during = JSON.parse(live.stdout) as { status: string; total: number; finished: number; counts: Record<string, number>; name: string; groups: { key: string; n: number }[] };
    assert.deepEqual([during.status, during.name, during.finished, during.total], ['running', 'watched', 1, 3]);
    assert.deepEqual([during.counts.completed, during.counts.running, during.counts.notStarted], [1, 1, 1]);
    assert.deepEqual(during.groups.map((g) => g.key), ['fom iterations=4', 'fom iterations=100000', 'fom iterations=5']);
    const text = bilevel('sweep', 'status', id, '--store', store);
    assert.match(text.stdout, new RegExp(`^sweep ${id} \\(watched\\): running, 1 of 3 done \\(1 not started, 1 running, 1 completed\\)$`, 'm'));
    assert.match(text.stdout, /^fom iterations=4 {2}\(1 runs, seeds 0\)$/m, 'the finished group has its table');
    sweep.child.kill('SIGINT');
    assert.equal(await sweep.exited, 130);
    const stopped = JSON.parse(bilevel('sweep', 'status', id, '--store', store, '--json').stdout) as { status: string; finished: number; notCompleted: { index: number; status: string; message?: string }[] };
    assert.equal(stopped.status, 'cancelled');
    assert.equal(stopped.finished, 2);
    assert.equal(stopped.notCompleted.length, 1);
    assert.deepEqual([stopped.notCompleted[0]!.index, stopped.notCompleted[0]!.status], [1, 'cancelled']);
    assert.match(stopped.notCompleted[0]!.message ?? '', /SIGTERM/);
    assert.equal(runOf(store, id, 2), undefined, 'the run after the stop never started');
    const after = bilevel('sweep', 'status', id, '--store', store);
    assert.match(after.stdout, /2 of 3 done \(1 not started, 1 completed, 1 cancelled\)/);
    assert.match(after.stdout, /^not completed:\n {2}fom iterations=100000 seed 0 \(run \S+\): cancelled — .*SIGTERM/m);
    const list = bilevel('sweep', 'list', '--store', store);
    assert.match(list.stdout, new RegExp(`^${id} +watched +cancelled +2 of 3 `, 'm'));
    const unknown = bilevel('sweep', 'status', '20261206-000000-sweep-nothing-0000', '--store', store);
    assert.equal(unknown.code, 2);
    assert.ok(unknown.stderr.includes(`no sweep '20261206-000000-sweep-nothing-0000' in ${store}; its sweeps: ${id}`), unknown.stderr);
    assert.match(bilevel('sweep', 'status', '--store', store).stderr, /sweep status needs a sweep id/);
  });

  void it('sweeps a problem parameter (--set n=1,2) and keeps a fixed one (--start random) in every run', () => {
    const args = ['sweep', '--problem', 'toy-nonsingleton', '--methods', 'rhg', '--set', 'n=1,2', '--start', 'random', '--seeds', '0', '--iterations', '3', '--backend', 'cpu', '--jobs', '2'];
    const dry = bilevel(...args, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^2 runs of toy-nonsingleton \(.*--start random\)$/m, 'the fixed parameters in the header');
    assert.doesNotMatch(dry.stdout.split('\n')[0]!, /--n /, 'the swept one is not fixed');
    assert.match(dry.stdout, /^1 +rhg +0 +iterations=3 n=2/m);
    const r = bilevel(...args, '--store', 'params', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as SweepJson;
    assert.deepEqual(out.groups.map((g) => [g.key, g.n]), [
      ['rhg n=1', 1],
      ['rhg n=2', 1],
    ]);
    const records = out.runs.map((x) => new RunStore(path.join(cwd, 'params')).read(x.runId));
    assert.deepEqual(records.map((x) => [x.config.problemParams?.n, x.config.problemParams?.start]), [
      [1, 'random'],
      [2, 'random'],
    ]);
    // n is the problem's size: its upper variable has n entries.
    assert.deepEqual(records.map((x) => Object.values(x.summary!.x).flat().length), [1, 2]);
    const both = bilevel('sweep', '--problem', 'toy-nonsingleton', '--methods', 'rhg', '--set', 'n=1,2', '--n', '3', '--dry-run');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--n is given and also swept/);
  });

  void it('run --serve is only for a sweep\'s pool (it needs the IPC channel)', () => {
    const r = bilevel('run', '--spec', 'x/runs.jsonl', '--serve', '--backend', 'cpu');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--serve is how `bilevel sweep` runs its runs in worker processes/);
  });
});
