// Who writes a running record, beyond pid and hostname: in containers pids are reused and hostnames
// shared, so a reader also compares the machine's boot id, the pid namespace and the writer's start
// time (docs/run-store.md, "The interrupted rule"). Everything here reads /proc where it exists and
// degrades to "unknown" elsewhere (macOS, Windows), where the pid rule alone applies.
import { readFileSync, readlinkSync } from 'node:fs';
import * as os from 'node:os';
import type { RunRecord, WriterToken } from '../protocol/runRecord';

/** The token of this process, written into run.json at create. */
export function currentWriterToken(): WriterToken {
  const bootId = machineBootId();
  const pidNamespace = ownPidNamespace();
  const startTicks = processStartTicks(process.pid);
  return {
    ...(bootId !== undefined && { bootId }),
    ...(pidNamespace !== undefined && { pidNamespace }),
    ...(startTicks !== undefined && { startTicks }),
    // Where /proc is missing the start time is at least recorded; no reader can compare it.
    startedAt: new Date(performance.timeOrigin).toISOString(),
  };
}

/**
 * Whether the writer of a `running` record is gone: `'gone'` (it cannot be running: the machine
 * rebooted, its pid is free, or its pid now belongs to a younger process), `'alive'`, or
 * `'unknown'` (another host, another pid namespace: nothing here can tell).
 */
export function writerState(record: Pick<RunRecord, 'pid' | 'hostname' | 'writer'>): 'alive' | 'gone' | 'unknown' {
  if (record.hostname !== os.hostname()) return 'unknown';
  const token = record.writer;
  if (token?.bootId !== undefined) {
    const boot = machineBootId();
    // A process never outlives a reboot.
    if (boot !== undefined && boot !== token.bootId) return 'gone';
  }
  if (token?.pidNamespace !== undefined) {
    const ns = ownPidNamespace();
    // Another container's pids mean nothing here.
    if (ns !== undefined && ns !== token.pidNamespace) return 'unknown';
  }
  if (!isProcessAlive(record.pid)) return 'gone';
  if (token?.startTicks !== undefined) {
    const ticks = processStartTicks(record.pid);
    // Same pid, different start: the pid was reused by a later process.
    if (ticks !== undefined && ticks !== token.startTicks) return 'gone';
  }
  return 'alive';
}

/** Whether process `pid` exists on this machine (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

let bootIdCache: string | null | undefined;

/** The kernel's boot id (a fresh UUID at every boot), or undefined without /proc. */
export function machineBootId(): string | undefined {
  if (bootIdCache === undefined) bootIdCache = readTrimmed('/proc/sys/kernel/random/boot_id') ?? null;
  return bootIdCache ?? undefined;
}

let pidNamespaceCache: string | null | undefined;

/** This process's pid namespace (`pid:[4026531836]`), or undefined without /proc. */
export function ownPidNamespace(): string | undefined {
  if (pidNamespaceCache === undefined) {
    try {
      pidNamespaceCache = readlinkSync('/proc/self/ns/pid');
    } catch {
      pidNamespaceCache = null;
    }
  }
  return pidNamespaceCache ?? undefined;
}

/** When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined. */
export function processStartTicks(pid: number): number | undefined {
  const stat = readTrimmed(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Field 2 is the command in parentheses and may itself hold spaces and ')'; fields 3… follow the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[22 - 3]);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
