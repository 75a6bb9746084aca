/**
 * A multi-service Temporal cluster on this machine: PostgreSQL and the four Temporal services
 * (frontend, history, matching, worker) as separate processes on free loopback ports, N history shards,
 * optional TLS, the project's namespace and search attributes. Everything lives in one data directory
 * and is reused by the next start (same ports when they are free, same certificates, same data).
 * No process outlives the caller: each runs under a watchdog (see ./supervised.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { setupNamespace } from '../namespace-setup';
import { ensureClusterBinaries } from './binaries';
import { DEFAULT_CLUSTER_DIR } from './paths';
import { ensurePostgresInstalled, initPostgres, postgresDataDir, startPostgres } from './postgres';
import {
  renderDynamicConfig, renderServerConfig, TEMPORAL_SERVICES, type TemporalService,
} from './server-config';
import { logTail, spawnSupervised, type SupervisedProcess } from './supervised';
import { ClusterError } from './errors';
import { setUpSchema, sleep, waitFor, waitServing } from './readiness';
import { alive, choosePorts, readState, writeState, type ClusterState } from './state';
import { ensureClusterTls, type ClusterTls } from './tls';

export { ClusterError } from './errors';

/** How to start a cluster. */
export interface ClusterOptions {
  /** Data directory (PostgreSQL data, configuration, certificates, logs); default `.cache/cluster`. */
  readonly dataDir?: string;
  /** History shards; fixed when the database is created (default 4, then whatever the data has). */
  readonly shards?: number;
  /** Serve the frontend over TLS (a throwaway CA in the data directory). */
  readonly tls?: boolean;
  /** The namespace created with the project's search attributes (default `default`). */
  readonly namespace?: string;
  /** Server dynamic-config values. */
  readonly dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
  /** Server log level (default warn). */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readonly onProgress?: (line: string) => void;
  /** Progress of a long build redrawn on one terminal line. */
  readonly interactive?: boolean;
  /** Aborting it stops a start under way: what already runs is stopped and the start rejects. */
  readonly signal?: AbortSignal;
  /** How long each service may take to answer (default 120 s). */
  readonly startTimeoutMs?: number;
}

/** The connection settings of `@temporalio/client` / `NativeConnection` for this cluster. */
export interface ClusterConnectionOptions {
  readonly address: string;
  readonly tls?: { readonly serverNameOverride: string; readonly serverRootCACertificate: Buffer };
}

/** A running cluster. `stop()` is idempotent and leaves the data for the next start. */
export interface Cluster {
  readonly address: string;
  readonly namespace: string;
  readonly shards: number;
  readonly dataDir: string;
  readonly tls: ClusterTls | undefined;
  readonly postgresPort: number;
  /** `TEMPORAL_*` variables (the `@temporalio/envconfig` conventions) that point a process at the cluster. */
  readonly env: Readonly<Record<string, string>>;
  readonly connectionOptions: ClusterConnectionOptions;
  readonly postgres: SupervisedProcess;
  readonly services: Readonly<Record<TemporalService, SupervisedProcess>>;
  /** Whether this start created the database (false: the data of an earlier start was reused). */
  readonly createdDatabase: boolean;
  /** Stops one service (SIGKILL when `crash`) and starts it again on the same ports. */
  restartService(service: TemporalService, options?: { readonly crash?: boolean }): Promise<void>;
  /** Stops PostgreSQL (fast shutdown; SIGKILL when `crash`) and starts it again on the same port and data. */
  restartPostgres(options?: { readonly crash?: boolean }): Promise<void>;
  /**
   * Resolves once the cluster serves again: history answers for every shard, matching for a task queue
   * (after a restart; rejects after `timeoutMs`).
   */
  waitServing(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the cluster and resolves once the frontend answers, history and matching serve requests and
 * the namespace has the project's search attributes.
 * @throws ClusterError (also ClusterBuildError, PostgresError, ClusterTlsError, NamespaceSetupError)
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const say = options.onProgress ?? ((): void => undefined);
  const dataDir = resolve(options.dataDir ?? DEFAULT_CLUSTER_DIR);
  const namespace = options.namespace ?? 'default';
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  mkdirSync(join(dataDir, 'logs'), { recursive: true });

  const previous = readState(dataDir);
  if (previous?.owner && alive(previous.owner.pid) && previous.owner.pid !== process.pid) {
    throw new ClusterError(`a cluster already runs from ${dataDir} (pid ${previous.owner.pid}); stop it first: npm run cluster -- --stop${options.dataDir ? ` --data ${dataDir}` : ''}`);
  }
  const shards = options.shards ?? previous?.shards ?? 4;
  if (previous && previous.shards !== shards) {
    throw new ClusterError(`${dataDir} holds a cluster of ${previous.shards} history shards; a cluster's shard count cannot change: use another --data directory or delete this one`);
  }

  const binaries = await ensureClusterBinaries(say, { interactive: options.interactive ?? false });
  const pgBin = await ensurePostgresInstalled(say);
  const chosen = await choosePorts(previous);
  const state: ClusterState = {
    shards,
    postgres: { user: 'temporal', password: previous?.postgres.password ?? randomBytes(18).toString('base64url'), port: chosen.postgresPort },
    ports: chosen.ports,
    frontendHttpPort: chosen.frontendHttpPort,
  };
  writeState(dataDir, state);
  const tls = options.tls ? ensureClusterTls(join(dataDir, 'tls')) : undefined;
  const log = (name: string): string => join(dataDir, 'logs', `${name}.log`);
  for (const name of ['postgres', 'schema', ...TEMPORAL_SERVICES]) writeFileSync(log(name), '');

  const started: SupervisedProcess[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.filter((p) => p.name !== 'postgres').map((p) => p.stop()));
    await Promise.all(started.filter((p) => p.name === 'postgres').map((p) => p.stop()));
  };
  const interrupted = (): void => {
    if (options.signal?.aborted) throw new ClusterError('the start was interrupted');
  };
  try {
    interrupted();
    const pgData = postgresDataDir(join(dataDir, 'postgres'));
    const createdDatabase = await initPostgres(pgBin, pgData, state.postgres);
    say(`${createdDatabase ? 'created' : 'reusing'} the PostgreSQL data in ${pgData}; starting PostgreSQL on 127.0.0.1:${state.postgres.port}`);
    const postgres = await startPostgres(pgBin, pgData, state.postgres.port, log('postgres'));
    started.push(postgres);
    interrupted();
    say('creating or updating the temporal and temporal_visibility schemas');
    await setUpSchema(binaries, state, 'temporal', 'postgresql/v12/temporal', log('schema'));
    await setUpSchema(binaries, state, 'temporal_visibility', 'postgresql/v12/visibility', log('schema'));

    interrupted();
    const configDir = join(dataDir, 'config');
    mkdirSync(configDir, { recursive: true });
    const dynamicConfigFile = options.dynamicConfig && Object.keys(options.dynamicConfig).length ? join(configDir, 'dynamic-config.yaml') : undefined;
    if (dynamicConfigFile && options.dynamicConfig) writeFileSync(dynamicConfigFile, renderDynamicConfig(options.dynamicConfig));
    for (const service of TEMPORAL_SERVICES) {
      writeFileSync(join(configDir, `${service}.yaml`), renderServerConfig({
        service, shards, tls, dynamicConfigFile, postgres: state.postgres, ports: state.ports,
        frontendHttpPort: state.frontendHttpPort, logLevel: options.logLevel ?? 'warn',
      }), { mode: 0o600 });
    }
    const startService = (service: TemporalService): SupervisedProcess => spawnSupervised({
      name: service, command: binaries.server,
      args: ['--root', dataDir, '--config', 'config', '--env', service, '--allow-no-auth', 'start', '--service', service],
      logFile: log(service), stopTimeoutMs: 15_000,
    });
    // The frontend first, alone: every service writes the cluster metadata when it finds none, and on an
    // empty database four services doing it at once collide (a duplicate key ends all but one).
    say(`starting the frontend, then history, matching and worker (${shards} history shards${tls ? ', TLS' : ''})`);
    const services = {} as Record<TemporalService, SupervisedProcess>;
    services.frontend = startService('frontend');
    started.push(services.frontend);

    const address = `127.0.0.1:${state.ports.frontend.grpc}`;
    const connectionOptions: ClusterConnectionOptions = tls
      ? { address, tls: { serverNameOverride: tls.serverName, serverRootCACertificate: readFileSync(tls.caFile) } }
      : { address };
    const deadline = Date.now() + timeoutMs;
    const check = (): void => {
      interrupted();
      const dead = started.find((p) => p.hasExited());
      if (dead) throw new ClusterError(`the ${dead.name} process exited; its log ${dead.logFile}:\n${logTail(dead.logFile)}`);
    };
    const connection = await waitFor('the frontend', deadline, check, async () => {
      const attempt = await Connection.connect({ ...connectionOptions, connectTimeout: 2_000 });
      try {
        await attempt.workflowService.getSystemInfo({});
        return attempt;
      } catch (error) {
        await attempt.close();
        throw error;
      }
    });
    for (const service of TEMPORAL_SERVICES.filter((name) => name !== 'frontend')) {
      services[service] = startService(service);
      started.push(services[service]);
    }
    try {
      say(`frontend answers on ${address}; setting up namespace ${namespace}`);
      await setupNamespace(connection, { namespace, onProgress: (line) => say(`  ${line}`), timeoutMs: Math.max(30_000, deadline - Date.now()) });
      await waitServing(connection, namespace, shards, deadline, check);
    } finally {
      await connection.close();
    }

    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      ...(tls ? { TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.caFile, TEMPORAL_TLS_SERVER_NAME: tls.serverName } : {}),
    };
    writeFileSync(join(dataDir, 'cluster.env'), Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
    const recordOwner = (): void => writeState(dataDir, { ...state, owner: { pid: process.pid, pgids: started.map((p) => p.pgid) } });
    recordOwner();

    let stopping: Promise<void> | undefined;
    const current = { postgres };
    return {
      address, namespace, shards, dataDir, tls, postgresPort: state.postgres.port, env, connectionOptions,
      get postgres() {
        return current.postgres;
      },
      services, createdDatabase,
      async restartService(service, restartOptions = {}) {
        const old = services[service];
        if (restartOptions.crash) {
          old.kill('SIGKILL');
          await old.exited;
        } else {
          await old.stop();
        }
        started.splice(started.indexOf(old), 1);
        services[service] = startService(service);
        started.push(services[service]);
        recordOwner();
      },
      async restartPostgres(restartOptions = {}) {
        const old = current.postgres;
        if (restartOptions.crash) {
          old.kill('SIGKILL');
          await old.exited;
        } else {
          await old.stop();
        }
        started.splice(started.indexOf(old), 1);
        current.postgres = await startPostgres(pgBin, pgData, state.postgres.port, log('postgres'));
        started.push(current.postgres);
        recordOwner();
      },
      async waitServing(waitTimeoutMs = 60_000) {
        const until = Date.now() + waitTimeoutMs;
        const probe = await waitFor('the frontend', until, check, () => Connection.connect({ ...connectionOptions, connectTimeout: 2_000 }));
        try {
          await waitServing(probe, namespace, shards, until, check);
        } finally {
          await probe.close();
        }
      },
      stop() {
        stopping ??= (async () => {
          await stopAll();
          const current = readState(dataDir);
          if (current?.owner?.pid === process.pid) {
            delete current.owner;
            writeState(dataDir, current);
          }
        })();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Stops the cluster another process runs from `dataDir` (what `npm run cluster -- --stop` does): asks
 * that process to stop (SIGTERM), and if it does not within `timeoutMs`, kills it and its process groups.
 * Returns false when no cluster was running there.
 */
export async function stopClusterAt(dataDir: string = DEFAULT_CLUSTER_DIR, timeoutMs = 40_000): Promise<boolean> {
  const state = readState(resolve(dataDir));
  const owner = state?.owner;
  if (!owner) return false;
  const groupsAlive = (): number[] => owner.pgids.filter(alive);
  if (!alive(owner.pid) && groupsAlive().length === 0) return false;
  if (alive(owner.pid)) process.kill(owner.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while ((alive(owner.pid) || groupsAlive().length) && Date.now() < deadline) await sleep(250);
  if (alive(owner.pid)) process.kill(owner.pid, 'SIGKILL');
  for (const pgid of groupsAlive()) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  const current = readState(resolve(dataDir));
  if (current?.owner) {
    delete current.owner;
    writeState(resolve(dataDir), current);
  }
  return true;
}
