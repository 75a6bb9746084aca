/**
 * Child programs of the stack (the worker child, the emulator child), run with tsx over an IPC channel,
 * so each one's CPU and memory can be read from /proc on its own and each can be killed alone.
 * Protocol: the child sends `{ type: 'ready', ... }` once serving (or `{ type: 'failed', message }`); the
 * parent sends `{ type: 'stop' }` and waits for the exit. A child exits by itself when the parent
 * disappears (IPC disconnect), and the parent SIGKILLs whatever is left when it exits: no orphans.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The path of a child program of this folder (`worker-child.ts`, `emulator-child.ts`). */
export const childScript = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** Message a child sends when it is up. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly [key: string]: unknown;
}

/** A running child. */
export interface StackChild<R extends ReadyMessage = ReadyMessage> {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The ready message. */
  readonly ready: R;
  /** Settles when the process has exited, with its exit signal (null after a normal exit). */
  readonly exited: Promise<NodeJS.Signals | null>;
  /** Kills at once (no drain): what a crash looks like. */
  kill(): void;
  /** Asks the child to stop and waits (SIGKILL after `timeoutMs`). Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Raised when a child fails to start; the message ends with the tail of its log. */
export class ChildStartError extends Error {
  override readonly name = 'ChildStartError';
}

/** The last lines of a log file ('' when it cannot be read). */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** How to start a child. */
export interface ChildSpec {
  readonly name: string;
  /** A TypeScript file run with tsx. */
  readonly script: string;
  /** Passed as the one command-line argument (JSON): never put a secret here, use `env`. */
  readonly config: unknown;
  /** Appended to (several children may share one file). */
  readonly logFile: string;
  /** Variables set on top of this process's environment (undefined: removed). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly startTimeoutMs?: number;
}

/** Forks `spec.script` and resolves once the child said it is ready. */
export async function startChild<R extends ReadyMessage>(spec: ChildSpec): Promise<StackChild<R>> {
  const { name, logFile } = spec;
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = fork(spec.script, [JSON.stringify(spec.config)], {
      cwd: projectRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', fd, fd, 'ipc'],
      env: definedOnly({ ...process.env, NODE_OPTIONS: '', ...spec.env }),
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new ChildStartError(`${name}: could not fork ${spec.script}`);

  let alive = true;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => {
    child.once('exit', (_code, signal) => {
      alive = false;
      resolve(signal);
    });
  });
  const kill = (): void => {
    if (alive) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  void exited.then(() => process.removeListener('exit', kill));

  const timeoutMs = spec.startTimeoutMs ?? 120_000;
  const ready = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new ChildStartError(`${name} did not start within ${timeoutMs} ms\n${tail(logFile)}`));
    }, timeoutMs);
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
    void exited.then((signal) => {
      clearTimeout(timer);
      reject(new ChildStartError(`${name} exited (${signal ?? `code ${String(child.exitCode)}`}) before it was ready\n${tail(logFile)}`));
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    logFile,
    ready,
    exited,
    kill,
    stop(stopTimeoutMs = 30_000) {
      stopping ??= (async () => {
        if (!alive) return;
        try {
          child.send({ type: 'stop' });
        } catch {
          // Channel already closed: the kill below covers it.
        }
        const timer = setTimeout(kill, stopTimeoutMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/**
 * Child side: reports readiness (or failure) to the parent and calls `stop` on the parent's request,
 * on SIGTERM/SIGINT or when the parent disappears, then exits.
 */
export function serveChild(start: () => Promise<{ ready: Record<string, unknown>; stop: () => Promise<void> }>): void {
  const send = (message: Record<string, unknown>): void => {
    if (process.connected) process.send?.(message);
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
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
      send({ type: 'ready', ...ready });
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
}
