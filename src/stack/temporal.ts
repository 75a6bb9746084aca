/**
 * The Temporal part of the stack: a dev server started for the run (src/dev-server.ts), or an existing
 * Temporal (a dev server, a self-hosted cluster, Temporal Cloud) reached with the SDK's own envconfig
 * settings (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS*, TEMPORAL_API_KEY, profile file), the
 * address possibly given on a command line (`--temporal host:port`). An existing Temporal is never
 * started, restarted or stopped by the stack, and it has a Web UI only when TEMPORAL_UI_URL names one.
 */
import type { NativeConnectionOptions } from '@temporalio/worker';
import { loadConfig, type AppConfig } from '../config';
import { startDevServer, type DevServer, type DevServerOptions } from '../dev-server';

/** Where Temporal comes from. */
export interface TemporalOptions {
  /**
   * Connect to this existing Temporal (`host:port`) instead of starting a dev server; TLS, API key and
   * namespace still come from the envconfig variables. Default: the configured address (TEMPORAL_ADDRESS
   * or the envconfig profile's), if any; else a dev server is started.
   */
  readonly address?: string | undefined;
  /** Options of the dev server started when no address is given or configured. */
  readonly devServer?: DevServerOptions;
  /** The configuration to read (default: the environment's). */
  readonly config?: AppConfig;
}

/** The Temporal a stack runs on. */
export interface StackTemporal {
  readonly address: string;
  readonly namespace: string;
  /** The dev server the stack started (its current process after a restart); undefined for an existing Temporal. */
  readonly devServer: DevServer | undefined;
  /** The Web UI, only when one exists: the dev server's, or TEMPORAL_UI_URL for an existing Temporal. */
  readonly uiUrl: string | undefined;
  /** For `Connection.connect` and `NativeConnection.connect` (TLS and API key included). */
  readonly connectionOptions: NativeConnectionOptions;
  /** Variables that point a child process's `loadConfig()` at this Temporal. */
  readonly childEnv: Readonly<Record<string, string | undefined>>;
  /** Every dev-server log file of the run (one per start). */
  readonly logFiles: readonly string[];
  /** Dev server only: stops it and starts it again on the same port and database file; resolves the downtime in ms. */
  restart(): Promise<number>;
  /** Stops the dev server (an existing Temporal is left alone). Idempotent. */
  stop(): Promise<void>;
}

/** Raised when a dev-server-only operation is asked of an existing Temporal. */
export class ExistingTemporalError extends Error {
  override readonly name = 'ExistingTemporalError';
}

/** The address of the existing Temporal to use, if any: `flag`, else the configured one. */
export function existingTemporalAddress(flag: string | undefined, config: AppConfig = loadConfig()): string | undefined {
  return flag ?? config.temporal.connection.address;
}

/**
 * Connection options for `address` as another process of the same run sees it (the test files, after the
 * global setup): the envconfig TLS and API key for an existing Temporal, plain gRPC for our dev server.
 */
export function connectionOptionsFor(address: string, existing: boolean, config: AppConfig = loadConfig()): NativeConnectionOptions {
  return existing ? { ...config.temporal.connection, address } : { address };
}

/** Starts a dev server or connects to the given or configured Temporal. */
export async function startTemporal(options: TemporalOptions = {}): Promise<StackTemporal> {
  const config = options.config ?? loadConfig();
  const address = existingTemporalAddress(options.address, config);
  if (address !== undefined) {
    const { namespace } = config.temporal;
    return {
      address,
      namespace,
      devServer: undefined,
      uiUrl: config.temporal.uiUrl,
      connectionOptions: connectionOptionsFor(address, true, config),
      childEnv: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace },
      logFiles: [],
      restart: () => Promise.reject(new ExistingTemporalError(`Temporal at ${address} was not started by this run: it cannot be restarted here`)),
      stop: () => Promise.resolve(),
    };
  }

  const devOptions = options.devServer ?? {};
  let server = await startDevServer(devOptions);
  const logFiles = [server.logFile];
  const uiPort = server.uiUrl ? Number(new URL(server.uiUrl).port) : undefined;
  return {
    address: server.address,
    namespace: server.namespace,
    get devServer() {
      return server;
    },
    uiUrl: server.uiUrl,
    connectionOptions: { address: server.address },
    // TLS and API key off, whatever the environment says: the dev server speaks plain gRPC.
    childEnv: {
      TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: undefined,
    },
    logFiles,
    async restart() {
      const down = Date.now();
      await server.stop();
      server = await startDevServer({ ...devOptions, port: server.port, ...(uiPort ? { uiPort } : {}) });
      logFiles.push(server.logFile);
      return Date.now() - down;
    },
    stop: () => server.stop(),
  };
}
