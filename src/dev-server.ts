/**
 * The one dev-server manager, used by `npm start`, the tests, the benchmark and the chaos harness.
 * It runs `temporal server start-dev` on free ports with the project's search attributes registered,
 * waits until the server answers, and stops it cleanly. No `temporal` process outlives its parent:
 * the server runs under a small watchdog shell in its own process group, which kills it as soon as
 * the parent is gone (normal exit, failure, SIGINT or SIGKILL of the parent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { loadConfig } from './config';
import { loanSearchAttributes } from './workflows/search-attributes';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface DevServerOptions {
  /** The `temporal` binary; default: TEMPORAL_CLI_PATH, else what the bootstrap resolved, else `temporal`. */
  readonly cliPath?: string;
  /** Persist to this SQLite file (survives restarts); in memory when absent. */
  readonly dbFilename?: string;
  /** With `dbFilename`: SQLite in WAL journal mode. */
  readonly sqliteWal?: boolean;
  /** Serve the Web UI (on `uiPort`, else a free port). */
  readonly ui?: boolean;
  readonly uiPort?: number;
  /** With `ui`: the codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  readonly uiCodecEndpoint?: string;
  /** gRPC port; a free one when absent (pass the old port to restart "the same" server). */
  readonly port?: number;
  /** How long to wait for the server to answer. */
  readonly startTimeoutMs?: number;
  /** Server dynamic-config values (`--dynamic-config-value KEY=VALUE`), e.g. {@link FAST_DISPATCH_DYNAMIC_CONFIG}. */
  readonly dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The dev server runs one history shard, which reads its task queues at most 20 times a second: on a
 * cluster with many shards that cap never shows, here it adds 25–50 ms to every task dispatch
 * (bench/results/tuning.md). These values lift it.
 */
export const FAST_DISPATCH_DYNAMIC_CONFIG: Readonly<Record<string, number>> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollRPS': 1000,
  'history.visibilityProcessorMaxPollRPS': 1000,
};

/** A running dev server. `stop()` is idempotent. */
export interface DevServer {
  readonly address: string;
  readonly namespace: string;
  readonly port: number;
  readonly uiUrl: string | undefined;
  /** `host:port` of the server's Prometheus endpoint (`/metrics`). */
  readonly metricsAddress: string;
  readonly pid: number;
  readonly logFile: string;
  /** The server's Prometheus endpoint (`--metrics-port`), e.g. its `action` counter. */
  readonly metricsUrl: string;
  stop(): Promise<void>;
}

/** Raised when the server cannot be started; the message carries the tail of its log. */
export class DevServerError extends Error {
  override readonly name = 'DevServerError';
}

// Kills the server when the parent (argument 1) dies, or the server itself exits; TERM/INT stop it.
const WATCHDOG = `
parent=$1; shift
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT HUP
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
kill -TERM "$child" 2>/dev/null
i=0
while kill -0 "$child" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done
kill -KILL "$child" 2>/dev/null
wait "$child"
`;

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The Temporal CLI to run, resolved the same way as the bootstrap. */
export function resolveTemporalCli(explicit?: string): string {
  if (explicit) return explicit;
  const configured = loadConfig().temporal.cliPath;
  if (configured) return configured;
  const recorded = join(projectRoot, '.tools', 'temporal-cli-path');
  if (existsSync(recorded)) return readFileSync(recorded, 'utf8').trim();
  return 'temporal';
}

function typeName(type: string): string {
  // SearchAttributeType values are upper-case (KEYWORD, INT); the CLI wants Keyword, Int.
  return type.charAt(0) + type.slice(1).toLowerCase();
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts a dev server and resolves once it answers gRPC calls. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = resolveTemporalCli(options.cliPath);
  const port = options.port ?? (await freePort());
  const httpPort = await freePort();
  const metricsPort = await freePort();
  const uiPort = options.ui ? (options.uiPort ?? (await freePort())) : undefined;
  const namespace = 'default';
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--http-port', String(httpPort),
    '--metrics-port', String(metricsPort),
    '--namespace', namespace,
    '--log-level', 'warn',
    ...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]),
    ...(uiPort !== undefined && options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ...(options.dbFilename ? ['--db-filename', options.dbFilename] : []),
    ...(options.dbFilename && options.sqliteWal ? ['--sqlite-pragma', 'journal_mode=wal'] : []),
    ...loanSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${typeName(key.type)}`]),
    ...Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => [
      '--dynamic-config-value', `${key}=${JSON.stringify(value)}`,
    ]),
  ];
  const logFile = join(mkdtempSync(join(tmpdir(), 'temporal-dev-')), 'server.log');
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', WATCHDOG, 'temporal-watchdog', String(process.pid), cli, ...args], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new DevServerError(`could not start ${cli}`);
  child.unref();

  let exited = false;
  const exitedPromise = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      exited = true;
      resolveExit();
    });
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  // Backstop for a parent that exits without calling stop(); the watchdog covers SIGKILL.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      if (!exited) killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
      killGroup('SIGKILL');
    })();
    return stopping;
  };

  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, namespace, options.startTimeoutMs ?? 60_000, () => exited);
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new DevServerError(`Temporal dev server (${cli}) did not start: ${reason}\n${tail(logFile)}`);
  }
  return {
    address,
    namespace,
    port,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    metricsAddress: `127.0.0.1:${metricsPort}`,
    pid,
    logFile,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    stop,
  };
}

async function waitUntilServing(address: string, namespace: string, timeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('the process exited');
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`no answer within ${timeoutMs} ms (${lastError instanceof Error ? lastError.message : String(lastError)})`);
}
