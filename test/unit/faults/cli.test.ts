// Fault injection on the built `bilevel` command (bin/bilevel.js → dist/cli.js; `npm run build`
// first): signals and a closed stdout mid-run, SIGKILL, absurd sizes, bad flag values, a run store
// that cannot be written and a real wasm out-of-memory. Whatever happens, the run record must end
// with a status that says what happened, metrics.jsonl must stay readable, and the exit code and
// the message must say why. Each test works in its own temporary folder with its own store.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunStore } from '../../../src/store/runStore';
import type { RunRecord } from '../../../src/protocol/runRecord';
import { assertCliBuilt, BILEVEL_BIN, runBilevel } from '../helpers/bilevelCli';

const temps: string[] = [];

/** A fresh working folder; its store is `<dir>/runs`. */
function workdir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-faults-'));
  temps.push(dir);
  return dir;
}

/** `bilevel ...args` in `cwd`, to its end. */
const bilevel = runBilevel;

/** A running `bilevel` whose output is collected as it comes. */
interface Live {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(cwd: string, ...args: string[]): Live {
  const child = spawn(process.execPath, [BILEVEL_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  // A destroyed stdout (the EPIPE test) must not fail the test process.
  child.stdout!.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(what: string, ready: () => boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resolves with the exit, or rejects after `ms` (killing the child). */
async function exitWithin(live: Live, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      live.child.kill('SIGKILL');
      reject(new Error(`bilevel did not exit within ${ms} ms; stderr:\n${live.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([live.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The one run of a store, as the store's reader sees it, and its metrics (bad lines collected). */
function onlyRun(storeDir: string): { record: RunRecord; metrics: number; badLines: string[] } {
  const store = new RunStore(storeDir);
  const runs = store.list();
  assert.equal(runs.length, 1, `expected one run in ${storeDir}`);
  const record = runs[0]!;
  const badLines: string[] = [];
  const metrics = store.readMetrics(record.id, (line, error) => badLines.push(`${line}: ${error}`));
  return { record, metrics: metrics.length, badLines };
}

/** A long toy run on the cpu backend (fast per iteration, no wasm threads), stored in `<dir>/runs`. */
function longRun(dir: string, ...extra: string[]): Live {
  return start(dir, 'run', '--problem', 'toy-quadratic', '--backend', 'cpu', '--K', '5', '--iterations', '1000000', '--store', path.join(dir, 'runs'), ...extra);
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

describe('bilevel under faults', () => {
  before(() => {
    assertCliBuilt();
  });
  after(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    it(`${signal} mid-run stops after the iteration: run.json cancelled, metrics kept, exit ${128 + SIGNAL_NUMBERS[signal]!}`, async () => {
      const dir = workdir();
      const live = longRun(dir);
      await waitFor('the first progress line', () => live.stdout().includes('1/1000000'));
      live.child.kill(signal);
      const { code, signal: killedBy } = await exitWithin(live, 30_000);
      assert.equal(killedBy, null, `killed by ${killedBy}; stderr:\n${live.stderr()}`);
      assert.equal(code, 128 + SIGNAL_NUMBERS[signal]!, live.stderr());
      assert.match(live.stderr(), new RegExp(`${signal}.*stopping after this iteration`));
      const { record, metrics, badLines } = onlyRun(path.join(dir, 'runs'));
      assert.equal(record.status, 'cancelled', JSON.stringify(record));
      assert.match(record.message ?? '', /cancelled after \d+ of 1000000/);
      assert.deepEqual(badLines, []);
      assert.ok(metrics >= 1, 'the iterations before the signal are kept');
      assert.equal(record.summary?.iterations, metrics, 'metrics.jsonl holds every finished iteration');
      assert.match(live.stdout(), new RegExp(`cancelled — cancelled after \\d+ of 1000000 outer iterations \\(${signal}\\)`), 'the summary names the signal');
    });
  }

  it('a stopped run names the signal in run.json too', async () => {
    const dir = workdir();
    const live = longRun(dir);
    await waitFor('the first progress line', () => live.stdout().includes('1/1000000'));
    live.child.kill('SIGTERM');
    await exitWithin(live, 30_000);
    assert.match(onlyRun(path.join(dir, 'runs')).record.message ?? '', /SIGTERM/);
  });

  it('two signals in a row never hang: exit 143 at once, the record cancelled or interrupted, metrics valid', async () => {
    const dir = workdir();
    const live = longRun(dir);
    await waitFor('the first progress line', () => live.stdout().includes('1/1000000'));
    // Both usually reach Node at one yield of the run loop: the first stops the run, the second
    // (if Node sees it apart) ends the process by its default action.
    live.child.kill('SIGTERM');
    live.child.kill('SIGTERM');
    const { code, signal } = await exitWithin(live, 30_000);
    assert.ok(signal === 'SIGTERM' || code === 143, `code ${code}, signal ${signal}; stderr:\n${live.stderr()}`);
    const { record, badLines } = onlyRun(path.join(dir, 'runs'));
    assert.ok(record.status === 'cancelled' || record.status === 'interrupted', record.status);
    assert.deepEqual(badLines, []);
  });

  it('SIGKILL mid-run: the record reads interrupted and every metrics line is valid', async () => {
    const dir = workdir();
    const live = longRun(dir);
    const metricsFile = (): string | undefined => {
      const runs = path.join(dir, 'runs');
      const ids = existsSync(runs) ? readdirSync(runs) : [];
      return ids.length === 1 ? path.join(runs, ids[0]!, 'metrics.jsonl') : undefined;
    };
    await waitFor('metrics on disk', () => {
      const f = metricsFile();
      return f !== undefined && existsSync(f) && readFileSync(f, 'utf8').split('\n').length > 3;
    });
    live.child.kill('SIGKILL');
    const { signal } = await exitWithin(live, 30_000);
    assert.equal(signal, 'SIGKILL');
    const { record, metrics, badLines } = onlyRun(path.join(dir, 'runs'));
    assert.equal(record.status, 'interrupted');
    assert.deepEqual(badLines, []);
    assert.ok(metrics >= 3);
    for (const line of readFileSync(metricsFile()!, 'utf8').split('\n').filter((l) => l !== '')) {
      assert.doesNotThrow(() => JSON.parse(line) as unknown, `metrics line ${line.slice(0, 80)}`);
    }
  });

  it('a closed stdout (| head -1) stops the run cleanly: no EPIPE crash, run.json cancelled, exit 141', async () => {
    const dir = workdir();
    // 300 iterations print a progress line every 30: the first write after the close fails.
    const live = start(dir, 'run', '--problem', 'toy-quadratic', '--backend', 'cpu', '--K', '5', '--iterations', '300', '--store', path.join(dir, 'runs'));
    await waitFor('the first progress line', () => live.stdout().includes('\n'));
    live.child.stdout!.destroy();
    const { code, signal } = await exitWithin(live, 60_000);
    assert.equal(signal, null, live.stderr());
    assert.doesNotMatch(live.stderr(), /Error: write EPIPE|\n\s+at /);
    assert.match(live.stderr(), /stdout was closed/);
    assert.equal(code, 141, live.stderr());
    const { record, metrics, badLines } = onlyRun(path.join(dir, 'runs'));
    assert.equal(record.status, 'cancelled');
    assert.deepEqual(badLines, []);
    assert.equal(record.summary?.iterations, metrics);
    assert.ok(metrics < 300);
  });

  describe('absurd sizes are refused before anything is allocated (exit 2, the limit named, no run folder)', () => {
    const cases: readonly { readonly name: string; readonly args: readonly string[]; readonly expect: RegExp }[] = [
      { name: '--K 1e9', args: ['--problem', 'toy-quadratic', '--K', '1e9'], expect: /--K \(lowerSteps\): must be ≤ 100000, got 1000000000/ },
      { name: '--n 1e9 (toy-nonsingleton)', args: ['--problem', 'toy-nonsingleton', '--n', '1e9'], expect: /--n \(n\): must be ≤ 1000000, got 1000000000/ },
      { name: '--n 1e5 (toy-quadratic: dense n×n)', args: ['--problem', 'toy-quadratic', '--n', '1e5'], expect: /--n \(n\): must be ≤ 1000, got 100000/ },
      { name: '--iterations 1e12', args: ['--problem', 'toy-quadratic', '--iterations', '1e12'], expect: /--iterations \(iterations\): must be ≤ 10000000/ },
      { name: '--hidden 1e9 (hyperclean-mnist)', args: ['--problem', 'hyperclean-mnist', '--model', 'two-layer', '--hidden', '1e9'], expect: /--hidden \(hidden\): must be ≤ 10000/ },
      { name: '--train 1e7 (hyperclean-mnist)', args: ['--problem', 'hyperclean-mnist', '--train', '1e7'], expect: /--train \(train\): must be ≤ 70000/ },
      {
        name: 'K × lower size beyond memory (--K 100000 --n 1000000 with rhg)',
        args: ['--problem', 'toy-nonsingleton', '--method', 'rhg', '--n', '1000000', '--K', '100000'],
        expect: /--K 100000 with 2000000 lower entries \(y1: 1000000, y2: 1000000\) would store 8\.0e\+11 bytes \(745 GiB\) of lower iterates \(rhg keeps all K states of y; limit 4 GiB\)/,
      },
      { name: '--M beyond memory with t-rhg', args: ['--problem', 'toy-nonsingleton', '--method', 't-rhg', '--n', '1000000', '--K', '100000', '--M', '1000'], expect: /--M 1000 with 2000000 lower entries .*would store 8\.0e\+9 bytes \(7\.45 GiB\) of lower iterates \(t-rhg keeps the last M states of y/ },
    ];
    for (const c of cases) {
      it(`run ${c.name}`, () => {
        const dir = workdir();
        const r = bilevel(dir, 'run', ...c.args, '--store', path.join(dir, 'runs'));
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, c.expect);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        assert.ok(r.ms < 2_000, `took ${r.ms} ms`);
        assert.ok(!existsSync(path.join(dir, 'runs')), 'no run folder');
      });
    }
    it('compare checks every method: cg stores nothing, rhg is refused', () => {
      const dir = workdir();
      const r = bilevel(dir, 'compare', '--problem', 'toy-nonsingleton', '--methods', 'cg,rhg', '--n', '1000000', '--K', '100000', '--store', path.join(dir, 'runs'));
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /rhg/);
      assert.match(r.stderr, /--K 100000 with 2000000 lower entries/);
      assert.ok(!existsSync(path.join(dir, 'runs')));
    });
  });

  describe('bad flag values are usage errors that quote what was given', () => {
    const cases: readonly { readonly name: string; readonly args: readonly string[]; readonly expect: RegExp }[] = [
      { name: "--K abc says got 'abc'", args: ['--K', 'abc'], expect: /--K \(lowerSteps\): got 'abc', not a decimal number; give a whole number/ },
      { name: '--K 0x10 (hex) is refused', args: ['--K', '0x10'], expect: /--K \(lowerSteps\): got '0x10', not a decimal number \(hex, octal and binary are not taken\)/ },
      { name: '--K 0o7 (octal) is refused', args: ['--K', '0o7'], expect: /got '0o7', not a decimal number/ },
      { name: '--K 0b1 (binary) is refused', args: ['--K', '0b1'], expect: /got '0b1', not a decimal number/ },
      { name: "--K '' is refused", args: ['--K', ''], expect: /--K \(lowerSteps\) needs a value/ },
      { name: "--K ' 5' (whitespace) is refused", args: ['--K', ' 5'], expect: /got ' 5', not a decimal number/ },
      { name: '--inner-lr Infinity is refused', args: ['--inner-lr', 'Infinity'], expect: /--inner-lr \(lowerLr\): got 'Infinity', not a decimal number/ },
      { name: '--json=maybe is refused', args: ['--json=maybe'], expect: /--json is a switch: give it alone or as --json=true\/false \(or 1\/0\); got --json=maybe/ },
      { name: '--no-store --store X contradict', args: ['--no-store', '--store', 'X'], expect: /--store X and --no-store contradict each other/ },
      { name: "--store '' is refused", args: ['--store', ''], expect: /--store needs a folder/ },
    ];
    for (const c of cases) {
      it(`run ${c.name}`, () => {
        const dir = workdir();
        const r = bilevel(dir, 'run', '--problem', 'toy-quadratic', '--iterations', '2', ...c.args);
        assert.equal(r.code, 2, `${r.stderr}\n${r.stdout}`);
        assert.match(r.stderr, c.expect);
        assert.doesNotMatch(r.stderr, /got null|\n\s+at /);
        assert.ok(!existsSync(path.join(dir, '.bilevel')), 'nothing stored');
      });
    }
    it('grad --x 0x1 is refused (points are decimal too)', () => {
      const r = bilevel(workdir(), 'grad', '--problem', 'toy-nonsingleton', '--x', '0x1');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--x: '0x1' is not a decimal number/);
    });
    it('--json=1 and --json=0 are a switch on and off; --no-store=false keeps storing', () => {
      const dir = workdir();
      const on = bilevel(dir, 'run', '--problem', 'toy-quadratic', '--backend', 'cpu', '--iterations', '2', '--K', '3', '--json=1', '--no-store=false', '--store', 'runs');
      assert.equal(on.code, 0, on.stderr);
      assert.equal((JSON.parse(on.stdout) as { status: string }).status, 'completed');
      assert.equal(new RunStore(path.join(dir, 'runs')).list().length, 1);
      const off = bilevel(dir, 'run', '--problem', 'toy-quadratic', '--backend', 'cpu', '--iterations', '2', '--K', '3', '--json=0', '--no-store');
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stdout, /rhg on toy-quadratic: completed/);
    });
    it('--json prints a diverged Infinity the way run.json stores it ("-Infinity"), not null', () => {
      const dir = workdir();
      const r = bilevel(dir, 'run', '--problem', 'toy-quadratic', '--backend', 'cpu', '--iterations', '5', '--outer-lr', '1e38', '--json', '--store', 'runs');
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout) as { status: string; final: { x: { x: unknown[] } } };
      assert.equal(out.status, 'diverged');
      assert.ok(out.final.x.x.every((v) => v === '-Infinity'), `final x: ${JSON.stringify(out.final.x.x)}`);
      const stored = JSON.parse(readFileSync(path.join(dir, 'runs', readdirSync(path.join(dir, 'runs'))[0]!, 'run.json'), 'utf8')) as { summary: { x: { x: unknown[] } } };
      assert.deepEqual(out.final.x.x, stored.summary.x.x);
    });
  });

  describe('--store faults are usage errors naming --store, before any run starts', () => {
    it('--store naming a file', () => {
      const dir = workdir();
      writeFileSync(path.join(dir, 'afile'), 'x');
      const r = bilevel(dir, 'run', '--problem', 'toy-quadratic', '--iterations', '2', '--store', 'afile');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--store afile: .*afile is a file, not a folder; give a folder for the runs \(created if missing\), or --no-store/);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    });
    it('--store under a file', () => {
      const dir = workdir();
      writeFileSync(path.join(dir, 'afile'), 'x');
      const r = bilevel(dir, 'compare', '--problem', 'toy-quadratic', '--methods', 'rhg', '--iterations', '2', '--store', 'afile/runs');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--store afile\/runs: .*afile is a file, so no folder can be made under it/);
    });
    it('--store in a folder that cannot be written', () => {
      const dir = workdir();
      let store: string;
      if (process.getuid?.() === 0) {
        // root writes through permission bits; /proc refuses everyone.
        store = '/proc/bilevel-no-such-folder/runs';
      } else {
        mkdirSync(path.join(dir, 'locked'));
        chmodSync(path.join(dir, 'locked'), 0o555);
        store = path.join(dir, 'locked', 'runs');
      }
      const r = bilevel(dir, 'run', '--problem', 'toy-quadratic', '--iterations', '2', '--store', store);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`--store ${store.replace(/[/.]/g, '\\$&')}: cannot write in `));
      assert.match(r.stderr, /give a folder you can write \(created if missing\), or --no-store/);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    });
  });

  it('a real wasm out-of-memory says memory, the backend and what to change (no stack)', () => {
    const dir = workdir();
    // 1 GiB tensors kept until the wasm heap (at most 4 GiB) cannot grow: tfjs-backend-wasm aborts
    // ("Aborted(). Build with -sASSERTIONS for more info."), after about 4 s.
    writeFileSync(
      path.join(dir, 'oom.bilevel.ts'),
      `import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from 'bilevel-lab';

export default defineProblem({
  id: 'oom',
  upper: { variables: { x: { shape: [1], init: 0 } }, objective: (_x, y) => tf.sum(tf.square(tf.sub(y.y!, 1))) as tf.Scalar },
  lower: { variables: { y: { shape: [1], init: 0 } }, objective: (x, y) => tf.sum(tf.square(tf.sub(y.y!, x.x!))) as tf.Scalar },
  data: () => {
    const kept: tf.Tensor[] = [];
    for (let i = 0; i < 8; i++) kept.push(tf.add(tf.fill([2 ** 28], 1), 1));
    return { kept };
  },
});
`,
    );
    const r = bilevel(dir, 'grad', '--problem', './oom.bilevel.ts', '--method', 'rhg', '--K', '7', '--backend', 'wasm');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /bilevel: the wasm backend ran out of memory \(its heap holds at most 4 GiB\) with K = 7/);
    assert.match(r.stderr, /--backend cpu/);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });
});
