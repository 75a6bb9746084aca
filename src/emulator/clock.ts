/**
 * The emulator's clock: real time plus a virtual offset that only moves forward, and a scheduler of
 * due steps driven by it. Steps are synchronous state changes; they always run asynchronously (never
 * inside the request that scheduled them), in (due time, scheduling order) order.
 */

/** A scheduled state change. It re-checks the state it expects, so a stale step is a harmless no-op. */
export type Step = () => void;

interface Entry {
  readonly dueAt: number;
  readonly seq: number;
  readonly run: Step;
}

/** Longest delay `setTimeout` accepts; longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

/** Real time + virtual offset, with a min-heap of steps. */
export class EmulatorClock {
  private offsetMs: number;
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private stopped = false;

  /** `startAt` moves "now" to that instant at construction; time then flows in real time. */
  constructor(options: { startAt?: string } = {}) {
    const start = options.startAt === undefined ? Number.NaN : Date.parse(options.startAt);
    this.offsetMs = Number.isFinite(start) ? start - Date.now() : 0;
  }

  /** Current emulator time in epoch milliseconds. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Runs `step` once the emulator clock reaches now + delayMs (asynchronously, even for 0). */
  schedule(delayMs: number, step: Step): void {
    this.scheduleAt(this.now() + Math.max(0, delayMs), step);
  }

  /** Runs `step` once the emulator clock reaches `atMs`. */
  scheduleAt(atMs: number, step: Step): void {
    if (this.stopped) return;
    this.push({ dueAt: atMs, seq: this.seq++, run: step });
    this.arm();
  }

  /** Moves virtual time forward and runs, in order, every step that became due (including ones they schedule). */
  advance(ms: number): number {
    if (ms > 0) this.offsetMs += ms;
    this.runDue();
    return this.now();
  }

  /** Number of steps not yet run (for tests and stats). */
  pending(): number {
    return this.heap.length;
  }

  /** Drops every pending step and timer; the clock still tells time. */
  clear(): void {
    this.heap.length = 0;
    this.disarm();
  }

  /** Stops scheduling for good (app close). */
  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private runDue(): void {
    this.disarm();
    // Steps scheduled by a running step with no delay are due too: keep draining until nothing is due.
    for (;;) {
      const top = this.heap[0];
      if (!top || top.dueAt > this.now()) break;
      this.pop();
      try {
        top.run();
      } catch {
        // A failing step must not stop the clock; steps validate their own preconditions.
      }
    }
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const top = this.heap[0];
    if (!top) return;
    const wait = top.dueAt - this.now();
    if (wait <= 0) {
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
      this.immediate ??= setImmediate(() => { this.immediate = undefined; this.runDue(); });
      return;
    }
    if (this.immediate) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.runDue(); }, Math.min(wait, MAX_TIMER_MS));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.immediate) { clearImmediate(this.immediate); this.immediate = undefined; }
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
}

/** ISO 8601 with microseconds and an explicit offset, the format Defacto emits (§2.2). */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00');
}
