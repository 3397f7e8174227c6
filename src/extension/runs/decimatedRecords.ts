// A live run's records in bounded host memory. A fast toy writes thousands of records a second and
// the extension host lives for days, so the host keeps a decimated series instead of every record:
// iterations fall into buckets of `stride` iterations, and each bucket keeps its first record and,
// for every charted series (the catalog's metrics, evals, numeric stats), the records with its
// smallest and largest value. When the buckets hold too many records the stride doubles and
// neighbours merge (min of mins, max of maxes), so the first iteration and every series' extremes
// over the whole run always survive, as in the panel's own min/max decimation (protocol/chartData.ts).
// The latest records are kept as they are. The store's metrics.jsonl has every record; the panel
// reads it once the run is over.
import { isEvalMetric, statNumber } from '../../protocol/chartData';
import { METRICS } from '../../protocol/metricCatalog';
import type { IterationRecord } from '../../protocol/metrics';

/** Records a live run keeps at most, the latest ones included. */
export const LIVE_RECORDS_BOUND = 4096;

/** The latest records, always kept whole (the panel's progress, ETA and last values read them). */
const TAIL = 64;

/** Evals and stats whose extremes are tracked per bucket; a run with more (hundreds of stats) tracks the first ones seen. */
const MAX_EVAL_SERIES = 16;
const MAX_STAT_SERIES = 40;

/** Series tracked at most: the catalog's metrics, then evals and stats, each with a cap of its own. */
const MAX_SERIES = METRICS.length + MAX_EVAL_SERIES + MAX_STAT_SERIES;

/** The most distinct records one bucket can hold: its first record and a min and a max per series. */
const BUCKET_MAX = 1 + 2 * MAX_SERIES;

/** One span of `stride` iterations. */
interface Bucket {
  /** The first iteration it covers (a multiple of the stride). */
  start: number;
  first: IterationRecord;
  /** By series index: the record with the smallest (largest) value, and that value. */
  readonly minRecord: (IterationRecord | undefined)[];
  readonly minValue: number[];
  readonly maxRecord: (IterationRecord | undefined)[];
  readonly maxValue: number[];
  /** Distinct records held, counted when the bucket was closed. */
  size: number;
}

/** The records of one live run, decimated to at most {@link LIVE_RECORDS_BOUND}. */
export class DecimatedRecords {
  private buckets: Bucket[] = [];
  private stride = 1;
  /** Distinct records in every bucket but the last (the open one). */
  private closedSize = 0;
  private readonly tail: IterationRecord[] = [];
  private tailNext = 0;
  /** Series indices of eval names and stat keys (the catalog's metrics take the first ones). */
  private readonly evalIndex = new Map<string, number>();
  private readonly statIndex = new Map<string, number>();
  private seriesCount = METRICS.length;
  private lastIteration = -1;
  private count = 0;
  private cleared = false;
  /** What the closed buckets may hold: the bound less the open bucket and the tail. */
  private readonly budget: number;

  constructor(bound: number = LIVE_RECORDS_BOUND) {
    // Two full buckets must fit, or doubling the stride could not get under the bound.
    this.budget = Math.max(bound, 2 * BUCKET_MAX + BUCKET_MAX + TAIL) - BUCKET_MAX - TAIL;
  }

  /** Records received (kept or not). */
  get received(): number {
    return this.count;
  }

  /** True while every received record is kept (nothing was decimated or cleared yet). */
  get complete(): boolean {
    return this.stride === 1 && !this.cleared;
  }

  /** Adds records in iteration order; records at or before the last iteration are ignored (as the panel does). */
  push(records: readonly IterationRecord[]): void {
    for (const r of records) {
      if (!(r.iteration > this.lastIteration)) continue;
      this.lastIteration = r.iteration;
      this.count++;
      if (this.tail.length < TAIL) this.tail.push(r);
      else this.tail[this.tailNext] = r;
      this.tailNext = (this.tailNext + 1) % TAIL;
      this.observe(this.bucketFor(r), r);
    }
  }

  /** The kept records in iteration order: the first, each series' extremes per bucket, the latest. */
  records(): IterationRecord[] {
    const kept = new Set<IterationRecord>(this.tail);
    for (const b of this.buckets) addRecords(kept, b);
    return [...kept].sort((a, b) => a.iteration - b.iteration);
  }

  /** Drops everything (the run finished and the store has its records). */
  clear(): void {
    this.cleared = true;
    this.buckets = [];
    this.tail.length = 0;
    this.tailNext = 0;
    this.closedSize = 0;
  }

  /** The bucket of record `r`: the open one, or a new one after closing it (doubling the stride while over budget). */
  private bucketFor(r: IterationRecord): Bucket {
    const open = this.buckets.at(-1);
    if (open && this.startOf(r.iteration) === open.start) return open;
    if (open) {
      open.size = distinctCount(open);
      this.closedSize += open.size;
    }
    while (this.closedSize > this.budget && this.buckets.length > 1) this.doubleStride();
    const last = this.buckets.at(-1);
    if (last && this.startOf(r.iteration) === last.start) {
      // After merging, the last bucket covers this record: it is open again.
      this.closedSize -= last.size;
      return last;
    }
    const bucket: Bucket = { start: this.startOf(r.iteration), first: r, minRecord: [], minValue: [], maxRecord: [], maxValue: [], size: 0 };
    this.buckets.push(bucket);
    return bucket;
  }

  private startOf(iteration: number): number {
    return Math.floor(iteration / this.stride) * this.stride;
  }

  /** Merges neighbouring buckets into buckets of twice the stride (all buckets are closed here). */
  private doubleStride(): void {
    this.stride *= 2;
    const merged: Bucket[] = [];
    for (const b of this.buckets) {
      b.start = this.startOf(b.start);
      const into = merged.at(-1);
      if (into && into.start === b.start) mergeInto(into, b);
      else merged.push(b);
    }
    this.buckets = merged;
    this.closedSize = 0;
    for (const b of merged) {
      b.size = distinctCount(b);
      this.closedSize += b.size;
    }
  }

  /** Keeps `r` in `b` where it is a new extreme of one of its series (the catalog's metrics are series 0…). */
  private observe(b: Bucket, r: IterationRecord): void {
    for (let i = 0; i < METRICS.length; i++) observeValue(b, r, i, METRICS[i]!.read(r));
    if (r.evals) {
      for (const name in r.evals) {
        if (!isEvalMetric(name)) continue;
        const i = this.indexOf(this.evalIndex, name, MAX_EVAL_SERIES);
        if (i >= 0) observeValue(b, r, i, r.evals[name]);
      }
    }
    for (const key in r.stats) {
      const i = this.indexOf(this.statIndex, key, MAX_STAT_SERIES);
      if (i >= 0) observeValue(b, r, i, statNumber(r.stats[key]));
    }
  }

  /** The series index of `key` in `index` (evals or stats), made on first sight; −1 once `index` holds `cap` keys. */
  private indexOf(index: Map<string, number>, key: string, cap: number): number {
    const known = index.get(key);
    if (known !== undefined) return known;
    if (index.size >= cap) return -1;
    index.set(key, this.seriesCount);
    return this.seriesCount++;
  }
}

/** Records `r` as the bucket's new min or max of series `i`; non-finite values are not drawn (a diverged run says so in its status). */
function observeValue(b: Bucket, r: IterationRecord, i: number, y: number | undefined): void {
  if (y === undefined || !Number.isFinite(y)) return;
  if (b.minRecord[i] === undefined || y < b.minValue[i]!) {
    b.minRecord[i] = r;
    b.minValue[i] = y;
  }
  if (b.maxRecord[i] === undefined || y > b.maxValue[i]!) {
    b.maxRecord[i] = r;
    b.maxValue[i] = y;
  }
}

/** Folds `later` (the next bucket) into `b`: the earlier first record, the smaller min, the larger max (ties: the earlier). */
function mergeInto(b: Bucket, later: Bucket): void {
  const n = Math.max(later.minRecord.length, later.maxRecord.length);
  for (let i = 0; i < n; i++) {
    const min = later.minRecord[i];
    if (min !== undefined && (b.minRecord[i] === undefined || later.minValue[i]! < b.minValue[i]!)) {
      b.minRecord[i] = min;
      b.minValue[i] = later.minValue[i]!;
    }
    const max = later.maxRecord[i];
    if (max !== undefined && (b.maxRecord[i] === undefined || later.maxValue[i]! > b.maxValue[i]!)) {
      b.maxRecord[i] = max;
      b.maxValue[i] = later.maxValue[i]!;
    }
  }
}

function addRecords(set: Set<IterationRecord>, b: Bucket): void {
  set.add(b.first);
  for (const r of b.minRecord) if (r !== undefined) set.add(r);
  for (const r of b.maxRecord) if (r !== undefined) set.add(r);
}

function distinctCount(b: Bucket): number {
  const set = new Set<IterationRecord>();
  addRecords(set, b);
  return set.size;
}
