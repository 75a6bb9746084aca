/**
 * The Temporal server and its SQL schema tool, built once with `go install` into `.tools/bin` (like the
 * Temporal CLI of the bootstrap) and reused afterwards: minutes cold, instant warm.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { projectRoot } from './paths';

/** The server release the cluster runs; later tags need a newer Go than Debian's. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = 'go.temporal.io/server';

/** Paths of the two programs. */
export interface ClusterBinaries {
  readonly server: string;
  readonly sqlTool: string;
}

/** Raised when the programs cannot be built; the message says what to install. */
export class ClusterBuildError extends Error {
  override readonly name = 'ClusterBuildError';
}

const toolsBin = join(projectRoot, '.tools', 'bin');

function findGo(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined;
}

function reportsVersion(path: string): boolean {
  if (!existsSync(path)) return false;
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 && `${result.stdout}${result.stderr}`.includes(TEMPORAL_SERVER_VERSION);
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Returns the two programs, building them first when `.tools/bin` lacks them (progress every 15 s, or
 * every second on a terminal, with the elapsed time and Go's latest line).
 * @throws ClusterBuildError
 */
export async function ensureClusterBinaries(say: (line: string) => void, options: { readonly interactive?: boolean } = {}): Promise<ClusterBinaries> {
  const binaries = { server: join(toolsBin, 'temporal-server'), sqlTool: join(toolsBin, 'temporal-sql-tool') };
  if (reportsVersion(binaries.server) && existsSync(binaries.sqlTool)) return binaries;
  const go = findGo();
  if (!go) {
    throw new ClusterBuildError(`Go is needed once to build the Temporal server ${TEMPORAL_SERVER_VERSION}: install Go 1.25 or later (https://go.dev/dl/)`);
  }
  mkdirSync(toolsBin, { recursive: true });
  say(`building the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool with Go into .tools/bin (one time: 4–6 min on 2 cores)`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', `${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`], {
      cwd: join(projectRoot, '.tools'),
      env: { ...process.env, GOBIN: toolsBin, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = 'downloading and compiling';
    const tail: string[] = [];
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n').map((l) => l.trim()).filter(Boolean)) {
        last = line.length > 90 ? `${line.slice(0, 87)}...` : line;
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const render = (): void => {
      const text = `go install temporal-server: ${elapsed(Date.now() - started)} elapsed - ${last}`;
      if (options.interactive) process.stdout.write(`\r\x1b[2K[cluster] ${text}`);
      else say(text);
    };
    const timer = setInterval(render, options.interactive ? 1_000 : 15_000);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(new ClusterBuildError(`could not run ${go}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (options.interactive) process.stdout.write('\n');
      if (code === 0) resolve();
      else {
        const reason = tail.filter((l) => !l.startsWith('go: downloading')).slice(-3).join(' | ') || `exit code ${code}`;
        reject(new ClusterBuildError(`go install of the Temporal server failed: ${reason}`));
      }
    });
  });
  renameSync(join(toolsBin, 'server'), binaries.server);
  renameSync(join(toolsBin, 'sql'), binaries.sqlTool);
  if (!reportsVersion(binaries.server)) throw new ClusterBuildError(`the freshly built ${binaries.server} does not report version ${TEMPORAL_SERVER_VERSION}`);
  say(`built the Temporal server in ${elapsed(Date.now() - started)}`);
  return binaries;
}
