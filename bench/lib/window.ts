/**
 * A measured window: CPU seconds of each role (workers, Temporal server, emulator, this process) between
 * its opening and closing, and the peak RSS of workers and server within it (their peaks are reset
 * when the window opens).
 */
import { cpuBetween, machineBusySeconds, memory, ownCpuSeconds, resetPeakRss, sampleCpu } from './proc';

/** Readings of a closed window. */
export interface WindowReadings {
  readonly seconds: number;
  readonly workerCpuSeconds: number | null;
  /** Sum over the worker processes of each one's peak. */
  readonly workerPeakRssMb: number | null;
  readonly serverCpuSeconds: number | null;
  readonly serverPeakRssMb: number | null;
  readonly emulatorCpuSeconds: number | null;
  readonly benchCpuSeconds: number;
  /** Busy CPU seconds of the whole machine (every process) over the window. */
  readonly machineCpuSeconds: number | null;
}

/** The processes a window watches. */
export interface WindowProcesses {
  readonly workers: readonly number[];
  readonly server: number | null;
  readonly emulator: number | null;
}

function sumOrNull(values: readonly (number | null | undefined)[]): number | null {
  let total = 0;
  for (const v of values) {
    if (v == null) return null;
    total += v;
  }
  return total;
}

/**
 * CPU seconds of processes that are not part of the run (other work sharing the machine), or null:
 * machine busy time minus the run's own processes.
 */
export function foreignCpuSeconds(r: WindowReadings): number | null {
  if (r.machineCpuSeconds === null) return null;
  const own = (r.workerCpuSeconds ?? 0) + (r.serverCpuSeconds ?? 0) + (r.emulatorCpuSeconds ?? 0) + r.benchCpuSeconds;
  return Math.max(0, r.machineCpuSeconds - own);
}

/** Opens a window now; call the returned function to close it. */
export function openWindow(processes: WindowProcesses): () => WindowReadings {
  const pids = [...processes.workers, ...(processes.server ? [processes.server] : []), ...(processes.emulator ? [processes.emulator] : [])];
  for (const pid of processes.workers) resetPeakRss(pid);
  if (processes.server) resetPeakRss(processes.server);
  const before = sampleCpu(pids);
  const ownBefore = ownCpuSeconds();
  const machineBefore = machineBusySeconds();
  return () => {
    const after = sampleCpu(pids);
    const machineAfter = machineBusySeconds();
    return {
      seconds: (after.atMs - before.atMs) / 1000,
      workerCpuSeconds: processes.workers.length > 0 ? cpuBetween(before, after, processes.workers) : null,
      workerPeakRssMb: processes.workers.length > 0 ? sumOrNull(processes.workers.map((pid) => memory(pid)?.peakRssMb)) : null,
      serverCpuSeconds: processes.server ? cpuBetween(before, after, [processes.server]) : null,
      serverPeakRssMb: processes.server ? memory(processes.server)?.peakRssMb ?? null : null,
      emulatorCpuSeconds: processes.emulator ? cpuBetween(before, after, [processes.emulator]) : null,
      benchCpuSeconds: ownCpuSeconds() - ownBefore,
      machineCpuSeconds: machineBefore === null || machineAfter === null ? null : machineAfter - machineBefore,
    };
  };
}
