// Issue 14's fair comparison through the built CLI: on toy-nonsingleton (n = 1; x* = 1, RHG's limit
// ½, docs/methods.md §9a), RHG, BDA and sl-BAMM from 5 random starts with the same oracle-call budget
// (`--max-oracle-calls`). Per outer iteration at K = 20 they cost 41, 83 and 4 calls, so a budget
// gives RHG ≈ 146 iterations, BDA ≈ 72 and sl-BAMM 1500; an equal iteration count would not be fair.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { RunRecord } from '../../../src/protocol/runRecord';
import { assertCliBuilt, BILEVEL_BIN } from '../helpers/bilevelCli';

/**
 * The budget: enough for every seed of BDA (the slowest per call) to come within 0.02 of x* = 1
 * (measured: ≤ 4316 calls from the 5 starts), sl-BAMM within 0.01 (≤ 1412 calls), RHG to settle at ½
 * (≤ 1066 calls).
 */
const BUDGET = 6000;

/** An iteration cap no method reaches within the budget, so the budget ends every run. */
const ITERATIONS = 100_000;

/** Calls per outer iteration at K = 20: RHG K + 1 gradients and K HVPs; BDA 2K + 3 gradients and 2K; sl-BAMM 2 and 2. */
const COST: Readonly<Record<string, number>> = { rhg: 41, bda: 83, 'sl-bamm': 4 };

/** Where each method ends: x* = 1 for BDA and sl-BAMM, ½ for RHG (y² never moves from y_0 = 0). */
const TARGET: Readonly<Record<string, number>> = { rhg: 0.5, bda: 1, 'sl-bamm': 1 };

interface SweepJson {
  readonly runs: readonly { runId: string; method: string; seed: number; status: string }[];
  readonly groups: readonly { method: string; n: number; metrics: Record<string, { median?: number }> }[];
}

let cwd = '';
let out: SweepJson;

function readRun(runId: string): { record: RunRecord; metrics: IterationRecord[] } {
  const dir = path.join(cwd, 'store', runId);
  const record = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRecord;
  const metrics = readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as IterationRecord);
  return { record, metrics };
}

const calls = (r: IterationRecord): number => r.gradientEvals + r.hvpEvals;

void describe('bilevel sweep with an oracle-call budget (toy-nonsingleton, 5 random starts)', () => {
  before(() => {
    assertCliBuilt();
    cwd = mkdtempSync(path.join(os.tmpdir(), 'bilevel-budget-'));
    // One sweep for every check below: about 45 s on 2 idle cores; the limit leaves room for a busy machine.
    const r = spawnSync(process.execPath, [BILEVEL_BIN, 'sweep', '--problem', 'toy-nonsingleton', '--methods', 'rhg,bda,sl-bamm', '--seeds', '0-4', '--start', 'random', '--max-oracle-calls', String(BUDGET), '--iterations', String(ITERATIONS), '--jobs', '2', '--backend', 'cpu', '--json', '--store', 'store', '--report', 'report.html'], { cwd, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, `exit ${r.status} (${r.signal ?? 'no signal'}): ${r.stderr}`);
    out = JSON.parse(r.stdout) as SweepJson;
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  void it('completes every run, each stopped by the budget and recorded with it', () => {
    assert.equal(out.runs.length, 15);
    for (const run of out.runs) {
      assert.equal(run.status, 'completed', run.runId);
      const { record } = readRun(run.runId);
      assert.equal(record.config.methodOptions['maxOracleCalls'], BUDGET, run.runId);
      assert.equal(record.summary?.stopReason, 'oracleBudget', run.runId);
      assert.ok((record.summary?.iterations ?? ITERATIONS) < ITERATIONS, run.runId);
    }
  });

  void it('ends each run at the first iteration whose calls reach the budget: within one iteration of it', () => {
    for (const run of out.runs) {
      const { metrics } = readRun(run.runId);
      const cost = COST[run.method]!;
      assert.deepEqual(
        metrics.slice(0, 3).map(calls),
        [cost, 2 * cost, 3 * cost],
        `${run.runId}: ${cost} calls per iteration`,
      );
      const last = calls(metrics.at(-1)!);
      const before = calls(metrics.at(-2)!);
      assert.ok(before < BUDGET && last >= BUDGET, `${run.runId}: ${before} < ${BUDGET} ≤ ${last}`);
      assert.ok(last - BUDGET < cost, `${run.runId}: ${last} is less than one iteration (${cost}) over ${BUDGET}`);
    }
  });

  void it('starts each method from 5 different random points (--start random reaches the runs)', () => {
    for (const method of Object.keys(COST)) {
      const starts = out.runs.filter((r) => r.method === method).map((r) => readRun(r.runId));
      for (const { record } of starts) assert.equal(record.config.problemParams['start'], 'random');
      // ‖x_0 − 1‖ of the first record: the start, drawn from the seed.
      assert.equal(new Set(starts.map(({ metrics }) => metrics[0]!.upperDistance)).size, 5, method);
    }
  });

  void it('sl-BAMM and BDA reach x = 1 and RHG stalls at ½ (median final x over the seeds)', () => {
    for (const method of Object.keys(TARGET)) {
      const group = out.groups.find((g) => g.method === method);
      assert.ok(group, `a group for ${method}`);
      assert.equal(group.n, 5);
      const x = group.metrics['x.x']?.median;
      assert.ok(x !== undefined && Math.abs(x - TARGET[method]!) <= 0.05, `${method}: median final x ${x}, expected ${TARGET[method]} ± 0.05`);
    }
  });

  void it("the report's oracle-call axis shows it: the median ‖x − x*‖ of sl-BAMM and BDA ends near 0, RHG's at ½, all at the budget", () => {
    const html = readFileSync(path.join(cwd, 'report.html'), 'utf8');
    const json = /<script type="application\/json" id="sweep-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.ok(json, 'the report embeds its data');
    const data = JSON.parse(json) as { groups: { method: string }[]; curves: { bands: Record<string, Record<string, { median: { lin: [number, number, number, number, number][][] } }>> } };
    const bands = data.curves.bands['upperDistance']?.['oracleCalls']?.median.lin;
    assert.ok(bands, 'a median band of ‖x − x*‖ against oracle calls');
    const distance: Readonly<Record<string, number>> = { rhg: 0.5, bda: 0, 'sl-bamm': 0 };
    data.groups.forEach((g, i) => {
      const [x, center] = bands[i]!.at(-1)!;
      assert.ok(x >= BUDGET && x < BUDGET + COST[g.method]!, `${g.method}: its band ends at ${x} calls, the budget ${BUDGET}`);
      assert.ok(Math.abs(center - distance[g.method]!) <= 0.05, `${g.method}: median ‖x − x*‖ ${center} at the budget, expected ${distance[g.method]} ± 0.05`);
    });
  });
});
