/**
 * Bringing a cluster's parts up: the SQL tool's schema set-up (idempotent), and waiting until the history
 * and matching services serve.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Connection } from '@temporalio/client';
import type { ClusterBinaries } from './binaries';
import { ClusterError } from './errors';
import type { ClusterState } from './state';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Runs the SQL tool against one database: create it, set up versioning, apply every schema version. Idempotent. */
export async function setUpSchema(binaries: ClusterBinaries, state: ClusterState, database: string, schemaName: string, logFile: string): Promise<void> {
  const run = (args: readonly string[]): Promise<{ code: number | null; output: string }> => new Promise((done) => {
    const child = spawn(binaries.sqlTool, [
      '--plugin', 'postgres12', '--endpoint', '127.0.0.1', '--port', String(state.postgres.port),
      '--user', state.postgres.user, '--database', database, ...args,
    ], { env: { ...process.env, SQL_PASSWORD: state.postgres.password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (error) => done({ code: -1, output: error.message }));
    child.on('close', (code) => {
      writeFileSync(logFile, `$ temporal-sql-tool --database ${database} ${args.join(' ')}\n${output}\n`, { flag: 'a' });
      done({ code, output });
    });
  });
  const create = await run(['create-database', '--defaultdb', 'postgres']);
  if (create.code !== 0 && !/already exists/i.test(create.output)) {
    throw new ClusterError(`creating database ${database} failed; see ${logFile}:\n${create.output.trim().split('\n').slice(-3).join('\n')}`);
  }
  for (const args of [['setup-schema', '-v', '0.0'], ['update-schema', '--schema-name', schemaName]]) {
    const result = await run(args);
    if (result.code !== 0) {
      throw new ClusterError(`${args[0]} of ${database} failed; see ${logFile}:\n${result.output.trim().split('\n').slice(-3).join('\n')}`);
    }
  }
}

/** Waits until the history service answers for every shard and matching for a task queue. */
export async function waitServing(connection: Connection, namespace: string, shards: number, deadline: number, check: () => void): Promise<void> {
  await waitFor('the history service', deadline, check, async () => {
    // Different IDs land on different shards; each answer comes from the history service owning it.
    for (let i = 0; i < shards * 2; i += 1) {
      try {
        await connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: `cluster-readiness-${i}` } });
      } catch (error) {
        if (grpcCode(error) !== 5) throw error;
      }
    }
  });
  await waitFor('the matching service', deadline, check, async () => {
    await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'cluster-readiness' }, taskQueueType: 1 });
  });
}

/** Calls `probe` until it resolves, `check` throws (a process died) or `deadline` passes. */
export async function waitFor<T>(what: string, deadline: number, check: () => void, probe: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (;;) {
    check();
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new ClusterError(`${what} did not answer in time: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    }
    await sleep(300);
  }
}
