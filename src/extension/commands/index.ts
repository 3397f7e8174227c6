// Every command of the extension, by id (rust-analyzer's createCommands): extension.ts registers
// this table, and test/unit/extension/manifest.test.ts checks package.json declares the same ids.
import { Commands, type CommandId } from '../ids';
import { requireTrust, type CommandContext, type CommandFactory } from './context';
import { exportChart, exportCsv } from './exportCommands';
import { addNote, compareSelected, deleteRun, openRun, refreshHistory, renameRun, revealRunFolder } from './historyCommands';
import { newProblemFile } from './newProblemFile';
import { openExperiments } from './openExperiments';
import { cancelAll, cancelRun, checkHypergradient, compareMethods, rerun, runProblem } from './runCommands';
import { showCheckDetails } from './showCheckDetails';
import { runPreset } from './runPreset';
import { newSweep } from './newSweep';
import { cancelSweep, openSweep } from './sweepCommands';
import { submitSweepSlurm } from './submitSweepSlurm';

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
  [Commands.cancelAll]: cancelAll,
  [Commands.showCheckDetails]: showCheckDetails,
  [Commands.openExperiments]: openExperiments,
  [Commands.newSweep]: newSweep,
  [Commands.openSweep]: openSweep,
  [Commands.cancelSweep]: cancelSweep,
  [Commands.submitSweepSlurm]: submitSweepSlurm,
};

/**
 * The commands that execute code in a worker (a problem file's, or a built-in workload's): each runs
 * only in a trusted workspace. test/unit/extension/commands/trustGate.test.ts calls every command of
 * the table and checks that exactly these start runs or checks.
 */
export const WORKER_COMMANDS: ReadonlySet<CommandId> = new Set([Commands.runProblem, Commands.compareMethods, Commands.runPreset, Commands.checkHypergradient, Commands.rerun, Commands.newSweep, Commands.submitSweepSlurm]);

/** The handlers, made from the context; those of {@link WORKER_COMMANDS} pass the trust gate first. */
export function createCommands(ctx: CommandContext): [CommandId, (...args: unknown[]) => unknown][] {
  return (Object.entries(COMMAND_FACTORIES) as [CommandId, CommandFactory][]).map(([id, factory]) => {
    const handler = factory(ctx);
    if (!WORKER_COMMANDS.has(id)) return [id, handler];
    // The gate lives here, not in each command, so a command cannot forget it.
    return [id, async (...args: unknown[]) => ((await requireTrust()) ? handler(...args) : undefined)];
  });
}
