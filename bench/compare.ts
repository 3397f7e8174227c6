// `npm run bench:compare [-- flags]`: our methods beside the PyTorch reference script
// (../shared/bench/torch_blo_bench.py) on the same machine in one run, with a ratio table
// ours / PyTorch per workload × method × K and peak memory. Without PyTorch (or the script) it says
// so and prints our numbers alone. Method settings are matched to the script's (docs/performance.md):
// T-RHG M = K/2, CG 10 iterations (no early exit), NS 10 terms, FOM in both of the script's modes,
// IAPTT-GM with its own k*, l2 = 0 on both sides.
//
// Flags: --quick (linear K = 10, 2 iterations), --workloads linear,mlp, --methods rhg,t-rhg,…,
//        --K 10,50,100, --iterations N (ours, timed), --torch-iters N, --no-torch,
//        --torch-script PATH (env BILEVEL_TORCH_BENCH), --python PATH (env BILEVEL_PYTHON),
//        --torch-threads N (torch intra-op, default 1), --openblas-threads N (default: OpenBLAS's own),
//        --torch-device cpu|cuda (where the script runs, default cpu; cuda: it synchronizes around
//        each timed iteration, and the JSON lines' torch side names the device and GPU),
//        --backend NAME (ours, default wasm), --stock-kernels (tfjs's own wasm kernels, to measure
//        the patches), --wasm-threads N (XNNPACK pool threads, default one per core; 1 = the
//        single-threaded build), --no-matmul-memo (all patches but the product
//        memo), --rounds N (repeat each workload × K group N times, ours then PyTorch each time,
//        and report the median of the per-round ratios with their range), --profile (per-kernel
//        time table of one RHG outer iteration on the linear workload at each K instead of the
//        comparison; on --backend webgpu, where kernels return before the GPU is done, counts
//        instead of times: kernels, dispatches per program, submits, downloads, uploads, shader
//        compilations and buffers per outer iteration, over --iterations N counted iterations,
//        default 1, after one warm-up), --samples N (with --profile only: N training and N validation
//        samples instead of 5000; the counts per iteration do not depend on it, SwiftShader's time
//        does), --no-fused (generic ops for the softmax cross-entropy instead of the fused
//        kernels, to measure them on webgpu).
import * as tf from '@tensorflow/tfjs-core';
import * as os from 'node:os';
import * as path from 'node:path';
import { Solver } from '../src/core';
import { setFusedSoftmax } from '../src/core/autodiff/fusedSoftmax';
import { parseBackendName, parseWasmThreads, releaseBackend, selectBackend } from '../src/runtime/backend';
import type { BackendInfo } from '../src/runtime/backend';
import { startKernelTimer } from '../src/runtime/kernels/kernelTimer';
import { startWebgpuCounters } from '../src/runtime/webgpu/webgpuCounters';
import type { ProgramCounts, WebgpuCounts } from '../src/runtime/webgpu/webgpuCounters';
import { memoizeWasmMatMul } from '../src/runtime/kernels/memoizeWasmMatMul';
import type { MatMulMemoStats } from '../src/runtime/kernels/memoizeWasmMatMul';
import { combineRounds, median, roundRatio, torchSeconds } from './combineRounds';
import type { RoundResult } from './combineRounds';
import { REFERENCE_WORKLOADS } from './referenceWorkloads';
import type { ReferenceWorkload } from './referenceWorkloads';
import { defaultTorchScript, parseTorchDevice, probeTorch, runTorch } from './torchReference';
import type { TorchReferenceConfig, TorchRun } from './torchReference';
import { timeSolverSteps } from './timeSolverSteps';

/** One method as both sides run it. */
interface MethodPair {
  /** Row name in the table. */
  readonly name: string;
  /** Our method id and options for a given K. */
  readonly ours: string;
  readonly options: (K: number) => Record<string, number>;
  /** The script's method and extra flags. */
  readonly torch: string;
  readonly torchExtra?: readonly string[];
}

/** The reference matrix's methods, matched setting by setting (see the header). */
const METHOD_PAIRS: readonly MethodPair[] = [
  { name: 'rhg', ours: 'rhg', options: () => ({}), torch: 'rhg' },
  { name: 't-rhg', ours: 't-rhg', options: (K) => ({ truncation: Math.max(1, Math.floor(K / 2)) }), torch: 'trhg' },
  // A tolerance no float32 residual reaches, so both sides run exactly 10 iterations.
  { name: 'cg', ours: 'cg', options: () => ({ cgIterations: 10, cgTolerance: 1e-30 }), torch: 'cg' },
  { name: 'neumann', ours: 'neumann', options: () => ({ neumannTerms: 10 }), torch: 'ns' },
  // Our FOM is the direct term ∇_xF(x, y_K), which is 0 for hyper-cleaning; the script's `direct` mode is the same.
  { name: 'fom', ours: 'fom', options: () => ({}), torch: 'fom', torchExtra: ['--fom-mode', 'direct'] },
  // The script's hyper-cleaning default (`last-step`) is T-RHG with M = 1.
  { name: 'fom last-step', ours: 't-rhg', options: () => ({ truncation: 1 }), torch: 'fom', torchExtra: ['--fom-mode', 'last-step'] },
  { name: 'iaptt-gm', ours: 'iaptt-gm', options: () => ({}), torch: 'iaptt' },
];

interface Cell {
  readonly workload: ReferenceWorkload;
  readonly pair: MethodPair;
  readonly K: number;
}

interface Args {
  readonly quick: boolean;
  readonly profile: boolean;
  readonly workloads: string[];
  /** Whether --workloads was given (--profile defaults to the linear workload alone). */
  readonly workloadsGiven: boolean;
  readonly methods: string[] | undefined;
  readonly Ks: number[] | undefined;
  readonly iterations: number;
  /** Whether --iterations was given (the webgpu profile counts 1 iteration unless told). */
  readonly iterationsGiven: boolean;
  readonly torchIters: number;
  /** --rounds: ours-then-PyTorch repetitions of each workload × K group (default 1). */
  readonly rounds: number;
  readonly noTorch: boolean;
  readonly stockKernels: boolean;
  readonly noMemo: boolean;
  /** --no-fused: the softmax cross-entropy from generic ops. */
  readonly noFused: boolean;
  /** --samples: the profile's sample count (undefined: the workloads' 5000). */
  readonly samples?: number;
  readonly backend: string;
  /** --wasm-threads; absent: selectBackend's default (one per core). */
  readonly wasmThreads?: number;
  readonly torch: TorchReferenceConfig;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag}: needs a value`);
    return v;
  };
  const list = (flag: string): string[] | undefined => value(flag)?.split(',').filter((s) => s !== '');
  const int = (flag: string, fallback: number): number => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: must be a non-negative integer, got ${v}`);
    return n;
  };
  const quick = argv.includes('--quick');
  const workloads = list('--workloads') ?? (quick ? ['linear'] : ['linear', 'mlp']);
  for (const w of workloads) if (w !== 'linear' && w !== 'mlp') throw new Error(`--workloads: linear or mlp, got ${w}`);
  const methods = list('--methods');
  for (const m of methods ?? []) if (!METHOD_PAIRS.some((p) => p.name === m)) throw new Error(`--methods: one of ${METHOD_PAIRS.map((p) => p.name).join(', ')}; got ${m}`);
  const Ks = list('--K')?.map((k) => {
    const n = Number(k);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--K: positive integers, got ${k}`);
    return n;
  });
  const repoRoot = path.resolve(__dirname, '..');
  const openblas = value('--openblas-threads');
  const samples = value('--samples') === undefined ? undefined : int('--samples', 0);
  if (samples !== undefined && (samples < 1 || !argv.includes('--profile'))) {
    throw new Error(`--samples: a positive integer, with --profile only (the comparison runs the torch script's 5000); got ${value('--samples')}${argv.includes('--profile') ? '' : ' without --profile'}`);
  }
  return {
    quick,
    profile: argv.includes('--profile'),
    workloads,
    workloadsGiven: argv.includes('--workloads'),
    methods,
    Ks,
    iterations: int('--iterations', quick ? 2 : 3),
    iterationsGiven: argv.includes('--iterations'),
    torchIters: int('--torch-iters', quick ? 3 : 5),
    rounds: Math.max(1, int('--rounds', 1)),
    noTorch: argv.includes('--no-torch'),
    stockKernels: argv.includes('--stock-kernels'),
    noMemo: argv.includes('--no-matmul-memo'),
    noFused: argv.includes('--no-fused'),
    ...(samples !== undefined ? { samples } : {}),
    backend: value('--backend') ?? 'wasm',
    ...(value('--wasm-threads') !== undefined ? { wasmThreads: parseWasmThreads(value('--wasm-threads')!, '--wasm-threads') } : {}),
    torch: {
      script: value('--torch-script') ?? process.env['BILEVEL_TORCH_BENCH'] ?? defaultTorchScript(repoRoot),
      python: value('--python') ?? process.env['BILEVEL_PYTHON'] ?? '/usr/bin/python3',
      threads: int('--torch-threads', 1),
      ...(openblas !== undefined ? { openblasThreads: int('--openblas-threads', 0) } : {}),
      device: parseTorchDevice(value('--torch-device')),
    },
  };
}

/** The reference matrix (issue 6): linear K = 10, 50, 100 × every method; MLP K = 10 × RHG, T-RHG. */
function matrix(args: Args): Cell[] {
  const cells: Cell[] = [];
  for (const workload of REFERENCE_WORKLOADS) {
    const short = workload.id === 'hyperclean-linear' ? 'linear' : 'mlp';
    if (!args.workloads.includes(short)) continue;
    const Ks = args.Ks ?? (args.quick || short === 'mlp' ? [10] : [10, 50, 100]);
    const names = args.methods ?? (short === 'mlp' ? ['rhg', 't-rhg'] : METHOD_PAIRS.map((p) => p.name));
    for (const K of Ks) for (const pair of METHOD_PAIRS) if (names.includes(pair.name)) cells.push({ workload, pair, K });
  }
  return cells;
}

/** Our side of a cell: median seconds per outer iteration and peak bytes over the timed iterations. */
async function measureOurs(cell: Cell, iterations: number, memo: MatMulMemoStats | undefined): Promise<Record<string, number>> {
  // The memo's bytes are wasm heap that tf.memory() does not count: reported on their own.
  if (memo) memo.peakBytes = memo.bytes;
  // Two spare iterations past the timed ones, as in bench/main.ts: a run's last iteration may evaluate.
  const solver = await Solver.create(cell.workload.make(), cell.pair.ours, { lowerSteps: cell.K, iterations: iterations + 2, evalEvery: 0, ...cell.pair.options(cell.K) });
  try {
    const { seconds, kStars, baseBytes, summary } = await timeSolverSteps(solver, iterations);
    return {
      medianSeconds: seconds[Math.floor(seconds.length / 2)]!,
      minSeconds: seconds[0]!,
      peakBytes: summary.peakBytes,
      peakExtraBytes: summary.peakBytes - baseBytes,
      ...(kStars.length > 0 ? { kStar: kStars[kStars.length - 1]! } : {}),
      ...(memo ? { memoPeakBytes: memo.peakBytes } : {}),
    };
  } finally {
    solver.dispose();
  }
}

/** The script invocations of one workload × K: methods sharing flags go in one call. */
function torchRuns(cells: Cell[], iters: number): TorchRun[] {
  const groups = new Map<string, TorchRun>();
  for (const c of cells) {
    const key = (c.pair.torchExtra ?? []).join(' ');
    const g = groups.get(key);
    const methods = g ? [...g.methods, c.pair.torch] : [c.pair.torch];
    groups.set(key, { workload: c.workload.id, methods, Ks: [c.K], iters, ...(c.pair.torchExtra ? { extra: c.pair.torchExtra } : {}) });
  }
  return [...groups.values()];
}

function torchRecordFor(records: Record<string, unknown>[], cell: Cell): Record<string, unknown> | undefined {
  const mode = cell.pair.torchExtra?.[1];
  return records.find((r) => r['workload'] === cell.workload.id && r['method'] === cell.pair.torch && r['K'] === cell.K && (mode === undefined || r['fom_mode'] === mode));
}

const mb = (bytes: number | undefined): string => (bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(1));
const secs = (s: number | undefined): string => (s === undefined ? '–' : s < 0.1 ? s.toFixed(4) : s.toFixed(3));

interface Row extends RoundResult {
  readonly cell: Cell;
  /** ours / PyTorch of each round that measured both (combineRounds). */
  readonly ratios?: readonly number[];
}

function printTable(rows: Row[], torchNote: string, rounds: number): void {
  console.log('');
  const many = rounds > 1;
  console.log(`| workload | method | K | ours s/it | PyTorch s/it | ours / PyTorch${many ? ` (median of ${rounds} rounds) | range` : ''} | ours peak extra MB | ours memo MB | PyTorch peak MB | k* ours / PyTorch |`);
  console.log(`|---|---|---|---|---|---|${many ? '---|' : ''}---|---|---|---|`);
  for (const { cell, ours, oursError, torch, ratios = [] } of rows) {
    const t = torchSeconds({ torch });
    const ratio = ratios.length > 0 ? median(ratios).toFixed(2) : '–';
    const range = ratios.length > 0 ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '–';
    const kStar = ours?.['kStar'] !== undefined || torch?.['kstar_median'] !== undefined ? `${ours?.['kStar'] ?? '–'} / ${String(torch?.['kstar_median'] ?? '–')}` : '';
    const oursCell = oursError ? `error: ${oursError}` : secs(ours?.['medianSeconds']);
    const tMem = typeof torch?.['peak_mem_mb'] === 'number' ? (torch['peak_mem_mb'] as number).toFixed(1) : '–';
    console.log(`| ${cell.workload.label} | ${cell.pair.name} | ${cell.K} | ${oursCell} | ${secs(t)} | ${ratio}${many ? ` | ${range}` : ''} | ${mb(ours?.['peakExtraBytes'])} | ${mb(ours?.['memoPeakBytes'])} | ${tMem} | ${kStar} |`);
  }
  console.log('');
  console.log(torchNote);
}

/**
 * `--profile`: one RHG outer iteration per K (default 10, 50) on the linear workload (or --workloads),
 * timed kernel by kernel; on webgpu counted instead (profileWebgpuOne).
 */
async function profile(args: Args, backend: BackendInfo, memo: MatMulMemoStats | undefined): Promise<void> {
  const workloads = args.workloadsGiven ? REFERENCE_WORKLOADS.filter((w) => args.workloads.includes(w.id === 'hyperclean-linear' ? 'linear' : 'mlp')) : [REFERENCE_WORKLOADS[0]!];
  for (const workload of workloads) {
    for (const K of args.Ks ?? [10, 50]) {
      if (backend.name === 'webgpu') await profileWebgpuOne(backend, workload, K, args.iterationsGiven ? Math.max(1, args.iterations) : 1, { samples: args.samples, fused: !args.noFused });
      else await profileOne(backend.name, workload, K, memo, args.samples);
    }
  }
}

const COUNT_KEYS = ['kernels', 'dispatches', 'submits', 'downloads', 'downloadBytes', 'syncReads', 'uploads', 'uploadBytes', 'newPipelines', 'buffersCreated', 'buffersReused'] as const;

/** The mean of per-iteration counts (equal to each when every iteration does the same work), and the totals that differed between iterations. */
function perIteration(runs: readonly WebgpuCounts[]): { mean: WebgpuCounts; varies: string[] } {
  const n = runs.length;
  const mean = (values: number[]): number => +(values.reduce((s, v) => s + v, 0) / n).toFixed(2);
  const keysOf = (pick: (r: WebgpuCounts) => Record<string, unknown>): string[] => [...new Set(runs.flatMap((r) => Object.keys(pick(r))))];
  const byProgram: Record<string, ProgramCounts> = {};
  for (const p of keysOf((r) => r.byProgram)) {
    byProgram[p] = { dispatches: mean(runs.map((r) => r.byProgram[p]?.dispatches ?? 0)), newPipelines: mean(runs.map((r) => r.byProgram[p]?.newPipelines ?? 0)) };
  }
  const byKernel: Record<string, number> = {};
  for (const k of keysOf((r) => r.byKernel)) byKernel[k] = mean(runs.map((r) => r.byKernel[k] ?? 0));
  const totals = Object.fromEntries(COUNT_KEYS.map((k) => [k, mean(runs.map((r) => r[k]))])) as Pick<WebgpuCounts, (typeof COUNT_KEYS)[number]>;
  const varies = COUNT_KEYS.filter((k) => runs.some((r) => r[k] !== runs[0]![k]));
  return { mean: { ...totals, byProgram: sortedBy(byProgram, (c) => c.dispatches), byKernel: sortedBy(byKernel, (c) => c) }, varies };
}

/** A record's entries, largest first, so the JSON line reads like a table. */
function sortedBy<T>(record: Record<string, T>, size: (v: T) => number): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort((a, b) => size(b[1]) - size(a[1])));
}

/**
 * Counts what `iterations` RHG outer iterations (after a warm-up one, which compiles the shaders)
 * make the webgpu backend do, and prints them per iteration: counts, not times, since on a GPU
 * kernels return before the work ends and the counts do not depend on the device (SwiftShader or a GPU).
 */
async function profileWebgpuOne(backend: BackendInfo, workload: ReferenceWorkload, K: number, iterations: number, { samples, fused }: { samples: number | undefined; fused: boolean }): Promise<void> {
  const solver = await Solver.create(workload.make(samples), 'rhg', { lowerSteps: K, iterations: iterations + 3, evalEvery: 0 });
  try {
    await solver.step();
    const runs: WebgpuCounts[] = [];
    const counters = startWebgpuCounters();
    try {
      for (let i = 0; i < iterations; i++) {
        counters.reset();
        await solver.step();
        runs.push(counters.snapshot());
      }
    } finally {
      counters.stop();
    }
    const { mean: c, varies } = perIteration(runs);
    const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
    console.log(`\nRHG, ${workload.label}, K = ${K}, per outer iteration on ${backend.detail} (${iterations} counted after 1 warm-up${varies.length > 0 ? `; differing between iterations: ${varies.join(', ')}` : ''}):`);
    console.log(`${c.kernels} kernels, ${c.dispatches} GPU dispatches, ${c.submits} submits, ${c.downloads} downloads (${kb(c.downloadBytes)} KiB), ${c.syncReads} sync reads, ${c.uploads} uploads (${kb(c.uploadBytes)} KiB), ${c.newPipelines} new pipelines, buffers ${c.buffersCreated} created / ${c.buffersReused} reused.`);
    console.log('| program | dispatches | share | new pipelines |');
    console.log('|---|---|---|---|');
    for (const [p, v] of Object.entries(c.byProgram).slice(0, 15)) console.log(`| ${p} | ${v.dispatches} | ${c.dispatches > 0 ? ((100 * v.dispatches) / c.dispatches).toFixed(1) : '0'}% | ${v.newPipelines} |`);
    console.log(`\nBy kernel: ${Object.entries(c.byKernel).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    console.log(JSON.stringify({ bench: 'compare-profile-webgpu', backend: backend.name, adapter: backend.detail, workload: workload.id, samples: samples ?? 5000, fused, method: 'rhg', K, iterations, ...(varies.length > 0 ? { varies } : {}), perIteration: c }));
  } finally {
    solver.dispose();
  }
}

/** Times one RHG outer iteration (after a warm-up one) kernel by kernel and prints the table. */
async function profileOne(backendName: string, workload: ReferenceWorkload, K: number, memo: MatMulMemoStats | undefined, samples: number | undefined): Promise<void> {
  const solver = await Solver.create(workload.make(samples), 'rhg', { lowerSteps: K, iterations: 4, evalEvery: 0 });
  try {
    await solver.step();
    const memoBefore = memo ? { ...memo } : undefined;
    const timer = startKernelTimer(backendName);
    const t0 = performance.now();
    try {
      await solver.step();
    } finally {
      timer.stop();
    }
    const totalMs = performance.now() - t0;
    const rows = timer.table();
    const kernelMs = rows.reduce((s, r) => s + r.totalMs, 0);
    const calls = rows.reduce((s, r) => s + r.calls, 0);
    const byKernel = new Map<string, { ms: number; calls: number }>();
    for (const r of rows) {
      const k = byKernel.get(r.kernel) ?? { ms: 0, calls: 0 };
      byKernel.set(r.kernel, { ms: k.ms + r.totalMs, calls: k.calls + r.calls });
    }
    console.log(`\nRHG, ${workload.label}, K = ${K}, one outer iteration on ${backendName}: ${totalMs.toFixed(0)} ms, of which ${kernelMs.toFixed(0)} ms in ${calls} kernel calls (the rest: tfjs engine, tape, JS).`);
    console.log('| kernel | input shapes | calls | total ms | share |');
    console.log('|---|---|---|---|---|');
    for (const r of rows.slice(0, 15)) console.log(`| ${r.kernel} | ${r.signature} | ${r.calls} | ${r.totalMs.toFixed(1)} | ${((100 * r.totalMs) / totalMs).toFixed(1)}% |`);
    if (memo && memoBefore) console.log(`\nBatchMatMul memo: ${memo.hits - memoBefore.hits} hits, ${memo.misses - memoBefore.misses} misses in this iteration.`);
    console.log(`\nBy kernel: ${[...byKernel].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => `${k} ${v.ms.toFixed(0)} ms (${v.calls})`).join(', ')}`);
    console.log(JSON.stringify({ bench: 'compare-profile', backend: backendName, workload: workload.id, method: 'rhg', K, totalMs, kernelMs, calls, byKernel: Object.fromEntries([...byKernel].map(([k, v]) => [k, { ms: +v.ms.toFixed(2), calls: v.calls }])) }));
  } finally {
    solver.dispose();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await selectBackend(parseBackendName(args.backend), {
    wasmKernels: args.stockKernels ? 'stock' : args.noMemo ? 'no-memo' : 'patched',
    ...(args.wasmThreads !== undefined ? { wasmThreads: args.wasmThreads } : {}),
  });
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical cores, node ${process.version}`;
  // The installed memo's live statistics (memoizeWasmMatMul returns them; it would install one if off).
  const memo = args.noMemo || args.stockKernels || backend.name !== 'wasm' ? undefined : memoizeWasmMatMul();
  console.log(JSON.stringify({ bench: 'compare-start', backend: backend.name, backendDetail: backend.detail, kernels: args.stockKernels ? 'stock' : args.noMemo ? 'patched, no matmul memo' : 'patched', fusedSoftmax: !args.noFused, machine, tfjs: tf.version_core, date: new Date().toISOString() }));
  // Off before the first kernel runs, for an A/B of the fused softmax cross-entropy.
  if (args.noFused) setFusedSoftmax(false);
  if (args.profile) {
    await profile(args, backend, memo);
    releaseBackend();
    return;
  }
  const torch = args.noTorch ? ({ ok: false, reason: 'skipped (--no-torch)' } as const) : probeTorch(args.torch);
  const torchDevice = args.torch.device;
  const torchWhere = torchDevice === 'cuda'
    ? `on cuda (${torch.ok ? torch.gpu : '?'})`
    : `on the CPU, torch intra-op threads ${args.torch.threads}, OPENBLAS_NUM_THREADS ${args.torch.openblasThreads ?? 'unset (OpenBLAS uses every core)'}`;
  const torchNote = torch.ok
    ? `PyTorch ${torch.version} (${args.torch.python} ${args.torch.script}) ${torchWhere}; ours: ${backend.detail.split(', binaries')[0]}. Times: median seconds per outer iteration.`
    : `PyTorch reference not run: ${torch.reason}. Our numbers only.`;
  console.log(JSON.stringify({ bench: 'compare-torch', available: torch.ok, device: torchDevice, ...(torch.ok ? { version: torch.version, ...(torch.gpu !== undefined ? { gpu: torch.gpu } : {}) } : { reason: torch.reason }) }));
  const cells = matrix(args);
  const rows: Row[] = [];
  const started = Date.now();
  // One workload × K at a time, ours then PyTorch, so both sides see the same machine load.
  const groups = new Map<string, Cell[]>();
  for (const c of cells) groups.set(`${c.workload.id}|${c.K}`, [...(groups.get(`${c.workload.id}|${c.K}`) ?? []), c]);
  for (const group of groups.values()) {
    const rounds = new Map<Cell, Row[]>(group.map((c) => [c, []]));
    for (let round = 1; round <= args.rounds; round++) {
      const ours = new Map<Cell, Row>();
      for (const cell of group) {
        try {
          ours.set(cell, { cell, ours: await measureOurs(cell, args.iterations, memo) });
        } catch (e) {
          ours.set(cell, { cell, oursError: e instanceof Error ? e.message : String(e) });
        }
      }
      const records: Record<string, unknown>[] = [];
      let torchError: string | undefined;
      if (torch.ok) {
        try {
          for (const run of torchRuns(group, args.torchIters)) records.push(...runTorch(args.torch, run));
        } catch (e) {
          torchError = e instanceof Error ? e.message : String(e);
        }
      }
      for (const cell of group) {
        const row: Row = { ...ours.get(cell)!, ...(torch.ok ? { torch: torchRecordFor(records, cell) } : {}) };
        rounds.get(cell)!.push(row);
        const t = row.torch;
        const ratio = roundRatio(row);
        console.log(
          JSON.stringify({
            bench: 'compare',
            workload: cell.workload.id,
            method: cell.pair.name,
            K: cell.K,
            ...(args.rounds > 1 ? { round } : {}),
            ours: { method: cell.pair.ours, options: cell.pair.options(cell.K), backend: backend.name, ...(row.ours ?? { error: row.oursError }) },
            ...(torch.ok
              ? { torch: t ? { method: cell.pair.torch, extra: cell.pair.torchExtra ?? [], device: t['device'] ?? torchDevice, device_name: t['device_name'], median_s: t['median_s'], min_s: t['min_s'], peak_mem_mb: t['peak_mem_mb'], kstar_median: t['kstar_median'], error: t['error'] } : { device: torchDevice, error: torchError ?? 'no record' } }
              : {}),
            ...(ratio !== undefined ? { ratio } : {}),
          }),
        );
      }
    }
    for (const cell of group) {
      const row = combineRounds(rounds.get(cell)!);
      rows.push(row);
      if (args.rounds > 1 && row.ratios && row.ratios.length > 0) {
        const r = row.ratios;
        console.log(JSON.stringify({ bench: 'compare-rounds', workload: cell.workload.id, method: cell.pair.name, K: cell.K, rounds: args.rounds, ratioMedian: median(r), ratioMin: Math.min(...r), ratioMax: Math.max(...r), ratios: r }));
      }
    }
  }
  printTable(rows, torchNote, args.rounds);
  console.log(JSON.stringify({ bench: 'compare-done', seconds: (Date.now() - started) / 1000, torch: torch.ok, torchDevice }));
  releaseBackend();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
