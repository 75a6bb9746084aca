/**
 * What a cluster's data directory remembers between starts (cluster.json: shards, PostgreSQL login, the
 * ports of every service, the owning process) and how ports are chosen: the same ones when still free.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { PostgresLogin } from './postgres';
import { TEMPORAL_SERVICES, type ServicePorts, type TemporalService } from './server-config';

/** What the data directory remembers between starts (cluster.json). */
export interface ClusterState {
  shards: number;
  postgres: PostgresLogin & { port: number };
  ports: Record<TemporalService, ServicePorts>;
  frontendHttpPort: number;
  /** The process running the cluster and its process groups, while it runs. */
  owner?: { pid: number; pgids: number[] };
}

const STATE_FILE = 'cluster.json';

export function readState(dataDir: string): ClusterState | undefined {
  const file = join(dataDir, STATE_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

export function writeState(dataDir: string, state: ClusterState): void {
  writeFileSync(join(dataDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function listen(port: number): Promise<number | undefined> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolvePort(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolvePort(bound));
    });
  });
}

// The membership table stores ports as a PostgreSQL smallint: every port stays below 32768, under Linux's
// ephemeral range (32768–60999), where it cannot collide with outgoing connections either.
const PORT_RANGE = { low: 20_000, high: 32_767 } as const;

/** `wanted` when it is free on loopback, else a free port of {@link PORT_RANGE} not in `taken`. */
async function portFor(wanted: number | undefined, taken: Set<number>): Promise<number> {
  if (wanted && wanted >= PORT_RANGE.low && wanted <= PORT_RANGE.high && !taken.has(wanted) && (await listen(wanted)) === wanted) {
    taken.add(wanted);
    return wanted;
  }
  for (;;) {
    const port = PORT_RANGE.low + Math.floor(Math.random() * (PORT_RANGE.high - PORT_RANGE.low + 1));
    if (!taken.has(port) && (await listen(port)) === port) {
      taken.add(port);
      return port;
    }
  }
}

export async function choosePorts(previous: ClusterState | undefined): Promise<Pick<ClusterState, 'ports' | 'frontendHttpPort'> & { postgresPort: number }> {
  const taken = new Set<number>();
  const postgresPort = await portFor(previous?.postgres.port, taken);
  const ports = {} as Record<TemporalService, ServicePorts>;
  for (const service of TEMPORAL_SERVICES) {
    const old = previous?.ports[service];
    ports[service] = {
      grpc: await portFor(old?.grpc, taken),
      membership: await portFor(old?.membership, taken),
      metrics: await portFor(old?.metrics, taken),
    };
  }
  return { postgresPort, ports, frontendHttpPort: await portFor(previous?.frontendHttpPort, taken) };
}
