// The run store on a disk that fills up, for real: a 160 KiB tmpfs mounted for these tests (root
// only; CI runs as root, and a machine where mount is refused fails here, it does not skip). The
// disk fills (a) before run.json can be created, (b) in the middle of the metrics, (c) at the final
// record, and (d) so full that not even a `failed` record fits. The real CLI (dist/cli.js, so `npm
// run build` first), the recorder in-process and the worker endpoint in-process must all end with a
// message that names the disk being full, never a stack; run.json is valid JSON (`failed` when there
// was room, else its previous content); metrics.jsonl holds whole lines, a prefix of what the run
// produced; and no `.run.json.*.tmp` stays behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getMethod, resolveRunOptions } from '../../../src/core';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { RunRecord } from '../../../src/protocol/runRecord';
import { WORKER_PROTOCOL_VERSION, type HostToWorker, type WorkerToHost } from '../../../src/protocol/worker';
import { loadProblem, type LoadedProblem } from '../../../src/runner/loadProblem';
import { recordRun, type RunRequest } from '../../../src/runner/recordRun';
import { selectBackend } from '../../../src/runtime/backend';
import { parseRecord } from '../../../src/store/recordJson';
import { METRICS_FILE, RESERVE_FILE, RUN_FILE } from '../../../src/store/runStore';
import { StoreWriteError } from '../../../src/store/storeWriteError';
import { serveWorker } from '../../../src/worker/workerEndpoint';
import { createMemoryPortPair } from '../worker/memoryPort';
import { assertCliBuilt, BILEVEL_BIN, runBilevel } from '../helpers/bilevelCli';
import type { CliResult } from '../helpers/bilevelCli';

const CPU = { requested: 'cpu', ran: { name: 'cpu', detail: 'test' } };
// Fields that are measured, not computed: they differ between two runs of the same experiment.
const MEASURED = new Set(['forwardMs', 'backwardMs', 'time']);

let disk = '';
let mounted = false;
let outside = '';
let toy: LoadedProblem;

/** Empties the tmpfs; returns the runs folder the tests record into. */
function emptyDisk(): string {
  for (const name of readdirSync(disk)) rmSync(path.join(disk, name), { recursive: true, force: true });
  return path.join(disk, 'runs');
}

/** Empties the tmpfs and fills it with a file that leaves `room` bytes free (0: completely full). */
function fillLeaving(room: number): string {
  const runs = emptyDisk();
  const filler = path.join(disk, 'filler');
  const { bavail, bsize } = statfsSync(disk);
  writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - room), 1));
  if (room === 0) {
    // Whatever the page rounding left, take it too.
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(512, 1));
    } catch (err) {
      assert.equal((err as { code?: string }).code, 'ENOSPC');
    }
  }
  return runs;
}

/** Every file under `dir` whose name ends in `.tmp`. */
function tmpFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));
}

/** The one run folder in `runs`, or undefined when there is none. */
function onlyRun(runs: string): string | undefined {
  const ids = existsSync(runs) ? readdirSync(runs) : [];
  assert.ok(ids.length <= 1, `more than one run: ${ids.join(', ')}`);
  return ids[0] === undefined ? undefined : path.join(runs, ids[0]);
}

/** run.json parsed (it must be valid JSON), and the metrics lines, each parsed (each must be valid). */
function readRun(dir: string): { record: RunRecord; metrics: IterationRecord[] } {
  const text = readFileSync(path.join(dir, RUN_FILE), 'utf8');
  const record = parseRecord(text) as RunRecord;
  const file = path.join(dir, METRICS_FILE);
  const raw = existsSync(file) ? readFileSync(file, 'utf8') : '';
  assert.ok(raw === '' || raw.endsWith('\n'), 'metrics.jsonl ends in a whole line');
  const metrics = raw
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => parseRecord(l) as IterationRecord);
  return { record, metrics };
}

/** `metrics` are the first records of `produced`, field by field (measured times aside when `measured` is false). */
function assertPrefix(metrics: readonly IterationRecord[], produced: readonly IterationRecord[], measured: boolean): void {
  assert.ok(metrics.length <= produced.length, `${metrics.length} records on disk, ${produced.length} produced`);
  const strip = (r: IterationRecord): Record<string, unknown> => Object.fromEntries(Object.entries(r).filter(([k]) => measured || !MEASURED.has(k)));
  metrics.forEach((m, i) => assert.deepEqual(strip(m), strip(JSON.parse(JSON.stringify(produced[i])) as IterationRecord), `record ${i}`));
}

/** The CLI's result, run from a folder outside the store. */
function bilevel(...args: string[]): CliResult {
  return runBilevel(outside, ...args);
}

/** The CLI said the disk is full, as `bilevel: …` without a stack (checked last: the store's state comes first). */
function assertPlainDiskFull(stderr: string, file: string): void {
  assert.match(stderr, new RegExp(`^bilevel: the disk is full \\(ENOSPC\\) while writing ${file.replace('.', '\\.')} in `, 'm'), stderr);
  assert.doesNotMatch(stderr, /internal error|^\s+at /m, `a message without a stack:\n${stderr}`);
}

/** A toy run request (RHG, n = 3) recorded in `storeDir`. */
function toyRequest(storeDir: string, iterations: number): RunRequest {
  const options = resolveRunOptions(toy.definition, getMethod('rhg'), { lowerSteps: 5, iterations });
  return { problem: toy, method: 'rhg', options, storeDir, backend: CPU };
}

describe('the run store on a full disk', { timeout: 300_000 }, () => {
  before(async () => {
    assertCliBuilt();
    disk = mkdtempSync(path.join(os.tmpdir(), 'bilevel-full-disk-'));
    outside = mkdtempSync(path.join(os.tmpdir(), 'bilevel-full-ref-'));
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', disk], { encoding: 'utf8' });
    if (mount.status !== 0) {
      throw new Error(`these tests fill a tiny disk for real and need 'mount -t tmpfs -o size=160k tmpfs ${disk}', which failed: ${(mount.stderr || mount.error?.message || '').trim()}. Run them as root (CI does).`);
    }
    mounted = true;
    await selectBackend('cpu');
    toy = await loadProblem({ kind: 'builtin', id: 'toy-quadratic', params: { n: 3 } });
  });
  after(() => {
    if (mounted) spawnSync('umount', [disk]);
    if (disk) rmSync(disk, { recursive: true, force: true });
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  describe('the CLI', () => {
    it('(a) full before run.json: a plain ENOSPC message, exit 1, no run folder, no temporary file', () => {
      const runs = fillLeaving(0);
      const r = bilevel('run', '--problem', 'toy-quadratic', '--iterations', '3', '--backend', 'cpu', '--store', runs);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(onlyRun(runs), undefined, 'a folder without run.json is no run');
      assert.deepEqual(tmpFiles(disk), []);
      assertPlainDiskFull(r.stderr, RUN_FILE);
    });

    it('(b) full in the middle of the metrics: exit 1, run.json failed with the cause, metrics a whole prefix', () => {
      const runs = fillLeaving(48 * 1024);
      const args = ['--problem', 'toy-quadratic', '--K', '5', '--backend', 'cpu'];
      const r = bilevel('run', ...args, '--iterations', '2000', '--store', runs);
      assert.equal(r.code, 1, r.stderr);
      const written = Number(/; (\d+) records were written/.exec(r.stderr)?.[1]);
      const dir = onlyRun(runs)!;
      const { record, metrics } = readRun(dir);
      assert.equal(record.status, 'failed');
      assert.match(record.message ?? '', /^the disk is full \(ENOSPC\) while writing metrics\.jsonl in .*; \d+ records were written$/);
      assert.ok(written > 0 && written < 2000, `${written} records written`);
      assert.equal(metrics.length, written);
      // The same experiment on a roomy disk: what was written is its beginning, record for record.
      const reference = bilevel('run', ...args, '--iterations', String(written), '--store', path.join(outside, 'runs'));
      assert.equal(reference.code, 0, reference.stderr);
      assertPrefix(metrics, readRun(onlyRun(path.join(outside, 'runs'))!).metrics, false);
      assert.equal(existsSync(path.join(dir, RESERVE_FILE)), false);
      assert.deepEqual(tmpFiles(disk), []);
      assertPlainDiskFull(r.stderr, METRICS_FILE);
    });

    it('(c) full at the final record (finding 1: a 150 KB summary): exit 1, never a cut run.json', () => {
      const runs = emptyDisk();
      const r = bilevel('run', '--problem', 'hyperclean-mnist', '--train', '200', '--validation', '100', '--test', '100', '--iterations', '12', '--K', '5', '--eval-every', '4', '--backend', 'cpu', '--store', runs);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /; 12 records were written/);
      const { record, metrics } = readRun(onlyRun(runs)!);
      assert.equal(record.status, 'failed');
      assert.equal(record.summary, undefined, 'the record that fits has no summary');
      assert.match(record.message ?? '', /^the disk is full \(ENOSPC\) while writing run\.json in .*; 12 records were written$/);
      assert.deepEqual(metrics.map((m) => m.iteration), [...Array(12).keys()]);
      assert.deepEqual(tmpFiles(disk), []);
      assertPlainDiskFull(r.stderr, RUN_FILE);
    });
  });

  describe('the recorder in-process', () => {
    it('(a) full before run.json: rejects with a StoreWriteError (ENOSPC), leaves nothing', async () => {
      const runs = fillLeaving(0);
      await assert.rejects(recordRun(toyRequest(runs, 5), { shouldStop: () => false }), (err: unknown) => err instanceof StoreWriteError && err.code === 'ENOSPC' && /^the disk is full \(ENOSPC\) while writing run\.json in /.test(err.message));
      assert.equal(onlyRun(runs), undefined);
      assert.deepEqual(tmpFiles(disk), []);
    });

    it('(b) full mid-run: failed with the cause, the solver stopped, metrics exactly the first records produced', async () => {
      const runs = fillLeaving(48 * 1024);
      const produced: IterationRecord[] = [];
      const out = await recordRun(toyRequest(runs, 5000), { onRecord: (r) => produced.push(r), shouldStop: () => false, batchMs: 5 });
      assert.equal(out.status, 'failed');
      assert.ok(out.error instanceof StoreWriteError && out.error.code === 'ENOSPC', String(out.error));
      assert.equal(out.error.message, out.message);
      assert.ok(produced.length < 5000, 'the solver stopped at the failed write');
      const { record, metrics } = readRun(out.runDir!);
      assert.equal(record.status, 'failed');
      assert.equal(record.message, out.message);
      assert.match(out.message ?? '', new RegExp(`; ${metrics.length} records were written$`));
      assert.ok(metrics.length > 0);
      assertPrefix(metrics, produced, true);
      assert.deepEqual(tmpFiles(disk), []);
    });

    it('(d) no room even for the failed record: the message says so and reaches the caller; run.json keeps its valid content', async () => {
      const runs = fillLeaving(16 * 4096 + 8192);
      let before = '';
      const out = await recordRun(toyRequest(runs, 50), {
        onCreated: ({ runDir }) => {
          // Someone else takes every byte, the reserve included, right after create.
          before = readFileSync(path.join(runDir, RUN_FILE), 'utf8');
          rmSync(path.join(runDir, RESERVE_FILE));
          const filler = path.join(disk, 'filler-2');
          try {
            for (;;) appendFileSync(filler, Buffer.alloc(512, 1));
          } catch {
            // Full.
          }
        },
        shouldStop: () => false,
        batchMs: 0,
      });
      assert.equal(out.status, 'failed');
      assert.ok(out.error instanceof StoreWriteError && out.error.code === 'ENOSPC');
      assert.match(out.message ?? '', /^the disk is full \(ENOSPC\) while writing metrics\.jsonl in .*; 0 records were written; run\.json could not be finished either, so it still says running: the disk is full \(ENOSPC\) while writing run\.json in /);
      assert.equal(readFileSync(path.join(out.runDir!, RUN_FILE), 'utf8'), before);
      assert.deepEqual(readRun(out.runDir!).metrics, []);
      assert.deepEqual(tmpFiles(disk), []);
    });
  });

  describe('the worker endpoint in-process', () => {
    it('(b) full mid-run: runFinished failed with the disk-full message, run.json failed, no temporary file', async () => {
      const runs = fillLeaving(48 * 1024);
      const { a: host, b: worker } = createMemoryPortPair<HostToWorker, WorkerToHost>();
      const received: WorkerToHost[] = [];
      const finished = new Promise<Extract<WorkerToHost, { type: 'runFinished' }>>((resolve) =>
        host.onMessage((m) => {
          received.push(m);
          if (m.type === 'ready') host.send({ type: 'run', runId: '20261206-000000-rhg-toy-quadratic-f0f0', spec: { problem: { kind: 'builtin', id: 'toy-quadratic', params: { n: 3 } }, method: 'rhg', options: { lowerSteps: 5, iterations: 5000 } } });
          if (m.type === 'runFinished') resolve(m);
        }),
      );
      const done = serveWorker(worker).done;
      host.send({ type: 'init', protocolVersion: WORKER_PROTOCOL_VERSION, backend: 'cpu', storeDir: runs });
      const end = await finished;
      assert.equal(await done, 0);
      assert.equal(end.status, 'failed');
      assert.match(end.message ?? '', /^the disk is full \(ENOSPC\) while writing metrics\.jsonl in .*; \d+ records were written$/);
      const { record, metrics } = readRun(onlyRun(runs)!);
      assert.equal(record.status, 'failed');
      assert.equal(record.message, end.message);
      const sent = received.flatMap((m) => (m.type === 'metrics' ? m.records : []));
      // Disk first: every record the host was sent is on disk.
      assertPrefix(sent, metrics, true);
      assert.deepEqual(tmpFiles(disk), []);
      assert.ok(statSync(path.join(onlyRun(runs)!, RUN_FILE)).size > 0);
    });
  });
});

describe('bilevel run --spec with an odd run.json', { timeout: 120_000 }, () => {
  let dir = '';
  before(() => {
    assertCliBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-odd-spec-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A run.json of a finished toy run, changed by `spoil`, as `--spec` reads it. */
  const oddRunJson = (name: string, spoil: (r: Record<string, unknown>, c: Record<string, unknown>) => void): string => {
    const config = { problem: 'toy-quadratic', problemParams: { n: 3 }, method: 'rhg', methodOptions: { lowerSteps: 5, iterations: 2 }, iterations: 2, seed: 0, backend: 'cpu' };
    const record: Record<string, unknown> = { schemaVersion: 1, id: 'x', status: 'completed', config, versions: {}, pid: 1, hostname: 'h', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
    spoil(record, config);
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(record));
    return file;
  };

  for (const [what, said, spoil] of [
    ['without config.problem', 'config.problem must be a problem id', (_r, c) => delete c.problem],
    ['with a config that is null', 'config must be an object', (r) => (r.config = null)],
    ['with a number preset', 'config.preset must be a preset id', (_r, c) => (c.preset = 5)],
    ['with an unknown problem', "problem: unknown problem 'no-such-problem'", (_r, c) => (c.problem = 'no-such-problem')],
    ['with an empty problem', "problem: unknown problem ''", (_r, c) => (c.problem = '')],
    ['with a nested option value', 'must be a whole number', (_r, c) => (c.methodOptions = { lowerSteps: { a: 1 } })],
  ] as [string, string, (r: Record<string, unknown>, c: Record<string, unknown>) => void][]) {
    it(`refuses a run.json ${what} with a usage error that names the field, no stack`, () => {
      const file = oddRunJson(what.replace(/\W+/g, '-'), spoil);
      const r = spawnSync(process.execPath, [BILEVEL_BIN, 'run', '--spec', file, '--no-store', '--backend', 'cpu'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.ok(r.stderr.startsWith('bilevel: ') && r.stderr.includes(said), r.stderr);
      assert.doesNotMatch(r.stderr, /internal error|^\s+at /m);
    });
  }
});
