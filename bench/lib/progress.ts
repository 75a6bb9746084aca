/**
 * The progress bar on stderr: redrawn in place on a terminal, a plain line every few seconds otherwise
 * (CI logs, pipes). Never writes to stdout, which carries the report.
 */
import type { Writable } from 'node:stream';

/** What a phase reports as it goes. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly inFlight?: number;
  readonly failed?: number;
  /** Extra text after the counters (e.g. "parked 640/1000"). */
  readonly note?: string;
}

/** Something that shows progress (the bar, or nothing in tests). */
export interface ProgressSink {
  begin(label: string, total: number): void;
  update(state: ProgressState): void;
  end(summary?: string): void;
  /** A line of its own (phase start, notes), kept above the bar. */
  log(line: string): void;
}

const BAR_WIDTH = 28;

/** A sink that shows nothing. */
export const silentProgress: ProgressSink = { begin() {}, update() {}, end() {}, log() {} };

/** Progress on a stream: in place on a TTY, else a line every `intervalMs`. */
export class ProgressBar implements ProgressSink {
  private label = '';
  private startedAt = 0;
  private lastDraw = 0;
  private state: ProgressState = { done: 0, total: 0 };
  private drawn = false;
  private readonly tty: boolean;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean } = process.stderr,
    private readonly intervalMs = (stream as { isTTY?: boolean }).isTTY ? 100 : 5_000,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  begin(label: string, total: number): void {
    this.label = label;
    this.startedAt = performance.now();
    this.lastDraw = 0;
    this.state = { done: 0, total };
    this.draw(true);
  }

  update(state: ProgressState): void {
    this.state = state;
    this.draw(false);
  }

  end(summary?: string): void {
    this.draw(true);
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
    if (summary) this.log(summary);
  }

  log(line: string): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${line}\n`);
    if (this.tty && this.drawn) this.draw(true);
  }

  /** The text of the current state (exported for tests of the format). */
  render(nowMs = performance.now()): string {
    const { done, total, inFlight, failed, note } = this.state;
    const elapsedS = (nowMs - this.startedAt) / 1000;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const rate = elapsedS > 0 ? done / elapsedS : 0;
    const eta = rate > 0 && total > done ? `, ETA ${Math.ceil((total - done) / rate)} s` : '';
    const parts = [
      `${this.label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`,
      inFlight !== undefined ? `in flight ${inFlight}` : '',
      failed ? `failed ${failed}` : '',
      `${rate.toFixed(1)}/s`,
      `${elapsedS.toFixed(1)} s${eta}`,
      note ?? '',
    ];
    return parts.filter(Boolean).join(' · ');
  }

  private draw(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${this.render(now)}`);
      this.drawn = true;
    } else {
      this.stream.write(`${this.render(now)}\n`);
    }
  }
}
