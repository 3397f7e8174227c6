// A real race between a user's edits and the run's writer: a child process renames and annotates a
// run as fast as it can while this process finishes that run. Neither may lose the other's write:
// the run ends `completed` with its summary, and the name and note are the child's last ones. The
// child is this same bundled file started with BILEVEL_EDIT_RACE_CHILD set (see the bottom).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import type { RunSummary } from '../../../src/protocol/metrics';
import type { RunConfig } from '../../../src/protocol/runRecord';
import { RunStore } from '../../../src/store/runStore';

const CONFIG: RunConfig = { problem: 'toy-quadratic', problemParams: { n: 4 }, method: 'rhg', methodOptions: { K: 10 }, iterations: 5, seed: 0, backend: 'auto' };
const SUMMARY: RunSummary = { iterations: 5, x: { x: [1, 2] }, y: { y: [3] }, msPerIteration: 1, peakTensors: 2, peakBytes: 8 };
const ROUNDS = 25;

if (process.env.BILEVEL_EDIT_RACE_CHILD === undefined) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bilevel-edit-race-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  void describe('RunStore.update against RunWriter.finish', () => {
    void it(`loses nothing when many edits race the finish (${ROUNDS} runs, edits from another process)`, async () => {
      const store = new RunStore(path.join(tmp, '.bilevel', 'runs'));
      const env: NodeJS.ProcessEnv = { ...process.env, BILEVEL_EDIT_RACE_CHILD: store.root };
      // The child must not think it is a node:test worker.
      delete env.NODE_TEST_CONTEXT;
      const child = spawn(process.execPath, [__filename], { env, stdio: ['pipe', 'pipe', 'inherit'] });
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const nextLine = async (): Promise<string> => {
        const { value, done } = await lines.next();
        if (done) throw new Error('the child exited early');
        return value as string;
      };
      const lost: string[] = [];
      let edits = 0;
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const writer = store.create(CONFIG, { versions: {}, name: 'at create' });
          child.stdin.write(`edit ${writer.id}\n`);
          assert.equal(await nextLine(), `editing ${writer.id}`);
          // Let the edits run, finish in their midst, let them run on a little.
          await new Promise((resolve) => setTimeout(resolve, 5 + (round % 5)));
          writer.finish('completed', SUMMARY);
          await new Promise((resolve) => setTimeout(resolve, 3));
          child.stdin.write('stop\n');
          const last = Number(/^last (\d+)$/.exec(await nextLine())?.[1]);
          edits += last + 1;
          const record = store.read(writer.id);
          if (record.status !== 'completed' || record.summary?.iterations !== 5) lost.push(`${writer.id}: the finish was lost (status ${record.status})`);
          if (record.name !== `name ${last}` || record.note !== `note ${last}`) lost.push(`${writer.id}: the last edit was lost (${record.name}, ${record.note}; expected ${last})`);
          assert.deepEqual(readdirSync(writer.dir).filter((f) => f.endsWith('.tmp')), []);
        }
      } finally {
        child.stdin.end();
      }
      assert.deepEqual(lost, []);
      assert.ok(edits > ROUNDS * 5, `only ${edits} edits raced ${ROUNDS} finishes`);
    });
  });
} else {
  // Child mode: on `edit <id>`, rename and annotate that run in a loop (yielding so stdin is read)
  // until `stop`, then print the number of the last edit.
  const store = new RunStore(process.env.BILEVEL_EDIT_RACE_CHILD);
  let current: { id: string; i: number; stopped: boolean } | undefined;
  const loop = (job: { id: string; i: number; stopped: boolean }): void => {
    if (job.stopped) return;
    for (let k = 0; k < 5; k++) {
      job.i++;
      store.update(job.id, { name: `name ${job.i}`, note: `note ${job.i}` });
    }
    setImmediate(() => loop(job));
  };
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.startsWith('edit ')) {
      current = { id: line.slice(5), i: -1, stopped: false };
      process.stdout.write(`editing ${current.id}\n`);
      loop(current);
    } else if (line === 'stop' && current) {
      current.stopped = true;
      process.stdout.write(`last ${current.i}\n`);
    }
  });
}
