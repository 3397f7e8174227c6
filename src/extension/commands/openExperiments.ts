// `Bilevel: Open Experiments Table`: every run of the workspace in one sortable, filterable table
// (views/experimentsPanel.ts), from the palette or the history view's title bar.
import type { CommandContext } from './context';
import { ExperimentsPanel } from '../views/experimentsPanel';

/** `bilevel.openExperiments`: shows the experiments table (one per window; an open one is revealed). */
export const openExperiments = (ctx: CommandContext) => (): boolean => {
  ExperimentsPanel.show(ctx);
  return true;
};
