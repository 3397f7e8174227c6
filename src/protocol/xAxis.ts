// What a chart can plot its metrics against: one list for the live panel and the HTML report, so a
// comparison between methods of different cost per iteration reads the same everywhere. Imports only
// protocol.
import type { IterationRecord } from './metrics';

/**
 * `iteration`: outer iteration; `time`: wall seconds since the run's first record; `gradientEvals`,
 * `hvpEvals`: cumulative first- and second-order evaluations; `oracleCalls`: both together.
 */
export type XAxisKey = 'iteration' | 'time' | 'gradientEvals' | 'hvpEvals' | 'oracleCalls';

/** An x axis: its key, the label under the chart, and the word a "to reach the target" column uses. */
export interface XAxisDecl {
  readonly key: XAxisKey;
  readonly label: string;
  readonly short: string;
}

/** Every x axis, in the order a picker lists them. */
export const X_AXES: readonly XAxisDecl[] = [
  { key: 'iteration', label: 'outer iteration', short: 'iterations' },
  { key: 'time', label: 'wall time (s)', short: 'time (s)' },
  { key: 'gradientEvals', label: 'gradient evaluations', short: 'gradients' },
  { key: 'hvpEvals', label: 'Hessian-vector products', short: 'HVPs' },
  { key: 'oracleCalls', label: 'oracle calls (gradients + HVPs)', short: 'oracle calls' },
];

/** True for a known x-axis key (a value read back from saved webview state or a flag). */
export function isXAxisKey(value: unknown): value is XAxisKey {
  return X_AXES.some((a) => a.key === value);
}

/**
 * The x of `record` on axis `key`; `t0` is the `time` of the run's first record. Undefined when the
 * record cannot say (no `time` on a wall-time axis, a record written before cost counters existed).
 */
export function xOf(key: XAxisKey, record: Pick<IterationRecord, 'iteration' | 'time' | 'gradientEvals' | 'hvpEvals'>, t0: number | undefined): number | undefined {
  switch (key) {
    case 'iteration':
      return record.iteration;
    case 'time':
      return t0 !== undefined && record.time !== undefined ? (record.time - t0) / 1000 : undefined;
    case 'gradientEvals':
      return finite(record.gradientEvals);
    case 'hvpEvals':
      return finite(record.hvpEvals);
    case 'oracleCalls': {
      const g = finite(record.gradientEvals);
      const h = finite(record.hvpEvals);
      return g !== undefined && h !== undefined ? g + h : undefined;
    }
  }
}

function finite(v: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
