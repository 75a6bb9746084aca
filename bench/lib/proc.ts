/**
 * What the kernel knows about a process: CPU seconds (`/proc/<pid>/stat` utime + stime, every thread
 * included) and resident memory (`/proc/<pid>/status` VmRSS and its peak VmHWM). Linux only; on any other
 * system, or for a process that is gone, the readers return `null` instead of throwing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`, 100 on every common Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** The fields of `/proc/<pid>/stat` after the command name (which may itself hold spaces and parentheses). */
function statFields(pid: number): { comm: string; fields: string[] } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    return { comm: text.slice(open + 1, close), fields: text.slice(close + 2).trim().split(/\s+/) };
  } catch {
    return null;
  }
}

/** User + system CPU seconds the process has used so far (all its threads), or null. */
export function cpuSeconds(pid: number): number | null {
  const stat = statFields(pid);
  if (!stat) return null;
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(stat.fields[11]);
  const stime = Number(stat.fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / ticksPerSecond() : null;
}

/** Resident memory now and its peak since start (or since {@link resetPeakRss}), in MiB. */
export interface MemorySample {
  readonly rssMb: number;
  readonly peakRssMb: number;
}

/** VmRSS and VmHWM of a process, or null. */
export function memory(pid: number): MemorySample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    if (!Number.isFinite(rss)) return null;
    return { rssMb: rss / 1024, peakRssMb: (Number.isFinite(hwm) ? hwm : rss) / 1024 };
  } catch {
    return null;
  }
}

/**
 * Resets the process's peak RSS to its current RSS (writing 5 to `clear_refs`, Linux ≥ 4.0), so VmHWM
 * then measures one phase only. Returns false when the kernel refused.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The direct children of a process, with their command names. */
export function childrenOf(pid: number): { pid: number; comm: string }[] {
  const found: { pid: number; comm: string }[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statFields(Number(entry));
    if (stat && Number(stat.fields[1]) === pid) found.push({ pid: Number(entry), comm: stat.comm });
  }
  return found;
}

/**
 * The `temporal` server process under the dev-server manager's watchdog shell (whose pid the manager
 * reports), or null when it cannot be found.
 */
export function temporalServerPid(watchdogPid: number): number | null {
  const children = childrenOf(watchdogPid).filter((c) => c.comm !== 'sleep' && c.comm !== 'sh');
  return children.find((c) => c.comm.startsWith('temporal'))?.pid ?? children[0]?.pid ?? null;
}

/** A CPU and memory reading of several processes at one instant. */
export interface ProcessSample {
  readonly atMs: number;
  readonly cpuSeconds: Readonly<Record<number, number | null>>;
}

/** Reads the CPU seconds of each pid now. */
export function sampleCpu(pids: readonly number[]): ProcessSample {
  return { atMs: performance.now(), cpuSeconds: Object.fromEntries(pids.map((pid) => [pid, cpuSeconds(pid)])) };
}

/** CPU seconds used by `pids` between two samples (null when any reading is missing). */
export function cpuBetween(before: ProcessSample, after: ProcessSample, pids: readonly number[]): number | null {
  let total = 0;
  for (const pid of pids) {
    const a = before.cpuSeconds[pid];
    const b = after.cpuSeconds[pid];
    if (a == null || b == null) return null;
    total += b - a;
  }
  return total;
}

/**
 * Busy CPU seconds of the whole machine so far (all CPUs, everything but idle and iowait, from the
 * first line of `/proc/stat`), or null. Compared with our processes' own CPU, it shows how much other
 * work shared the machine during a window.
 */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [label, ...values] = line.trim().split(/\s+/);
    if (label !== 'cpu') return null;
    const ticks = values.map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const busy = (ticks[0] ?? 0) + (ticks[1] ?? 0) + (ticks[2] ?? 0) + (ticks[5] ?? 0) + (ticks[6] ?? 0) + (ticks[7] ?? 0);
    return busy / ticksPerSecond();
  } catch {
    return null;
  }
}

/** CPU seconds used by this very process so far (user + system). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
