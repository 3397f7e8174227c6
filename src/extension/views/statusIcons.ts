// The codicons (and theme colours) the history draws for a run's and a sweep's status: one table, so a
// sweep reads like its runs.
import type { RunStatus } from '../../protocol/metrics';
import type { SweepStatus } from '../../protocol/sweep';

/** A codicon id and an optional theme colour id. */
export interface StatusIcon {
  readonly id: string;
  readonly color?: string;
}

/** Status icons of the history view. */
export const STATUS_ICONS: Readonly<Record<RunStatus, StatusIcon>> = {
  queued: { id: 'clock' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  diverged: { id: 'warning', color: 'list.warningForeground' },
  interrupted: { id: 'debug-disconnect', color: 'list.warningForeground' },
};

/** Status icons of sweeps: a run's icon for the same word, a diverged run's warning for `partial`. */
export const SWEEP_ICONS: Readonly<Record<SweepStatus, StatusIcon>> = {
  queued: STATUS_ICONS.queued,
  running: STATUS_ICONS.running,
  completed: STATUS_ICONS.completed,
  partial: STATUS_ICONS.diverged,
  failed: STATUS_ICONS.failed,
  cancelled: STATUS_ICONS.cancelled,
};
