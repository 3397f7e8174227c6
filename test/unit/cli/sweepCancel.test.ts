// `bilevel sweep cancel ID` for a sweep run here: SIGTERM to the recorded pool when it is a `bilevel
// sweep` process on this host (its running run ends cancelled, the next never starts, and the cancel
// is recorded so that one reads cancelled too), and never a
// signal to a recorded pid that is some other program (a sweep made in VS Code records the extension
// host's pid): that one is told how to stop, exit 1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SweepRecord } from '../../../src/protocol/sweep';
import { SweepStore } from '../../../src/store/sweepStore';
import { assertCliBuilt, BILEVEL_BIN, runBilevel } from '../helpers/bilevelCli';
import { until } from '../helpers/until';

let cwd = '';

void describe('bilevel sweep cancel (local)', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-sweep-cancel-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  void it('sends SIGTERM to a live pool of this host: its run ends cancelled, the next never starts', async () => {
    const store = path.join(cwd, 'live');
    const pool = spawn(process.execPath, [BILEVEL_BIN, 'sweep', '--problem', 'toy-quadratic', '--methods', 'rhg', '--seeds', '0-1', '--iterations', '5000', '--backend', 'cpu', '--jobs', '1', '--store', store], { cwd, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => pool.on('exit', (code) => resolve(code)));
    const sweeps = new SweepStore(store);
    let record: SweepRecord | undefined;
    await until(() => {
      record = sweeps.list().sweeps[0]?.record;
      return record !== undefined && sweeps.states(record)[0] === 'running';
    }, 60_000, 'the first run to be running');
    assert.equal(record!.executions?.[0]?.pid, pool.pid);
    const r = runBilevel(cwd, 'sweep', 'cancel', record!.id, '--store', store);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`sent SIGTERM to the pool of sweep ${record!.id} \\(pid ${pool.pid}\\)`));
    assert.equal(await exited, 143, 'the pool exits 128 + SIGTERM');
    assert.deepEqual(sweeps.states(record!), ['cancelled', undefined]);
    // The cancel is recorded, so the run that never started reads cancelled too, not "not started".
    assert.notEqual(sweeps.readCancel(record!.id), undefined);
    assert.deepEqual(sweeps.entry(record!).states, ['cancelled', 'cancelled']);
    assert.equal(sweeps.entry(record!).progress.status, 'cancelled');
    assert.match(runBilevel(cwd, 'sweep', 'cancel', record!.id, '--store', store).stdout, /nothing runs it any more/);
  });

  void it('does not signal a recorded pid that is not a bilevel sweep process, and says how to stop it', () => {
    const store = path.join(cwd, 'foreign');
    const made = runBilevel(cwd, 'sweep', '--problem', 'toy-quadratic', '--methods', 'rhg', '--seeds', '0', '--iterations', '2', '--backend', 'cpu', '--jobs', '1', '--store', store, '--json');
    assert.equal(made.code, 0, made.stderr);
    const sweeps = new SweepStore(store);
    const record = sweeps.list().sweeps[0]!.record;
    // This test process stands for VS Code's extension host: alive, on this host, not `bilevel sweep`.
    sweeps.writeRecord({ ...record, executions: [{ kind: 'local', startedAt: record.createdAt, indices: [0], pid: process.pid, hostname: os.hostname() }] });
    const r = runBilevel(cwd, 'sweep', 'cancel', record.id, '--store', store);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`runs in process ${process.pid} .*not a bilevel sweep command: if VS Code runs it, cancel it from the sweep's node`));
    sweeps.writeRecord({ ...record, executions: [{ kind: 'local', startedAt: record.createdAt, indices: [0], pid: 12345, hostname: 'elsewhere' }] });
    const other = runBilevel(cwd, 'sweep', 'cancel', record.id, '--store', store, '--json');
    assert.equal(other.code, 1);
    assert.deepEqual((JSON.parse(other.stdout) as { actions: { action: string; pid: number; hostname: string }[] }).actions.map((a) => [a.action, a.pid, a.hostname]), [['manual', 12345, 'elsewhere']]);
  });
});
