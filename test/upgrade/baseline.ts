/**
 * The baseline of the upgrade test: the commit named in `test/upgrade/baseline-commit`, checked out with
 * `git worktree add` under `.cache/baseline/<sha>` (reused when already there; `node_modules` is a link to
 * the project's), and its own worker entry point (`src/worker.ts`, configured by the environment like a
 * deployed worker) run as a child process with tsx.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The project's root. */
export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

/** The file naming the baseline commit (one full sha). */
export const BASELINE_COMMIT_FILE = join(PROJECT_ROOT, 'test/upgrade/baseline-commit');

/** The baseline commit, as recorded in {@link BASELINE_COMMIT_FILE}. */
export function baselineCommit(): string {
  const sha = readFileSync(BASELINE_COMMIT_FILE, 'utf8').trim();
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`${BASELINE_COMMIT_FILE} must hold one full commit sha, not ${JSON.stringify(sha)}`);
  return sha;
}

function git(args: readonly string[], cwd: string = PROJECT_ROOT): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function checkedOutAt(dir: string): string | null {
  if (!existsSync(join(dir, '.git'))) return null;
  try {
    return git(['rev-parse', 'HEAD'], dir);
  } catch {
    return null;
  }
}

/**
 * The baseline's source tree: `.cache/baseline/<sha>`, created with `git worktree add --detach` unless a
 * checkout of that commit is already there. Throws a clear error when the commit is not in this clone.
 */
export function prepareBaseline(sha: string = baselineCommit()): string {
  const dir = join(PROJECT_ROOT, '.cache/baseline', sha);
  if (checkedOutAt(dir) !== sha) {
    try {
      git(['cat-file', '-e', `${sha}^{commit}`]);
    } catch {
      throw new Error(`the baseline commit ${sha} is not in this clone (a shallow clone? run git fetch --unshallow)`);
    }
    rmSync(dir, { recursive: true, force: true });
    git(['worktree', 'prune']);
    mkdirSync(dirname(dir), { recursive: true });
    git(['worktree', 'add', '--detach', '--force', dir, sha]);
  }
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules) && !isLink(modules)) symlinkSync(join(PROJECT_ROOT, 'node_modules'), modules, 'dir');
  return dir;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Where the baseline worker serves. */
export interface BaselineWorkerOptions {
  readonly dir: string;
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly emulatorUrl: string;
  /** The emulator tenant. */
  readonly apiKey: string;
}

/** A running baseline worker process. */
export interface BaselineWorker {
  /** The worker identity Temporal records on its workflow tasks (`<pid>@<host>`, the SDK default). */
  readonly identity: string;
  /** What it printed so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Graceful stop, as a deploy does: SIGTERM, then SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Preloaded into the baseline worker: the process dies once the test process that started it is gone,
 * so a killed test run leaves no worker polling. Plain JavaScript in a data URL: it also runs in the
 * SDK's workflow thread, which has no TypeScript loader.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  'const parent = process.ppid; setInterval(() => { if (process.ppid !== parent) process.kill(process.pid, "SIGKILL"); }, 1000).unref();',
)}`;

/** Starts `src/worker.ts` of the baseline tree in a child process. */
export function startBaselineWorker(options: BaselineWorkerOptions): BaselineWorker {
  return startBaselineProcess(options, 'src/worker.ts');
}

/**
 * Starts an entry point of the baseline tree (`src/worker.ts`, `src/http/server.ts`) with `--emulator-url`,
 * configured by the environment like a deployed process; `env` adds variables (HTTP_PORT, WEBHOOK_TOKEN…).
 */
export function startBaselineProcess(
  options: BaselineWorkerOptions,
  entry: string,
  env: Readonly<Record<string, string>> = {},
): BaselineWorker & { readonly pid: number | undefined } {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', EXIT_WITH_PARENT, entry, '--emulator-url', options.emulatorUrl],
    {
      cwd: options.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: options.temporalAddress,
        TEMPORAL_NAMESPACE: options.namespace,
        TEMPORAL_TASK_QUEUE: options.taskQueue,
        DEFACTO_API_KEY: options.apiKey,
        LOG_LEVEL: 'warn',
        ...env,
      },
    },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = `${output}${chunk.toString('utf8')}`.slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown'));
  });
  return {
    pid: child.pid,
    identity: `${child.pid ?? 'unknown'}@${hostname()}`,
    output: () => output,
    exited,
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
