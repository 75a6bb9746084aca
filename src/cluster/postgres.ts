/**
 * The cluster's PostgreSQL: Debian's package (installed with apt-get when missing and running as root),
 * a data directory of our own, and one server listening on loopback only with password login.
 * `initdb` and `postgres` refuse to run as root, so as root they run as the `postgres` user.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { spawnSupervised, logTail, type SupervisedProcess } from './supervised';

/** Raised when PostgreSQL cannot be installed, initialised or started; the message is one line plus a log tail. */
export class PostgresError extends Error {
  override readonly name = 'PostgresError';
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** The directory holding `initdb`, `postgres` and `pg_isready`, or undefined when PostgreSQL is not installed. */
export function findPostgresBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = join(debian, version, 'bin');
      if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(join(dir, 'initdb'))) continue;
    const real = dirname(realpathSync(join(dir, 'initdb')));
    if (existsSync(join(real, 'postgres'))) return real;
  }
  return undefined;
}

function runQuiet(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Returns PostgreSQL's bin directory; as root installs Debian's `postgresql` package first when missing.
 * @throws PostgresError saying what to install when it is missing and this is not root.
 */
export async function ensurePostgresInstalled(say: (line: string) => void): Promise<string> {
  const found = findPostgresBinDir();
  if (found) return found;
  if (!isRoot() || !existsSync('/usr/bin/apt-get')) {
    throw new PostgresError(
      'PostgreSQL is not installed: install it (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql), or run this command as root on Debian to let it install it',
    );
  }
  const started = Date.now();
  say('installing PostgreSQL from Debian (apt-get install postgresql, about 70 s)…');
  const timer = setInterval(() => say(`  still installing PostgreSQL (${Math.round((Date.now() - started) / 1000)} s)`), 15_000);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let result = await runQuiet('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], env);
    if (result.code !== 0) {
      // A fresh machine may have no package lists yet.
      await runQuiet('apt-get', ['update'], env);
      result = await runQuiet('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], env);
    }
    if (result.code !== 0) {
      throw new PostgresError(`apt-get install postgresql failed: ${result.output.trim().split('\n').slice(-3).join(' | ')}`);
    }
  } finally {
    clearInterval(timer);
  }
  const installed = findPostgresBinDir();
  if (!installed) throw new PostgresError('apt-get installed postgresql but no initdb was found under /usr/lib/postgresql');
  say(`installed PostgreSQL in ${Math.round((Date.now() - started) / 1000)} s`);
  return installed;
}

/** `command args` as the `postgres` user when running as root (setpriv execs it: no process in between). */
function asPostgresUser(command: string, args: readonly string[]): { command: string; args: string[] } {
  if (!isRoot()) return { command, args: [...args] };
  return { command: 'setpriv', args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args] };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) {
    throw new PostgresError('running as root, PostgreSQL must run as another user, and there is no `postgres` user (Debian\'s package creates it)');
  }
  return { uid, gid };
}

/**
 * Where PostgreSQL keeps `wanted`'s data. Running as root, the server runs as `postgres`, which cannot reach a
 * checkout under a root-only directory (a `mktemp -d`, /root): the data then lives in a directory of its own
 * under /var/lib/postgresql, and `wanted` becomes a symlink to it, so a rerun reuses it and deleting `wanted`
 * (a fresh cluster) discards it.
 */
export function postgresDataDir(wanted: string): string {
  if (!isRoot()) return wanted;
  const reachable = spawnSync('setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', 'test', '-x', dirname(wanted)]).status === 0;
  if (reachable) return wanted;
  const home = existsSync('/var/lib/postgresql') ? '/var/lib/postgresql' : tmpdir();
  const mapped = join(home, 'defacto-lending', createHash('sha256').update(wanted).digest('hex').slice(0, 16));
  if (!existsSync(wanted)) {
    // No link: a fresh cluster, so data left from an earlier one at this path is stale.
    rmSync(mapped, { recursive: true, force: true });
    mkdirSync(dirname(mapped), { recursive: true, mode: 0o755 });
    symlinkSync(mapped, wanted);
  }
  return mapped;
}

/** Login of the Temporal services: a superuser of our own server, reachable only on loopback. */
export interface PostgresLogin {
  readonly user: string;
  readonly password: string;
}

/**
 * Creates the database cluster in `dataDir` unless it exists (then nothing happens: the data is reused).
 * Returns whether it was created.
 */
export async function initPostgres(binDir: string, dataDir: string, login: PostgresLogin): Promise<boolean> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwFile = join(dirname(dataDir), '.pg-password');
  writeFileSync(pwFile, `${login.password}\n`, { mode: 0o600 });
  try {
    if (isRoot()) {
      const { uid, gid } = postgresIds();
      chownSync(dataDir, uid, gid);
      chownSync(pwFile, uid, gid);
    }
    const run = asPostgresUser(join(binDir, 'initdb'), [
      '-D', dataDir, '-U', login.user, `--pwfile=${pwFile}`, '--auth-host=scram-sha-256', '--auth-local=peer',
      '-E', 'UTF8', '--locale=C', '--no-sync',
    ]);
    const result = await runQuiet(run.command, run.args);
    if (result.code !== 0) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new PostgresError(`initdb failed: ${result.output.trim().split('\n').slice(-3).join(' | ')}`);
    }
  } finally {
    rmSync(pwFile, { force: true });
  }
  return true;
}

/**
 * Starts `postgres` on 127.0.0.1:`port` (no Unix socket) and resolves once it accepts connections.
 * Stopping it is a fast shutdown (SIGINT): sessions are closed, data is flushed.
 */
export async function startPostgres(binDir: string, dataDir: string, port: number, logFile: string, timeoutMs = 60_000): Promise<SupervisedProcess> {
  const run = asPostgresUser(join(binDir, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
  ]);
  const proc = spawnSupervised({
    name: 'postgres', command: run.command, args: run.args, logFile, stopSignal: 'SIGINT', stopTimeoutMs: 20_000,
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await runQuiet(join(binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-t', '1']);
    if (ready.code === 0) return proc;
    if (proc.hasExited() || Date.now() > deadline) {
      await proc.stop();
      throw new PostgresError(`PostgreSQL did not start on 127.0.0.1:${port} (${proc.hasExited() ? 'it exited' : 'no answer'}); its log ${logFile}:\n${logTail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
