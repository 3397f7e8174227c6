// `bilevel sweep cancel ID`: stops what still runs a sweep. A SLURM execution whose job still has
// tasks queued or running gets `scancel <job id>` (its running tasks receive SIGTERM: each run ends
// `cancelled` after its iteration, its records kept; pending tasks never start). A local pool on this
// host (a `bilevel sweep` process) gets SIGTERM, which it forwards to its runs; a pool elsewhere, or a
// sweep VS Code runs, is said how to stop. When it stopped something it records the cancel in the
// sweep's folder (cancel.json), so every reader counts the runs that never started, and so never
// wrote a record, as cancelled rather than waiting. `--resume ID` reruns what did not complete.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { messageOf } from '../../common/messageOf';
import type { SweepExecution, SweepRecord } from '../../protocol/sweep';
import { stringifyRecord } from '../../store/recordJson';
import { SweepStore } from '../../store/sweepStore';
import { isLiveState } from '../../sweep/slurmQueue';
import type { CliIo } from '../cliIo';
import type { ParsedArgs } from '../parseArgs';
import { resolveStoreDir } from '../resolveStoreDir';
import { scancel } from '../slurmTools';
import { UsageError } from '../usageError';
import { slurmViews } from './sweepSlurm';

/** Flags of `sweep cancel`. */
const CANCEL_FLAGS = new Set(['store', 'json']);

/** What `sweep cancel` did about one execution of the sweep. */
interface CancelAction {
  readonly kind: 'slurm' | 'local';
  /** `scancel`: the job was cancelled; `signalled`: SIGTERM sent to the pool; `ended`: nothing runs; `manual`: the text says how to stop it. */
  readonly action: 'scancel' | 'signalled' | 'ended' | 'manual';
  readonly jobId?: string;
  readonly pid?: number;
  readonly hostname?: string;
  /** Tasks SLURM still had queued or running when cancelled. */
  readonly tasks?: number;
  readonly text: string;
}

/** Runs `bilevel sweep cancel ID [--store DIR] [--json]`; exit 0 when nothing of the sweep is left running that this command could not stop, 1 otherwise. */
export function sweepCancelCommand(args: ParsedArgs, io: CliIo): number {
  const id = args.positionals[1];
  if (id === undefined || id === '') throw new UsageError('sweep cancel needs a sweep id: bilevel sweep cancel ID [--store DIR] (bilevel sweep list shows the ids)');
  if (args.positionals.length > 2) throw new UsageError(`unexpected argument '${args.positionals[2]}' for 'sweep cancel'; give one sweep id`);
  for (const flag of args.flags.keys()) if (!CANCEL_FLAGS.has(flag)) throw new UsageError(`--${flag} is not taken by 'sweep cancel' (flags: --store, --json)`);
  const store = resolveStoreDir(args.flags)!;
  const sweeps = new SweepStore(store);
  let record: SweepRecord;
  try {
    record = sweeps.read(id);
  } catch (err) {
    throw new UsageError(`sweep cancel ${id}: ${messageOf(err)}`);
  }
  const actions: CancelAction[] = [...cancelSlurm(record), ...cancelLocal(record)];
  const manual = actions.some((a) => a.action === 'manual');
  const stopped = actions.some((a) => a.action === 'scancel' || a.action === 'signalled');
  let cancelledAt: string | undefined;
  if (stopped) {
    try {
      cancelledAt = sweeps.writeCancel(record).cancelledAt;
    } catch (err) {
      // The job is cancelled all the same; only readers' view of the runs it kept from starting is missing.
      io.stderr.write(`bilevel: note: the cancel is not recorded in ${sweeps.dirOf(record.id)}: ${messageOf(err)}; its runs that never started read "not started", not cancelled\n`);
    }
  }
  if (args.flags.has('json') && args.flags.get('json') !== 'false') {
    io.stdout.write(stringifyRecord({ sweep: record.id, actions, ...(cancelledAt !== undefined ? { cancelledAt } : {}) }) + '\n');
  } else {
    const lines = actions.filter((a) => a.action !== 'ended').map((a) => a.text);
    if (lines.length === 0) lines.push(`sweep ${record.id}: nothing runs it any more (bilevel sweep status ${record.id})`);
    else if (actions.some((a) => a.action === 'scancel' || a.action === 'signalled')) {
      lines.push(`running runs end cancelled after their current iteration; rerun what did not complete: bilevel sweep --resume ${record.id}${record.executions?.at(-1)?.kind === 'slurm' ? ' --executor slurm' : ''}`);
    }
    io.stdout.write(lines.join('\n') + '\n');
  }
  return manual ? 1 : 0;
}

/** `scancel` for each SLURM job of the sweep that still has live tasks. */
function cancelSlurm(record: SweepRecord): CancelAction[] {
  const executions = (record.executions ?? []).filter((e) => e.kind === 'slurm');
  const noJobId = executions.filter((e) => e.jobId === undefined);
  const out: CancelAction[] = noJobId.map(() => ({
    kind: 'slurm',
    action: 'manual',
    text: `a submission of sweep ${record.id} was written with --emit-only, so its job id is not recorded: cancel it with scancel <job id> (squeue --name bilevel-${record.id} shows it)`,
  }));
  for (const { execution, view } of slurmViews(record) ?? []) {
    const jobId = execution.jobId!;
    if (view === undefined) {
      out.push({ kind: 'slurm', action: 'manual', jobId, text: `SLURM job ${jobId}: no scontrol or squeue on PATH here; on a login node of its cluster run: scancel ${jobId}` });
      continue;
    }
    const live = [...view.tasks.values()].filter((t) => isLiveState(t.state));
    if (view.gone || live.length === 0) {
      out.push({ kind: 'slurm', action: 'ended', jobId, text: `SLURM job ${jobId} has ended` });
      continue;
    }
    scancel(jobId);
    out.push({ kind: 'slurm', action: 'scancel', jobId, tasks: live.length, text: `scancel ${jobId}: ${live.length} array task${live.length === 1 ? '' : 's'} of sweep ${record.id} cancelled (${live.filter((t) => t.state === 'RUNNING').length} running)` });
  }
  return out;
}

/** SIGTERM to the sweep's last local pool when it is a `bilevel sweep` process alive on this host; else how to stop it. */
function cancelLocal(record: SweepRecord): CancelAction[] {
  const last = [...(record.executions ?? [])].reverse().find((e) => e.kind === 'local');
  if (last?.pid === undefined) return [];
  const { pid, hostname } = last as SweepExecution & { pid: number };
  const base = { kind: 'local' as const, pid, ...(hostname !== undefined ? { hostname } : {}) };
  if (hostname !== os.hostname()) {
    return [{ ...base, action: 'manual', text: `sweep ${record.id} runs in process ${pid} on ${hostname ?? 'another host'}: stop it there with Ctrl-C in its terminal, or kill ${pid} (its runs end cancelled)` }];
  }
  if (!alive(pid)) return [{ ...base, action: 'ended', text: `the pool of sweep ${record.id} (pid ${pid}) has ended` }];
  const argv = commandLineOf(pid);
  // Only a `bilevel sweep` process is signalled: the pid of a sweep made in VS Code is the editor's extension host.
  if (argv === undefined || !argv.includes('sweep')) {
    return [{ ...base, action: 'manual', text: `sweep ${record.id} runs in process ${pid}${argv !== undefined ? ` (${argv.slice(0, 2).join(' ')})` : ''}, not a bilevel sweep command: if VS Code runs it, cancel it from the sweep's node in the Bilevel history; else stop that process (kill ${pid})` }];
  }
  process.kill(pid, 'SIGTERM');
  return [{ ...base, action: 'signalled', text: `sent SIGTERM to the pool of sweep ${record.id} (pid ${pid}): no more runs start` }];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** A process's argv from /proc (Linux), or undefined where it cannot be read. */
function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}
