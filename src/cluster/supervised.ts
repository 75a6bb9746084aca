/**
 * Long-running child programs of the cluster (PostgreSQL, the Temporal services) that never outlive
 * their parent: each runs under a small watchdog shell in its own process group, which stops it with
 * its own stop signal as soon as the parent is gone (normal exit, failure, SIGINT or SIGKILL of the
 * parent), then kills it if it lingers.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

// $1 parent pid, $2 stop signal, $3 grace in tenths of a second, then the command. The command runs in
// the background of a non-interactive shell, so it starts with SIGINT ignored: programs stopped by
// SIGINT (PostgreSQL's fast shutdown) install their own handler.
const WATCHDOG = `
parent=$1; sig=$2; grace=$3; shift 3
"$@" &
child=$!
stop() {
  kill -"$sig" "$child" 2>/dev/null
  i=0
  while kill -0 "$child" 2>/dev/null && [ "$i" -lt "$grace" ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL "$child" 2>/dev/null
  wait "$child"
}
trap 'stop; exit 0' TERM INT HUP
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
stop
`;

/** What to run and how it stops. */
export interface SupervisedOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** stdout and stderr are appended here. */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** The signal that asks the program to stop cleanly (default SIGTERM). */
  readonly stopSignal?: NodeJS.Signals;
  /** How long a clean stop may take before SIGKILL (default 10 s). */
  readonly stopTimeoutMs?: number;
}

/** A running supervised program. `stop()` is idempotent; `kill()` is the crash a chaos test wants. */
export interface SupervisedProcess {
  readonly name: string;
  /** The watchdog's pid, which is also the process group of the program and its children. */
  readonly pgid: number;
  readonly logFile: string;
  readonly exited: Promise<void>;
  hasExited(): boolean;
  /** Sends `signal` to the whole group (SIGKILL: the program dies without cleaning up). */
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** The last lines of a log file, for error messages; JSON log lines shortened to their message and error. */
export function logTail(file: string, lines = 8): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  return text.trim().split('\n').slice(-lines).map((line) => {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      return [entry.level, entry.msg, entry.error].filter(Boolean).join(': ');
    } catch {
      return line;
    }
  }).join('\n');
}

/** Starts `command` under the watchdog, in a new process group. */
export function spawnSupervised(options: SupervisedOptions): SupervisedProcess {
  const stopSignal = options.stopSignal ?? 'SIGTERM';
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const logFd = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(
      '/bin/sh',
      ['-c', WATCHDOG, `${options.name}-watchdog`, String(process.pid), stopSignal.replace(/^SIG/, ''),
        String(Math.ceil(stopTimeoutMs / 100)), options.command, ...options.args],
      { detached: true, stdio: ['ignore', logFd, logFd], env: options.env ?? process.env, cwd: options.cwd },
    );
  } finally {
    closeSync(logFd);
  }
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${options.command}`);
  child.unref();
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const kill = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // Already gone.
    }
  };
  // Backstop for a parent that exits without calling stop(); the watchdog covers SIGKILL of the parent.
  const onExit = (): void => kill('SIGKILL');
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    pgid,
    logFile: options.logFile,
    exited: exitedPromise,
    hasExited: () => exited,
    kill,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        // The watchdog forwards the stop signal to the program and waits for it (then SIGKILLs it).
        if (!exited) {
          try {
            process.kill(pgid, 'SIGTERM');
          } catch {
            // Already gone.
          }
        }
        const timer = setTimeout(() => kill('SIGKILL'), stopTimeoutMs + 2_000);
        await exitedPromise;
        clearTimeout(timer);
        kill('SIGKILL');
      })();
      return stopping;
    },
  };
}
