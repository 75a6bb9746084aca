/**
 * `npm run replay -- [--address HOST:PORT] [--namespace NS] [--query 'VISIBILITY QUERY'] [--workflows PATH] [--limit N]`
 *
 * Pre-deploy check against a live cluster: fetches the histories of the workflows the visibility query
 * matches and replays them with the workflow code about to be deployed (`src/workflows` by default). One
 * line per workflow (`ok` or `FAIL` with the error type), then a summary. TLS, API key and profile come
 * from the Temporal environment conventions (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_TLS_*`,
 * `TEMPORAL_API_KEY`, `TEMPORAL_PROFILE`, read by src/config.ts); `--address` / `--namespace` override them.
 * Encrypted payloads are decoded with the configured payload keys (PAYLOAD_KEYS / PAYLOAD_KEYS_FILE).
 *
 * Exit codes: 0 every workflow replayed; 1 at least one replay failed (or the server could not be
 * reached); 2 bad arguments (the server refusing the query included); 3 the query matched no workflow
 * (a gate that checked nothing is not green).
 */
import { workflowMetricSinks } from '../src/observability/workflow-metrics';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, isGrpcServiceError, ServiceError, type HistoryAndWorkflowId } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { dataConverter, FAILURE_CONVERTER_PATH } from '../src/codec/data-converter';
import { ConfigError, loadConfig, type AppConfig } from '../src/config';
import { createLogger } from '../src/logging';
import { installTemporalRuntime } from '../src/temporal-runtime';
import { runAsMain } from '../src/cli';
import { HelpRequested, integerOption, parseCommandLine, UsageError, usageText } from '../src/command-line';

/** The lifecycle's workflows module, replayed unless `--workflows` names another. */
export const DEFAULT_WORKFLOWS_PATH = fileURLToPath(new URL('../src/workflows/index.ts', import.meta.url));

/** Every loan lifecycle, when no `--query` is given. */
export const DEFAULT_QUERY = "WorkflowType = 'loanLifecycleWorkflow'";

/** Where the script writes and which environment it reads (tests pass their own). */
export interface ReplayIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface ReplayArgs {
  address?: string;
  namespace?: string;
  query: string;
  workflowsPath: string;
  limit?: number;
}

const REPLAY_COMMAND = {
  usage: "npm run replay -- [--address HOST:PORT] [--namespace NS] [--query 'VISIBILITY QUERY'] [--workflows PATH] [--limit N]",
  description: 'Replays the histories of the workflows a visibility query matches with the workflow code about to be deployed.\n'
    + 'TLS, API key and profile from the Temporal environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_*, TEMPORAL_API_KEY, TEMPORAL_PROFILE).\n'
    + 'Exit codes: 0 all replayed, 1 a replay failed or the server is unreachable, 2 bad arguments or a refused query, 3 nothing matched.',
  options: {
    address: { type: 'string', value: 'HOST:PORT', help: 'Temporal frontend (default: TEMPORAL_ADDRESS, else localhost:7233)' },
    namespace: { type: 'string', value: 'NS', help: 'namespace (default: TEMPORAL_NAMESPACE, else default)' },
    query: { type: 'string', value: 'QUERY', help: `visibility query (default: ${DEFAULT_QUERY})` },
    workflows: { type: 'string', value: 'PATH', help: 'workflows module to replay with (default: src/workflows/index.ts)' },
    limit: { type: 'string', value: 'N', help: 'replay at most N workflows' },
  },
} as const;

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`--${flag} needs a value`);
  return value;
}

/** @throws UsageError, HelpRequested */
function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const values = parseCommandLine(REPLAY_COMMAND, argv);
  const args: ReplayArgs = {
    query: nonEmpty('query', values.query) ?? DEFAULT_QUERY,
    workflowsPath: resolve(nonEmpty('workflows', values.workflows) ?? DEFAULT_WORKFLOWS_PATH),
  };
  const address = nonEmpty('address', values.address);
  const namespace = nonEmpty('namespace', values.namespace);
  if (address !== undefined) args.address = address;
  if (namespace !== undefined) args.namespace = namespace;
  const limit = integerOption('limit', values.limit, 1);
  if (limit !== undefined) args.limit = limit;
  return args;
}

async function* take<T>(items: AsyncIterable<T>, limit: number | undefined): AsyncIterable<T> {
  let count = 0;
  for await (const item of items) {
    if (limit !== undefined && count >= limit) return;
    count += 1;
    yield item;
  }
}

/** gRPC INVALID_ARGUMENT: the server refused the visibility query itself. */
const GRPC_INVALID_ARGUMENT = 3;

function isRefusedQuery(error: unknown): error is ServiceError {
  return error instanceof ServiceError && isGrpcServiceError(error.cause) && error.cause.code === GRPC_INVALID_ARGUMENT;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? '';
}

const noop = (): void => undefined;
const quietBundler = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

const processIo: ReplayIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

/** The CLI; returns the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2), io: ReplayIo = processIo): Promise<number> {
  let args: ReplayArgs;
  let connectionOptions: ReturnType<typeof loadConfig>['temporal']['connection'];
  let namespace: string;
  let config: AppConfig;
  try {
    args = parseReplayArgs(argv);
    config = loadConfig(io.env);
    connectionOptions = { ...config.temporal.connection, ...(args.address ? { address: args.address } : {}) };
    namespace = args.namespace ?? config.temporal.namespace;
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout(usageText(REPLAY_COMMAND).trimEnd());
      return 0;
    }
    if (!(error instanceof UsageError) && !(error instanceof ConfigError)) throw error;
    io.stderr(error.message);
    if (error instanceof UsageError) io.stderr(usageText(REPLAY_COMMAND).trimEnd());
    return 2;
  }

  // The replay worker reports each failure in its result; its own warnings would only repeat them.
  installTemporalRuntime(createLogger({ level: 'error' }));
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: args.workflowsPath, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundler,
  });
  let connection: Connection;
  try {
    connection = await Connection.connect(connectionOptions);
  } catch (error) {
    io.stderr(`cannot reach Temporal at ${connectionOptions.address ?? '(default address)'}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  let ok = 0;
  const failed: string[] = [];
  try {
    const converter = dataConverter(config);
    const client = new Client({ connection, namespace, dataConverter: converter });
    const histories: AsyncIterable<HistoryAndWorkflowId> = take(client.workflow.list({ query: args.query }).intoHistories(), args.limit);
    for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter: converter, sinks: workflowMetricSinks() }, histories)) {
      if (result.error) {
        failed.push(result.workflowId);
        io.stdout(`FAIL  ${result.workflowId}  ${result.runId}  ${result.error.name}: ${firstLine(result.error.message)}`);
      } else {
        ok += 1;
        io.stdout(`ok    ${result.workflowId}  ${result.runId}`);
      }
    }
  } catch (error) {
    if (!isRefusedQuery(error)) throw error;
    const cause = error.cause as { details?: string } | undefined;
    io.stderr(`the server refused the query ${JSON.stringify(args.query)}: ${cause?.details ?? error.message}`);
    return 2;
  } finally {
    await connection.close();
  }
  const total = ok + failed.length;
  if (total === 0) {
    io.stderr(`no workflow matched ${JSON.stringify(args.query)} in namespace ${namespace}: nothing was replayed`);
    return 3;
  }
  if (args.limit !== undefined && total >= args.limit) io.stdout(`stopped at --limit ${args.limit}`);
  io.stdout(`replayed ${total} workflow(s) in ${namespace}: ${ok} ok, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

runAsMain(import.meta.url, () => main(), { failurePrefix: 'replay failed: ' });
