/**
 * CPU seconds of a whole process tree: the root and every live descendant (user + system, all threads),
 * plus what their finished children left in cutime/cstime once reaped. PostgreSQL forks a backend per
 * connection and its postmaster reaps them, so the tree's total keeps the CPU of backends that are gone.
 * Linux only; null when the root cannot be read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticks: number | undefined;

function ticksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** utime + stime + cutime + cstime, in ticks. */
  readonly ticks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).trim().split(/\s+/);
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    const sum = [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i] ?? 0), 0);
    return { pid, ppid: Number(fields[1]), comm: text.slice(text.indexOf('(') + 1, close), ticks: sum };
  } catch {
    return null;
  }
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** CPU seconds so far of each tree rooted at `roots` (null for a root that is gone), from one scan of /proc. */
export function treeCpuSeconds(roots: readonly number[]): (number | null)[] {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  return roots.map((root) => {
    const top = byPid.get(root);
    if (!top) return null;
    let total = 0;
    const queue = [top];
    while (queue.length > 0) {
      const stat = queue.pop()!;
      total += stat.ticks;
      queue.push(...(children.get(stat.pid) ?? []));
    }
    return total / ticksPerSecond();
  });
}

/** The pid of the first child of `parent` whose command name starts with `prefix`, or null. */
export function childNamed(parent: number, prefix: string): number | null {
  return allStats().find((s) => s.ppid === parent && s.comm.startsWith(prefix))?.pid ?? null;
}
