/**
 * One multi-service Temporal cluster on PostgreSQL, over TLS, for the `cluster` test run: started from an
 * empty data directory (so the replay test sees only this run's histories), shared with the test files
 * through provide/inject, stopped in teardown (its watchdogs stop it if this process dies otherwise).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCluster } from '../../src/cluster/cluster';
import { projectRoot } from '../../src/cluster/paths';

declare module 'vitest' {
  export interface ProvidedContext {
    /** TEMPORAL_* variables pointing at the cluster (address, namespace, TLS). */
    clusterEnv: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = join(projectRoot, '.cache', 'cluster-test');
  rmSync(dataDir, { recursive: true, force: true });
  const started = Date.now();
  const cluster = await startCluster({
    dataDir, tls: true, shards: 4,
    onProgress: (line) => process.stdout.write(`[cluster] ${line}\n`),
  });
  process.stdout.write(`[cluster] ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cluster.address} (TLS, ${cluster.shards} shards)\n`);
  project.provide('clusterEnv', { ...cluster.env });
  return () => cluster.stop();
}
