// Which process a recorded pid means. A pid alone is reused: after a reboot, or in a
// container where every start is pid 1, a dead job's pid may belong to a running process
// (even this one), which would keep the job `running` forever and let `quire cancel` signal
// a stranger. So a job records, with its pid, a token of the process instance: the host's
// boot id and the process's start time (Linux: /proc/sys/kernel/random/boot_id and field 22
// of /proc/PID/stat), and a pid counts as that process only when both still match. Where
// no token can be made (not Linux) the pid alone is what there is, as before. Records that
// carry only a pid and a time (older job rows, half-done imports, temporary files) are
// checked against the process's start: a process started after the record was written did
// not write it.
import { readFileSync } from 'node:fs';

/** Whether a process with this id runs (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

let bootId: string | null | undefined;
const boot = (): string | undefined => {
  if (bootId === undefined) bootId = read('/proc/sys/kernel/random/boot_id')?.trim() || null;
  return bootId ?? undefined;
};

/** The process's start, in clock ticks after boot (field 22 of /proc/PID/stat), where Linux tells it. */
function startTicks(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** The running process `pid`'s instance token (boot id and start time), or undefined where the platform does not tell. */
export function processToken(pid: number): string | undefined {
  const id = boot();
  const ticks = id === undefined ? undefined : startTicks(pid);
  return ticks === undefined ? undefined : `${id}:${ticks}`;
}

let own: string | null | undefined;
/** This process's token (made once). */
export function ownToken(): string | undefined {
  if (own === undefined) own = processToken(process.pid) ?? null;
  return own ?? undefined;
}

/** USER_HZ, the unit of /proc's start times: 100 on every Linux port in use. */
const TICKS_PER_SECOND = 100;

/** When the process started (ms since the epoch), where Linux tells it. */
export function processStartedAt(pid: number): number | undefined {
  const ticks = startTicks(pid);
  const btime = /^btime (\d+)$/m.exec(read('/proc/stat') ?? '')?.[1];
  if (ticks === undefined || btime === undefined) return undefined;
  return Number(btime) * 1000 + (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * Whether the process instance a record names still runs: its pid is alive and, where the
 * record has a token, the process with that pid has the same one (where no token can be made
 * here, the pid alone decides).
 */
export function instanceAlive(pid: number, token: string | undefined): boolean {
  if (!processAlive(pid)) return false;
  if (token === undefined) return true;
  const now = processToken(pid);
  return now === undefined || now === token;
}

/** Slack for clocks (boot time is whole seconds) between a process's start and what it wrote. */
const SLACK_MS = 2000;

/**
 * Whether the process that wrote a record at `writtenAt` (ms; a row's time, a file's mtime)
 * may still run: its pid is alive and the process with it started before the record was
 * written (a process started later is another that reuses the pid).
 */
export function writerAlive(pid: number, writtenAt: number): boolean {
  if (!processAlive(pid)) return false;
  const started = processStartedAt(pid);
  return started === undefined || !Number.isFinite(writtenAt) || started <= writtenAt + SLACK_MS;
}
