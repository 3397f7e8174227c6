// Progress of a run on the terminal: a redrawn one-line bar on a TTY, else a plain line every ~10%.
// The bar counts toward the limit that will end the run: its outer iterations, or its oracle-call
// budget (`--max-oracle-calls`) when that is reached first: the rule of src/protocol/progressToward.ts,
// which the live panel's progress line follows too.
import type { IterationRecord } from '../protocol/metrics';
import { estimateRemainingMs, progressToward, type ProgressLimits, type ProgressPosition, type ProgressUnit } from '../protocol/progressToward';
import { formatDuration, formatNumber } from './formatTable';

/** Where progress goes; `isTTY` picks the bar over plain lines. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** The bar's count: `5/10` without a budget; with one, the unit named (`1230/6000 oracle calls · it 30`, `5/10 iterations`). */
export function progressCount(position: ProgressPosition, budgeted: boolean): string {
  const count = `${position.done}/${position.total}`;
  if (!budgeted) return count;
  return position.unit === 'oracle calls' ? `${count} oracle calls · it ${position.iterations}` : `${count} iterations`;
}

/** Reports outer iterations of one run, toward its iteration count or its oracle-call budget. */
export class ProgressBar {
  // The first record seen (its iterations, oracle calls and time): the pace is measured from there, so
  // the first iteration's warm-up (tracing, kernel compilation) does not count in the ETA.
  private first: { readonly iterations: number; readonly calls: number; readonly at: number } | undefined;
  private lastDraw = 0;
  private nextPlain = 0;
  private plainUnit: ProgressUnit | undefined;
  private drawn = false;

  constructor(
    private readonly out: ProgressSink,
    private readonly limits: ProgressLimits,
    private readonly label: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Shows the state after `record` (redraws at most every 100 ms on a TTY). */
  update(record: IterationRecord): void {
    const position = progressToward(record, this.limits);
    const { done, total } = position;
    const now = this.clock();
    const at = record.time ?? now;
    const calls = record.gradientEvals + record.hvpEvals;
    this.first ??= { iterations: position.iterations, calls, at };
    const firstDone = position.unit === 'oracle calls' ? this.first.calls : this.first.iterations;
    const eta = estimateRemainingMs({ done: firstDone, at: this.first.at }, { done, at }, total);
    const facts = `${progressCount(position, this.limits.maxOracleCalls > 0)}  F ${formatNumber(record.upperLoss)}  ‖g‖ ${formatNumber(record.hypergradNorm)}${eta !== undefined ? `  ETA ${formatDuration(eta)}` : ''}`;
    if (this.out.isTTY) {
      if (now - this.lastDraw < 100 && done < total) return;
      this.lastDraw = now;
      const barWidth = 20;
      const filled = Math.min(barWidth, Math.round((barWidth * done) / total));
      const line = `${this.label} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${facts}`;
      const cols = this.out.columns || 100;
      this.out.write(`\r\x1b[2K${[...line].slice(0, Math.max(10, cols - 1)).join('')}`);
      this.drawn = true;
      return;
    }
    // Plain output (a pipe or a log file): one line about every 10% of the limit, and the last. A
    // change of unit (the other limit became the nearer one) prints at once and restarts the count.
    if (position.unit !== this.plainUnit) {
      this.plainUnit = position.unit;
      this.nextPlain = 0;
    }
    if (done >= this.nextPlain || done >= total) {
      this.out.write(`${this.label} ${facts}\n`);
      this.nextPlain = done + Math.max(1, Math.ceil(total / 10));
    }
  }

  /** Ends the bar's line so later output starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
