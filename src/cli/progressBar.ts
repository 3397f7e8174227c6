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
  private readonly started = Date.now();
  private lastDraw = 0;
  private nextPlain = 0;
  private drawn = false;

  constructor(
    private readonly out: ProgressSink,
    private readonly total: number,
    private readonly label: string,
  ) {}

  /** Shows the state after `record` (redraws at most every 100 ms on a TTY). */
  update(record: IterationRecord): void {
    const done = record.iteration + 1;
    const elapsed = Date.now() - this.started;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : 0;
    const facts = `${done}/${this.total}  F ${formatNumber(record.upperLoss)}  ‖g‖ ${formatNumber(record.hypergradNorm)}  ETA ${formatDuration(eta)}`;
    if (this.out.isTTY) {
      const now = Date.now();
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
