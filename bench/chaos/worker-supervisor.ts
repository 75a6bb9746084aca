/**
 * Keeps one worker child process alive: starts it, SIGKILLs it on request and starts a new one at
 * once, restarts it after an unexpected exit (e.g. while Temporal restarts), and stops it at the end.
 * Every child's output is appended to one log file that the harness scans for secrets afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('./worker-child.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** How to start a worker child. */
export interface WorkerChildSpec {
  readonly emulatorUrl: string;
  readonly bundlePath: string;
  /** Environment of the child (the configuration: Temporal address, task queue, API key, log level). */
  readonly env: Readonly<Record<string, string>>;
  /** Where stdout and stderr of every child go. */
  readonly logFile: string;
}

/** Counters of what happened to the workers. */
export interface WorkerStats {
  starts: number;
  kills: number;
  unexpectedExits: number;
}

/** Supervises the worker child. */
export class WorkerSupervisor {
  readonly stats: WorkerStats = { starts: 0, kills: 0, unexpectedExits: 0 };
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly backstop = (): void => {
    this.child?.kill('SIGKILL');
  };

  constructor(private readonly spec: WorkerChildSpec) {
    process.once('exit', this.backstop);
  }

  /** Starts a child; resolves once it polls its task queue (or rejects if it exits first). */
  async start(): Promise<void> {
    const out = openSync(this.spec.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', childScript, '--emulator-url', this.spec.emulatorUrl, '--bundle', this.spec.bundlePath], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', ...this.spec.env },
        stdio: ['ignore', out, out, 'ipc'],
      });
    } finally {
      closeSync(out);
    }
    this.child = child;
    this.stats.starts += 1;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let polling = false;
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: unknown) => {
        if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') {
          polling = true;
          resolve();
        }
      });
      child.once('exit', (code, signal) => reject(new Error(`worker exited before polling (code ${code}, signal ${signal})`)));
    });
    child.once('exit', (_code, signal) => {
      if (this.child === child) this.child = undefined;
      // Before polling, the caller of start() retries; a SIGKILL is ours.
      if (this.stopped || !polling || signal === 'SIGKILL') return;
      // Not ours: the worker died (e.g. Temporal was down too long). Bring it back.
      this.stats.unexpectedExits += 1;
      this.scheduleRestart(1_000);
    });
    ready.catch(() => undefined);
    return ready;
  }

  /** SIGKILLs the running child (no drain, no goodbye) and starts a new one. */
  async killAndRestart(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stats.kills += 1;
    child.kill('SIGKILL');
    await this.exited;
    if (this.stopped) return;
    await this.startWithRetries();
  }

  /** Stops the current child gracefully (SIGTERM drains it), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', this.backstop);
  }

  private scheduleRestart(delayMs: number): void {
    if (this.stopped) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.startWithRetries();
    }, delayMs);
  }

  private async startWithRetries(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      try {
        await this.start();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(5_000, 500 * 2 ** attempt)));
      }
    }
  }
}
