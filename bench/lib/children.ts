/**
 * Child processes of the benchmark (workers, emulator), run with tsx and an IPC channel, so each one's
 * CPU and memory can be read from /proc on its own. Protocol: the child sends `{ type: 'ready', ... }`
 * once serving (or `{ type: 'failed', message }`); the parent sends `{ type: 'stop' }` and waits for the
 * exit. A child exits by itself when the parent disappears (IPC disconnect).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths';

/** Message a child sends when it is up. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly [key: string]: unknown;
}

/** A running child. */
export interface BenchChild<R extends ReadyMessage = ReadyMessage> {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The ready message. */
  readonly ready: R;
  /** Asks the child to stop and waits (SIGKILL after `timeoutMs`). Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Raised when a child fails to start; the message ends with the tail of its log. */
export class ChildStartError extends Error {
  override readonly name = 'ChildStartError';
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Forks `script` (a TypeScript file under bench/) with its JSON configuration as the one argument,
 * logging to `<logDir>/<name>.log`, and resolves once the child said it is ready.
 */
export async function startChild<R extends ReadyMessage>(
  name: string,
  script: string,
  config: unknown,
  options: { readonly logDir: string; readonly startTimeoutMs?: number },
): Promise<BenchChild<R>> {
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = fork(script, [JSON.stringify(config)], {
      cwd: projectRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', fd, fd, 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new ChildStartError(`${name}: could not fork ${script}`);

  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    });
  });
  const kill = (): void => {
    if (exitCode === undefined) child.kill('SIGKILL');
  };
  process.once('exit', kill);

  const ready = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new ChildStartError(`${name} did not start within ${options.startTimeoutMs ?? 120_000} ms\n${tail(logFile)}`));
    }, options.startTimeoutMs ?? 120_000);
    child.on('message', (message: { type?: string; message?: string }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message as R);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        kill();
        reject(new ChildStartError(`${name} failed: ${message.message ?? 'unknown error'}\n${tail(logFile)}`));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new ChildStartError(`${name} exited (code ${String(exitCode)}) before it was ready\n${tail(logFile)}`));
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    logFile,
    ready,
    stop(timeoutMs = 30_000) {
      stopping ??= (async () => {
        if (exitCode === undefined) {
          try {
            child.send({ type: 'stop' });
          } catch {
            // Channel already closed: the kill below covers it.
          }
          const timer = setTimeout(kill, timeoutMs);
          await exited;
          clearTimeout(timer);
        }
        process.removeListener('exit', kill);
      })();
      return stopping;
    },
  };
}

/**
 * Child side: reports readiness (or failure) to the parent and calls `stop` on the parent's request or
 * disappearance, then exits.
 */
export function serveChild(start: () => Promise<{ ready: Record<string, unknown>; stop: () => Promise<void> }>): void {
  const send = (message: Record<string, unknown>): void => {
    if (process.send) process.send(message);
  };
  start().then(
    ({ ready, stop }) => {
      let stopping = false;
      const shutdown = (): void => {
        if (stopping) return;
        stopping = true;
        stop().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`stop failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('message', (message: { type?: string }) => {
        if (message.type === 'stop') shutdown();
      });
      process.on('disconnect', shutdown);
      send({ type: 'ready', ...ready });
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
}
