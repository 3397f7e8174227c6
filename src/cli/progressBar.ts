// Progress of a run on the terminal: a redrawn one-line bar on a TTY, else a plain line every ~10%.
import type { IterationRecord } from '../protocol/metrics';
import { formatDuration, formatNumber } from './formatTable';

/** Where progress goes; `isTTY` picks the bar over plain lines. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Reports outer iterations of one run of `total` iterations. */
export class ProgressBar {
  // The first record seen (its iteration count and time): the pace is measured from there, so the
  // first iteration's warm-up (tracing, kernel compilation) does not count in the ETA.
  private first: { readonly done: number; readonly at: number } | undefined;
  private lastDraw = 0;
  private nextPlain = 0;
  private drawn = false;

  constructor(
    private readonly out: ProgressSink,
    private readonly total: number,
    private readonly label: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Shows the state after `record` (redraws at most every 100 ms on a TTY). */
  update(record: IterationRecord): void {
    const done = record.iteration + 1;
    const now = this.clock();
    const at = record.time ?? now;
    this.first ??= { done, at };
    const eta = estimateRemainingMs(this.first, { done, at }, this.total);
    const facts = `${done}/${this.total}  F ${formatNumber(record.upperLoss)}  ‖g‖ ${formatNumber(record.hypergradNorm)}${eta !== undefined ? `  ETA ${formatDuration(eta)}` : ''}`;
    if (this.out.isTTY) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const barWidth = 20;
      const filled = Math.round((barWidth * done) / this.total);
      const line = `${this.label} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${facts}`;
      const cols = this.out.columns || 100;
      this.out.write(`\r\x1b[2K${[...line].slice(0, Math.max(10, cols - 1)).join('')}`);
      this.drawn = true;
      return;
    }
    // Plain output (a pipe or a log file): one line about every 10% of the iterations, and the last.
    if (done >= this.nextPlain || done === this.total) {
      this.out.write(`${this.label} ${facts}\n`);
      this.nextPlain = done + Math.max(1, Math.ceil(this.total / 10));
    }
  }

  /** Ends the bar's line so later output starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/**
 * Remaining time at the pace since `first` (iterations done and when): none until an iteration
 * after the first is done, so the first iteration's warm-up never inflates it.
 */
export function estimateRemainingMs(first: { readonly done: number; readonly at: number }, last: { readonly done: number; readonly at: number }, total: number): number | undefined {
  if (last.done <= first.done) return undefined;
  const pace = Math.max(0, last.at - first.at) / (last.done - first.done);
  return pace * Math.max(0, total - last.done);
}
