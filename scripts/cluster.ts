/**
 * `npm run cluster [-- --shards N] [--tls] [--data DIR] [--namespace NS]`: a multi-service Temporal
 * cluster on PostgreSQL on this machine, in the foreground until Ctrl-C (or `npm run cluster -- --stop`
 * from another shell). Prints the TEMPORAL_* variables that point the worker, the starter and the
 * other commands at it. Rerunning reuses the data directory.
 *
 * Exit codes: 0 stopped cleanly (or `--stop` stopped one / found none); 1 it could not start; 2 bad arguments.
 */
import { relative } from 'node:path';
import { runAsMain } from '../src/cli';
import { startCluster, stopClusterAt } from '../src/cluster/cluster';
import { DEFAULT_CLUSTER_DIR, projectRoot } from '../src/cluster/paths';

const USAGE = `usage: npm run cluster -- [--shards N] [--tls] [--data DIR] [--namespace NS]
       npm run cluster -- --stop [--data DIR]

Runs PostgreSQL and the four Temporal services (frontend, history, matching, worker) as separate
processes on free loopback ports, until Ctrl-C. The first run builds the Temporal server into .tools/bin
(Go, 4–6 min) and, as root on Debian, installs PostgreSQL when missing.

  --shards N      history shards (default 4); fixed when the data directory is created
  --tls           serve the frontend over TLS with a throwaway CA (its path is printed)
  --data DIR      data directory (default .cache/cluster); a second run reuses it
  --namespace NS  namespace to create with the project's search attributes (default: TEMPORAL_NAMESPACE, else default)
  --stop          stop the cluster running from the data directory
  --help          this text`;

interface Args {
  shards?: number;
  tls: boolean;
  dataDir: string;
  namespace?: string;
  stop: boolean;
  help: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { tls: false, dataDir: DEFAULT_CLUSTER_DIR, stop: false, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i += 1;
      return next;
    };
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--tls') args.tls = true;
    else if (flag === '--stop') args.stop = true;
    else if (flag === '--data') args.dataDir = value();
    else if (flag === '--namespace') args.namespace = value();
    else if (flag === '--shards') {
      const shards = Number(value());
      if (!Number.isInteger(shards) || shards < 1 || shards > 1024) throw new UsageError('--shards needs a whole number from 1 to 1024');
      args.shards = shards;
    } else throw new UsageError(`unknown argument ${flag}`);
  }
  return args;
}

const started = Date.now();
const say = (line: string): void => {
  process.stdout.write(`[cluster ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
};

async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.stop) {
    const stopped = await stopClusterAt(args.dataDir);
    say(stopped ? `stopped the cluster of ${args.dataDir}` : `no cluster runs from ${args.dataDir}`);
    return 0;
  }

  const { loadConfig } = await import('../src/config');
  const namespace = args.namespace ?? loadConfig().temporal.namespace;
  // One handler for the command's whole life (Ctrl-C reaches both tsx and this process, and tsx exits a
  // process that has no handler left): the first signal aborts the start or stops the running cluster.
  const interrupted = new AbortController();
  const onSignal = (): void => {
    if (interrupted.signal.aborted) return;
    process.stdout.write('\n');
    say('stopping the Temporal services and PostgreSQL…');
    interrupted.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  const cluster = await startCluster({
    dataDir: args.dataDir, tls: args.tls, namespace, onProgress: say, signal: interrupted.signal,
    interactive: Boolean(process.stdout.isTTY) && !process.env.CI,
    ...(args.shards === undefined ? {} : { shards: args.shards }),
  }).catch((error: unknown) => {
    if (!interrupted.signal.aborted) throw error;
    say('stopped before it was ready; no process left');
    return undefined;
  });
  if (!cluster) return 130;

  const dir = relative(projectRoot, cluster.dataDir) || '.';
  say(`ready: Temporal ${cluster.address} (${cluster.shards} history shards, PostgreSQL 127.0.0.1:${cluster.postgresPort}${cluster.tls ? ', TLS' : ''}), namespace ${cluster.namespace}, data ${cluster.createdDatabase ? 'created' : 'reused'}`);
  process.stdout.write(`\nPoint the worker, the starter and the other commands at it with:\n\n`);
  for (const [key, value] of Object.entries(cluster.env)) process.stdout.write(`  export ${key}=${value}\n`);
  process.stdout.write(`\n(or: set -a; . ${dir}/cluster.env; set +a)\nLogs: ${dir}/logs/. Ctrl-C or \`npm run cluster -- --stop\` stops everything; the data stays for the next run.\n\n`);

  let failed = false;
  // The children are unreferenced (they must not keep a failing start alive): this keeps the command up.
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    interrupted.signal.addEventListener('abort', () => resolve());
    for (const proc of [cluster.postgres, ...Object.values(cluster.services)]) {
      void proc.exited.then(() => {
        if (interrupted.signal.aborted) return;
        say(`the ${proc.name} process exited unexpectedly (log: ${proc.logFile}); stopping the cluster`);
        failed = true;
        resolve();
      });
    }
  });
  clearInterval(keepAlive);
  await cluster.stop();
  say('stopped; no process left');
  return failed ? 1 : 0;
}

runAsMain(import.meta.url, () => main(process.argv.slice(2)), { failurePrefix: '[cluster] error: ' });
