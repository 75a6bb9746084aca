/**
 * The chaos run's own Temporal cluster (`npm run chaos -- --cluster`): PostgreSQL and the four Temporal
 * services as separate processes (src/cluster), over TLS, started in the run's directory. Its process
 * environment is pointed at the cluster (the TEMPORAL_* variables, TLS included), so the stack builder,
 * the worker processes it forks and every client of the run reach it the way an operator's would.
 * The Temporal faults of such a run: a SIGKILL and restart of the history service, the same of the
 * matching service, and a restart of PostgreSQL, each timed until the cluster serves again.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../../src/cluster/cluster';

/** One fault on Temporal itself; `run` resolves the time until Temporal serves again, in ms. */
export interface TemporalFault {
  readonly label: string;
  run(): Promise<number>;
}

/** A running chaos cluster. */
export interface ChaosCluster {
  readonly cluster: Cluster;
  readonly faults: readonly TemporalFault[];
  /** Every log file of PostgreSQL and the four services. */
  readonly logFiles: readonly string[];
  stop(): Promise<void>;
}

/** Starts the cluster in `<dir>/cluster` and points this process's TEMPORAL_* variables at it. */
export async function startChaosCluster(dir: string, say: (line: string) => void): Promise<ChaosCluster> {
  const started = Date.now();
  // The run's directory is private (mkdtemp); PostgreSQL runs as its own user and must reach its data below it.
  chmodSync(dir, 0o711);
  const cluster = await startCluster({
    dataDir: join(dir, 'cluster'), tls: true, shards: 4, onProgress: (line) => say(`[cluster] ${line}`),
  });
  say(`[cluster] ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cluster.address} (TLS, ${cluster.shards} shards)`);
  Object.assign(process.env, cluster.env);
  const timed = async (action: () => Promise<void>): Promise<number> => {
    const down = Date.now();
    await action();
    await cluster.waitServing(120_000);
    return Date.now() - down;
  };
  return {
    cluster,
    faults: [
      { label: 'SIGKILL and restart of the history service', run: () => timed(() => cluster.restartService('history', { crash: true })) },
      { label: 'SIGKILL and restart of the matching service', run: () => timed(() => cluster.restartService('matching', { crash: true })) },
      { label: 'restart of PostgreSQL (fast shutdown)', run: () => timed(() => cluster.restartPostgres()) },
    ],
    logFiles: ['postgres', 'frontend', 'history', 'matching', 'worker'].map((name) => join(cluster.dataDir, 'logs', `${name}.log`)),
    stop: () => cluster.stop(),
  };
}
