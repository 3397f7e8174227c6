// The run store in a temp folder. One test kills a child process that is appending metrics; the
// child is this same bundled file started with BILEVEL_RUNSTORE_CHILD set (see the bottom).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { IterationRecord, RunSummary } from '../../../src/protocol/metrics';
import type { RunConfig, RunRecord } from '../../../src/protocol/runRecord';
import { parseRecord, stringifyRecord } from '../../../src/store/recordJson';
import { makeRunId } from '../../../src/store/runId';
import { processStartTicks } from '../../../src/store/writerToken';
import { META_FILE, METRICS_FILE, RESERVE_FILE, RUN_FILE, RunStore, type RunStoreProblem } from '../../../src/store/runStore';

const CONFIG: RunConfig = {
  problem: 'toy-quadratic',
  problemParams: { n: 4 },
  method: 'rhg',
  methodOptions: { K: 10 },
  iterations: 5,
  seed: 0,
  backend: 'auto',
};
const VERSIONS = { 'bilevel-lab': '0.1.0', node: process.version };

function iteration(t: number, upperLoss = 1 / (t + 1)): IterationRecord {
  return {
    iteration: t,
    upperLoss,
    lowerLoss: 0.5,
    hypergradNorm: 0.1,
    lowerStationarity: 1e-6,
    forwardMs: 1,
    backwardMs: 2,
    gradientEvals: 10 * (t + 1),
    hvpEvals: 0,
    numTensors: 12,
    numBytes: 480,
    stats: { 'cg.residual': [0.5, 0.25], note: 'ok' },
  };
}

/** A pid that surely belongs to no process: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

if (process.env.BILEVEL_RUNSTORE_CHILD === undefined) {
  const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'bilevel-runstore-'));
  after(() => rmSync(tmpRoot, { recursive: true, force: true }));
  let n = 0;
  /** A fresh, empty runs folder for one test. */
  const freshStore = (): RunStore => new RunStore(path.join(tmpRoot, `case${n++}`, '.bilevel', 'runs'));

  void describe('run ids', () => {
    void it('start with the UTC time and name method and problem', () => {
      const id = makeRunId('RHG', 'file.bilevel.ts#Export', new Date('2026-11-22T19:57:01.123Z'));
      assert.match(id, /^20261122-195701-rhg-file-bilevel-ts-export-[0-9a-f]{4}$/);
    });
  });

  void describe('RunStore', () => {
    void it('creates, appends, finishes and reads back a run', () => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS, name: 'first', backend: { name: 'wasm', detail: 'simd' } });
      assert.match(writer.id, /^\d{8}-\d{6}-rhg-toy-quadratic-[0-9a-f]{4}$/);
      assert.equal(writer.dir, path.join(store.root, writer.id));

      const started = store.read(writer.id);
      assert.equal(started.status, 'running');
      assert.equal(started.pid, process.pid);
      assert.equal(started.name, 'first');
      assert.deepEqual(started.config, CONFIG);
      assert.deepEqual(store.readMetrics(writer.id), []);

      writer.append([iteration(0), iteration(1)]);
      writer.append([]);
      writer.append([iteration(2, Number.NaN), iteration(3, Number.POSITIVE_INFINITY)]);
      const summary: RunSummary = { iterations: 4, last: iteration(3), x: { x: [1, 2] }, y: { y: [3] }, msPerIteration: 3, peakTensors: 12, peakBytes: 480 };
      writer.finish('diverged', summary, 'upper loss became NaN at iteration 2');

      const done = store.read(writer.id);
      assert.equal(done.status, 'diverged');
      assert.equal(done.message, 'upper loss became NaN at iteration 2');
      assert.deepEqual(done.summary, summary);
      assert.equal(done.backend?.name, 'wasm');
      assert.ok(done.endedAt !== undefined && done.durationMs !== undefined && done.durationMs >= 0);
      assert.ok(done.updatedAt >= started.updatedAt);

      const metrics = store.readMetrics(writer.id);
      assert.equal(metrics.length, 4);
      assert.deepEqual(metrics[1], iteration(1));
      // Non-finite numbers survive the round trip (plain JSON would have written null).
      assert.ok(Number.isNaN(metrics[2]?.upperLoss));
      assert.equal(metrics[3]?.upperLoss, Number.POSITIVE_INFINITY);
      assert.equal(readFileSync(path.join(writer.dir, METRICS_FILE), 'utf8').split('\n').length, 5); // 4 lines + final newline

      assert.throws(() => writer.append([iteration(4)]), /finished/);
      assert.throws(() => writer.finish('completed'), /already finished/);
      // Only run.json and metrics.jsonl remain: the atomic writes left no temp files behind.
      assert.deepEqual(readdirSync(writer.dir).sort(), [METRICS_FILE, RUN_FILE]);
    });

    void it('lists runs newest first', async () => {
      const store = freshStore();
      assert.deepEqual(store.list(), []); // The runs folder does not exist yet.
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const w = store.create({ ...CONFIG, seed: i }, { versions: VERSIONS });
        w.finish('completed');
        ids.push(w.id);
        await new Promise((resolve) => setTimeout(resolve, 5)); // distinct createdAt
      }
      assert.deepEqual(
        store.list().map((r) => r.id),
        [...ids].reverse(),
      );
    });

    void it('never reuses a folder: runs created in the same millisecond get distinct ids', () => {
      const store = freshStore();
      const ids = new Set(Array.from({ length: 50 }, () => store.create(CONFIG, { versions: VERSIONS }).id));
      assert.equal(ids.size, 50);
    });

    void it('drops a truncated last metrics line', () => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS });
      writer.append([iteration(0), iteration(1)]);
      // What a process killed in the middle of a write leaves: half a line, no newline.
      appendFileSync(path.join(writer.dir, METRICS_FILE), stringifyRecord(iteration(2)).slice(0, 37));
      const bad: number[] = [];
      const metrics = store.readMetrics(writer.id, (line) => bad.push(line));
      assert.deepEqual(
        metrics.map((m) => m.iteration),
        [0, 1],
      );
      assert.deepEqual(bad, []);
    });

    void it('skips a corrupt middle metrics line and reports it', () => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS });
      writer.append([iteration(0)]);
      appendFileSync(path.join(writer.dir, METRICS_FILE), '{"iteration": 1, garbage\n');
      writer.append([iteration(2)]);
      const bad: number[] = [];
      assert.deepEqual(
        store.readMetrics(writer.id, (line) => bad.push(line)).map((m) => m.iteration),
        [0, 2],
      );
      assert.deepEqual(bad, [2]);
    });

    void it('reads a running run whose process is gone as interrupted, without rewriting run.json', () => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS });
      const file = path.join(writer.dir, RUN_FILE);
      const onDisk = { ...(parseRecord(readFileSync(file, 'utf8')) as RunRecord), pid: deadPid() };
      writeFileSync(file, stringifyRecord(onDisk, 2));

      const record = store.read(writer.id);
      assert.equal(record.status, 'interrupted');
      assert.match(record.message ?? '', /stopped without finishing/);
      assert.equal(store.list()[0]?.status, 'interrupted');
      assert.equal((parseRecord(readFileSync(file, 'utf8')) as RunRecord).status, 'running');
    });

    void it('keeps running for a live process and for another host', () => {
      const store = freshStore();
      const live = store.create(CONFIG, { versions: VERSIONS });
      assert.equal(store.read(live.id).status, 'running');

      const remote = store.create(CONFIG, { versions: VERSIONS });
      const file = path.join(remote.dir, RUN_FILE);
      const onDisk = { ...(parseRecord(readFileSync(file, 'utf8')) as RunRecord), pid: deadPid(), hostname: `not-${os.hostname()}` };
      writeFileSync(file, stringifyRecord(onDisk, 2));
      assert.equal(store.read(remote.id).status, 'running');
    });

    void it('a killed writer leaves a readable metrics file and a run that reads as interrupted', async () => {
      const store = freshStore();
      const env: NodeJS.ProcessEnv = { ...process.env, BILEVEL_RUNSTORE_CHILD: store.root };
      // The child must not think it is a node:test worker.
      delete env.NODE_TEST_CONTEXT;
      const child = spawn(process.execPath, [__filename], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      const id = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const line = out.split('\n').find((l) => l.startsWith('id '));
          if (line) resolve(line.slice(3).trim());
        });
        child.on('exit', () => reject(new Error(`child exited early: ${out}`)));
      });
      // Let it append for a while, then kill it without warning.
      const metricsFile = path.join(store.root, id, METRICS_FILE);
      for (let i = 0; i < 200 && (!existsSync(metricsFile) || readFileSync(metricsFile, 'utf8').split('\n').length < 50); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');

      const record = store.read(id);
      assert.equal(record.status, 'interrupted');
      assert.equal(record.pid, child.pid);
      const metrics = store.readMetrics(id);
      assert.ok(metrics.length >= 49, `only ${metrics.length} records`);
      metrics.forEach((m, i) => assert.equal(m.iteration, i));
    });

    void it('skips corrupt and incomplete run folders in list() and reports them', () => {
      const store = freshStore();
      const good = store.create(CONFIG, { versions: VERSIONS });
      const corrupt = store.create(CONFIG, { versions: VERSIONS });
      writeFileSync(path.join(corrupt.dir, RUN_FILE), '{"schemaVersion": 1, "id": "tru');
      const newer = store.create(CONFIG, { versions: VERSIONS });
      writeFileSync(path.join(newer.dir, RUN_FILE), JSON.stringify({ ...newer.current, schemaVersion: 99 }));
      mkdirSync(path.join(store.root, '20260101-000000-empty-folder-0000'));
      writeFileSync(path.join(store.root, 'stray.txt'), 'not a run');

      const problems: RunStoreProblem[] = [];
      const runs = store.list((p) => problems.push(p));
      assert.deepEqual(
        runs.map((r) => r.id),
        [good.id],
      );
      assert.deepEqual(problems.map((p) => p.id).sort(), [corrupt.id, newer.id, '20260101-000000-empty-folder-0000'].sort());
      assert.match(problems.find((p) => p.id === corrupt.id)?.error ?? '', /not valid JSON/);
      assert.match(problems.find((p) => p.id === newer.id)?.error ?? '', /schema 99/);
      assert.throws(() => store.read(corrupt.id), /not valid JSON/);
    });

    void it('updates name and note, and finish keeps an edit made while running', () => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS, name: 'draft' });
      const updated = store.update(writer.id, { name: 'baseline', note: 'K=10' });
      assert.equal(updated.name, 'baseline');
      assert.equal(updated.note, 'K=10');
      assert.equal(updated.status, 'running');

      writer.finish('completed');
      const done = store.read(writer.id);
      assert.equal(done.name, 'baseline');
      assert.equal(done.note, 'K=10');
      assert.equal(done.status, 'completed');

      const cleared = store.update(writer.id, { note: null });
      assert.equal(cleared.note, undefined);
      assert.equal(cleared.name, 'baseline');
      assert.equal(cleared.status, 'completed');
    });

    void it('reports a run.json that parses but lacks what readers read as a problem, never returns it', () => {
      const store = freshStore();
      const good = store.create(CONFIG, { versions: VERSIONS });
      // Each breaks one field a reader uses: the history (problem, method, dates, status), the
      // panel (iterations, summary), `run --spec` (options, preset).
      const odd: [what: string, said: string, spoil: (r: Record<string, unknown>, c: Record<string, unknown>) => void][] = [
        ['no problem', 'config.problem', (_r, c) => delete c.problem],
        ['a number method', 'config.method', (_r, c) => (c.method = 7)],
        ['string iterations', 'config.iterations', (_r, c) => (c.iterations = '5')],
        ['a nested option', 'config.methodOptions', (_r, c) => (c.methodOptions = { K: { nested: 1 } })],
        ['a number preset', 'config.preset', (_r, c) => (c.preset = 5)],
        ['a word for a date', 'createdAt', (r) => (r.createdAt = 'yesterday')],
        ['a number name', 'name', (r) => (r.name = 42)],
        ['a text duration', 'durationMs', (r) => (r.durationMs = '1 s')],
        ['a string backend', 'backend', (r) => (r.backend = 'wasm')],
        ['a number last record', 'last record', (r) => (r.summary = { iterations: 1, x: {}, y: {}, msPerIteration: 1, peakTensors: 1, peakBytes: 1, last: 42 })],
        ['text for x', 'summary whose x', (r) => (r.summary = { iterations: 1, x: { x: 'big' }, y: {}, msPerIteration: 1, peakTensors: 1, peakBytes: 1 })],
        ['a bad writer token', 'writer', (r) => (r.writer = { bootId: 1 })],
        ['versions as a list', 'versions', (r) => (r.versions = ['1.0'])],
      ];
      const ids = new Map<string, [string, string]>();
      for (const [what, said, spoil] of odd) {
        const w = store.create(CONFIG, { versions: VERSIONS });
        const raw = JSON.parse(readFileSync(path.join(w.dir, RUN_FILE), 'utf8')) as Record<string, unknown>;
        spoil(raw, raw.config as Record<string, unknown>);
        writeFileSync(path.join(w.dir, RUN_FILE), JSON.stringify(raw));
        ids.set(w.id, [what, said]);
      }
      const { runs, problems } = store.scan();
      assert.deepEqual(runs.map((r) => r.id), [good.id]);
      assert.deepEqual(problems.map((p) => p.id).sort(), [...ids.keys()].sort());
      for (const p of problems) {
        const [what, said] = ids.get(p.id)!;
        assert.ok(p.error.includes(said), `${what}: ${p.error}`);
        assert.throws(() => store.read(p.id), { message: p.error });
      }
      assert.deepEqual(store.list().map((r) => r.id), [good.id]);
    });

    void it('readMetrics skips lines that are valid JSON but not records, and reports each', () => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS });
      writer.append([iteration(0)]);
      const odd = ['42', 'null', '"text"', '[1, 2]', 'true', '{}', '{"iteration": "1"}', JSON.stringify({ ...iteration(1), stats: null }), JSON.stringify({ ...iteration(1), upperLoss: 'low' }), JSON.stringify({ ...iteration(1), evals: { acc: 'high' } })];
      appendFileSync(path.join(writer.dir, METRICS_FILE), odd.join('\n') + '\n');
      writer.append([iteration(1), iteration(2)]);
      const bad: [number, string][] = [];
      const metrics = store.readMetrics(writer.id, (line, error) => bad.push([line, error]));
      assert.deepEqual(metrics.map((m) => m.iteration), [0, 1, 2]);
      assert.deepEqual(bad.map(([line]) => line), odd.map((_, i) => i + 2));
      assert.match(bad[0]![1], /is a number, not a record object/);
      assert.match(bad[1]![1], /is null, not a record object/);
      assert.match(bad[6]![1], /has no iteration number/);
      assert.match(bad[7]![1], /stats/);
      // A non-finite number stays a number (stored as the string "NaN"), not an odd line.
      writer.append([iteration(3, Number.NaN)]);
      assert.ok(Number.isNaN(store.readMetrics(writer.id).at(-1)!.upperLoss));
    });

    void it('keeps the user edits in meta.json: update never writes run.json, readers merge both', () => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS, name: 'at create', note: 'first' });
      const runFile = path.join(writer.dir, RUN_FILE);
      const before = readFileSync(runFile, 'utf8');
      const edited = store.update(writer.id, { name: 'renamed' });
      assert.equal(readFileSync(runFile, 'utf8'), before, 'run.json is the writer\'s alone');
      assert.equal(edited.name, 'renamed');
      assert.equal(edited.note, 'first', 'a field the edit does not name keeps run.json\'s value');
      assert.ok(edited.updatedAt >= store.read(writer.id).createdAt);
      assert.equal(store.update(writer.id, { note: null }).note, undefined, 'null clears run.json\'s value too');
      writer.finish('completed');
      const done = store.read(writer.id);
      assert.deepEqual([done.name, done.note, done.status], ['renamed', undefined, 'completed']);
      // An unreadable meta.json hides no run: run.json's name shows, and the next edit starts over.
      writeFileSync(path.join(writer.dir, META_FILE), '{ cut');
      assert.equal(store.read(writer.id).name, 'at create');
      assert.equal(store.update(writer.id, { name: 'again' }).name, 'again');
      assert.throws(() => store.update('20260101-000000-none-0000', { name: 'x' }), /no run\.json/);
    });

    void it('holds a small reserve while running and frees it at finish', () => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS });
      assert.ok(statSync(path.join(writer.dir, RESERVE_FILE)).size >= 16 * 1024);
      writer.finish('completed');
      assert.equal(existsSync(path.join(writer.dir, RESERVE_FILE)), false);
    });

    void it('deletes a finished run, refuses a live one unless forced, and rejects bad ids', () => {
      const store = freshStore();
      const done = store.create(CONFIG, { versions: VERSIONS });
      done.finish('completed');
      const live = store.create(CONFIG, { versions: VERSIONS });

      store.delete(done.id);
      assert.equal(existsSync(done.dir), false);
      assert.throws(() => store.read(done.id), /no run\.json/);
      assert.throws(() => store.delete(done.id), /No run/);

      assert.throws(() => store.delete(live.id), /still running/);
      store.delete(live.id, { force: true });
      assert.deepEqual(store.list(), []);

      assert.throws(() => store.read('../outside'), /Invalid run id/);
      assert.throws(() => store.delete('..'), /Invalid run id/);
    });
  });

  void describe('the interrupted rule', () => {
    /** A run whose run.json is rewritten by `change`, as another writer would have left it. */
    const runWith = (change: (r: RunRecord) => RunRecord): { store: RunStore; id: string } => {
      const store = freshStore();
      const writer = store.create(CONFIG, { versions: VERSIONS });
      const file = path.join(writer.dir, RUN_FILE);
      writeFileSync(file, stringifyRecord(change(parseRecord(readFileSync(file, 'utf8')) as RunRecord), 2));
      return { store, id: writer.id };
    };
    const linux = process.platform === 'linux';

    void it('records who writes: boot id, pid namespace and start time of the writing process', () => {
      const store = freshStore();
      const token = store.read(store.create(CONFIG, { versions: VERSIONS }).id).writer;
      assert.ok(token && Number.isFinite(Date.parse(token.startedAt)));
      if (linux) {
        assert.equal(token.bootId, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
        assert.equal(token.pidNamespace, readlinkSync('/proc/self/ns/pid'));
        assert.equal(token.startTicks, processStartTicks(process.pid));
        assert.ok(token.startTicks! > 0);
      }
    });

    void it('reads a live pid with another start time as a reused pid: interrupted', { skip: !linux && 'needs /proc' }, () => {
      const { store, id } = runWith((r) => ({ ...r, writer: { ...r.writer!, startTicks: r.writer!.startTicks! + 1 } }));
      assert.equal(store.read(id).status, 'interrupted');
    });

    void it('reads a record from another boot of this machine as interrupted, even when its pid is alive', { skip: !linux && 'needs /proc' }, () => {
      const { store, id } = runWith((r) => ({ ...r, writer: { ...r.writer!, bootId: '00000000-0000-0000-0000-000000000000' } }));
      assert.equal(store.read(id).status, 'interrupted');
    });

    void it('keeps a record from another pid namespace (a container with the same hostname) running: its pid means nothing here', () => {
      const { store, id } = runWith((r) => ({ ...r, pid: deadPid(), writer: { ...r.writer!, pidNamespace: 'pid:[1]' } }));
      assert.equal(store.read(id).status, linux ? 'running' : 'interrupted');
    });

    void it('keeps the pid rule for an older record without the token', () => {
      const gone = runWith(({ writer: _w, ...r }) => ({ ...r, pid: deadPid() }));
      assert.equal(gone.store.read(gone.id).status, 'interrupted');
      const alive = runWith(({ writer: _w, ...r }) => r);
      assert.equal(alive.store.read(alive.id).status, 'running');
      const elsewhere = runWith(({ writer: _w, ...r }) => ({ ...r, pid: deadPid(), hostname: `not-${os.hostname()}` }));
      assert.equal(elsewhere.store.read(elsewhere.id).status, 'running');
    });
  });
} else {
  // Child mode: start a run in the given store, print its id, then append one record every few
  // milliseconds until killed.
  const writer = new RunStore(process.env.BILEVEL_RUNSTORE_CHILD).create(CONFIG, { versions: VERSIONS });
  process.stdout.write(`id ${writer.id}\n`);
  let t = 0;
  setInterval(() => writer.append([iteration(t++)]), 1);
}
