// Every id the extension shares with package.json (commands, views, settings, context keys), in one
// place like denoland/vscode_deno's constants.ts. test/unit/extension/manifest.test.ts checks that
// package.json declares exactly these.

/** Command ids (`bilevel.verbNoun`, category "Bilevel" in package.json). */
export const Commands = {
  runProblem: 'bilevel.runProblem',
  compareMethods: 'bilevel.compareMethods',
  runPreset: 'bilevel.runPreset',
  checkHypergradient: 'bilevel.checkHypergradient',
  newProblemFile: 'bilevel.newProblemFile',
  cancelRun: 'bilevel.cancelRun',
  openRun: 'bilevel.openRun',
  rerun: 'bilevel.rerun',
  compareSelected: 'bilevel.compareSelected',
  renameRun: 'bilevel.renameRun',
  addNote: 'bilevel.addNote',
  deleteRun: 'bilevel.deleteRun',
  revealRunFolder: 'bilevel.revealRunFolder',
  exportCsv: 'bilevel.exportCsv',
  exportChart: 'bilevel.exportChart',
  refreshHistory: 'bilevel.refreshHistory',
  cancelAll: 'bilevel.cancelAll',
  showCheckDetails: 'bilevel.showCheckDetails',
  openExperiments: 'bilevel.openExperiments',
  newSweep: 'bilevel.newSweep',
  openSweep: 'bilevel.openSweep',
  cancelSweep: 'bilevel.cancelSweep',
  submitSweepSlurm: 'bilevel.submitSweepSlurm',
} as const;

/** One of the extension's command ids. */
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The activity-bar container and the history tree view inside it. */
export const VIEW_CONTAINER_ID = 'bilevel';
export const HISTORY_VIEW_ID = 'bilevel.history';

/** The live run panel's webview type (also its serializer's and `onWebviewPanel:` activation's). */
export const RUN_PANEL_VIEW_TYPE = 'bilevel.runPanel';

/** The check details view's webview type. */
export const CHECK_DETAILS_VIEW_TYPE = 'bilevel.checkDetails';

/** The experiments table's webview type (its serializer's and `onWebviewPanel:` activation's too). */
export const EXPERIMENTS_VIEW_TYPE = 'bilevel.experiments';

/** Context keys set with `setContext`. */
export const ContextKeys = {
  /** True while at least one run of this window is queued or running. */
  running: 'bilevel.running',
  /** True when `sbatch` is on PATH at activation (Submit Sweep to SLURM… shows then). */
  sbatchAvailable: 'bilevel.sbatchAvailable',
} as const;

/** The settings section: every setting is `bilevel.<area>.<name>` (see config.ts). */
export const CONFIG_SECTION = 'bilevel';

/** Name of the output channel (check results, worker warnings, store problems). */
export const OUTPUT_CHANNEL_NAME = 'Bilevel Lab';

/** Glob of problem files, for code lenses and the file pickers. */
export const PROBLEM_FILE_GLOB = '**/*.bilevel.ts';

/** The built-in VS Code command that opens the Workspace Trust editor (used by the untrusted lens). */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** `contextValue` prefixes of history tree items, matched by package.json `view/item/context` menus. */
export const TreeItemContext = {
  /** A problem group. */
  group: 'bilevelGroup',
  /** A problem group with queued or running runs of this window (its menu has Cancel all). */
  groupActive: 'bilevelGroup.active',
  /** Added to a run's context value when the run has a stored hypergradient check. */
  checkSuffix: '.check',
  /** A run: `bilevelRun.<status>` (e.g. `bilevelRun.running`, `bilevelRun.completed`). */
  runPrefix: 'bilevelRun.',
  /** A queued run that has no run id yet. */
  queued: 'bilevelQueued',
  /** A run folder whose run.json is missing or unreadable (reveal, delete). */
  unreadable: 'bilevelUnreadable',
  /** A sweep: `bilevelSweep.<status>` (`bilevelSweep.running`, `bilevelSweep.completed`, …); Cancel on queued and running. */
  sweepPrefix: 'bilevelSweep.',
} as const;
