// Every command of the extension, by id (rust-analyzer's createCommands): extension.ts registers
// this table, and test/unit/extension/manifest.test.ts checks package.json declares the same ids.
import { Commands, type CommandId } from '../ids';
import type { CommandContext, CommandFactory } from './context';
import { exportChart, exportCsv } from './exportCommands';
import { addNote, compareSelected, deleteRun, openRun, refreshHistory, renameRun, revealRunFolder } from './historyCommands';
import { newProblemFile } from './newProblemFile';
import { cancelRun, checkHypergradient, compareMethods, rerun, runProblem } from './runCommands';
import { runPreset } from './runPreset';

/** The factory of each command. */
export const COMMAND_FACTORIES: Readonly<Record<CommandId, CommandFactory>> = {
  [Commands.runProblem]: runProblem,
  [Commands.compareMethods]: compareMethods,
  [Commands.runPreset]: runPreset,
  [Commands.checkHypergradient]: checkHypergradient,
  [Commands.newProblemFile]: newProblemFile,
  [Commands.cancelRun]: cancelRun,
  [Commands.openRun]: openRun,
  [Commands.rerun]: rerun,
  [Commands.compareSelected]: compareSelected,
  [Commands.renameRun]: renameRun,
  [Commands.addNote]: addNote,
  [Commands.deleteRun]: deleteRun,
  [Commands.revealRunFolder]: revealRunFolder,
  [Commands.exportCsv]: exportCsv,
  [Commands.exportChart]: exportChart,
  [Commands.refreshHistory]: refreshHistory,
};

/** The handlers, made from the context. */
export function createCommands(ctx: CommandContext): [CommandId, (...args: unknown[]) => unknown][] {
  return (Object.entries(COMMAND_FACTORIES) as [CommandId, CommandFactory][]).map(([id, factory]) => [id, factory(ctx)]);
}
