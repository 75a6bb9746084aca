/**
 * What the project needs on a Temporal namespace, checked and put in place through Temporal's own API
 * (WorkflowService and OperatorService; no CLI): the namespace itself and the search attributes of
 * {@link loanSearchAttributes}. The same code serves the dev server, a self-hosted cluster and Temporal
 * Cloud. Run directly:
 *
 *   npm run namespace:setup [-- --namespace NS] [--no-create] [--retention-days N]
 *
 * Exit codes: 0 the namespace has everything; 1 it could not be set up (one line says why); 2 bad arguments.
 */
import type { OperatorService, WorkflowService } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import type { Connection as ClientConnection } from '@temporalio/client';
import { CommandError, runAsMain } from './cli';
import { loanSearchAttributes } from './workflows/search-attributes';

/** The command that fixes a namespace the worker refuses; named in every refusal. */
export const NAMESPACE_SETUP_COMMAND = 'npm run namespace:setup';

/** The two gRPC services these checks use; a client `Connection` and a worker `NativeConnection` both have them. */
export interface TemporalServices {
  readonly workflowService: WorkflowService;
  readonly operatorService: OperatorService;
}

/** A search attribute as the project defines it (name and SDK type). */
export interface RequiredSearchAttribute {
  readonly name: string;
  readonly type: SearchAttributeType;
}

// Temporal's IndexedValueType numbers (temporal/api/enums/v1/common.proto), which the API speaks.
const INDEXED_VALUE_TYPES: Readonly<Record<SearchAttributeType, number>> = {
  TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7,
};

// gRPC status codes these functions react to.
const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, UNAVAILABLE: 14 } as const;

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Raised when a namespace lacks what the project needs, or cannot be given it; the message is one line,
 * printed as it is by the commands (a {@link CommandError}).
 */
export class NamespaceSetupError extends CommandError {
  override readonly name = 'NamespaceSetupError';
}

/** What a namespace lacks: attributes absent, and attributes present under another type. */
export interface NamespaceGaps {
  readonly missing: readonly RequiredSearchAttribute[];
  readonly wrongType: readonly { readonly name: string; readonly expected: SearchAttributeType; readonly actual: string }[];
}

/**
 * Lists the namespace's custom search attributes and compares them with `required`.
 * @throws the gRPC error of the listing (NOT_FOUND when the namespace does not exist).
 */
export async function namespaceGaps(
  services: TemporalServices,
  namespace: string,
  required: readonly RequiredSearchAttribute[] = loanSearchAttributes,
): Promise<NamespaceGaps> {
  const listed = await services.operatorService.listSearchAttributes({ namespace });
  const custom = listed.customAttributes ?? {};
  const typeNames = Object.fromEntries(Object.entries(INDEXED_VALUE_TYPES).map(([name, number]) => [number, name]));
  const missing: RequiredSearchAttribute[] = [];
  const wrongType: { name: string; expected: SearchAttributeType; actual: string }[] = [];
  for (const attribute of required) {
    const actual = custom[attribute.name];
    if (actual === undefined || actual === null) missing.push(attribute);
    else if (Number(actual) !== INDEXED_VALUE_TYPES[attribute.type]) {
      wrongType.push({ name: attribute.name, expected: attribute.type, actual: typeNames[Number(actual)] ?? String(actual) });
    }
  }
  return { missing, wrongType };
}

/** The result of the start-up check: ready, or impossible to tell with this connection's permissions. */
export type NamespaceCheck = { readonly status: 'ready' } | { readonly status: 'unverifiable'; readonly reason: string };

/**
 * The worker's start-up check: the namespace exists and has every search attribute of the project with
 * its type. A connection not allowed to list search attributes (some Temporal Cloud API keys) cannot
 * tell; that is reported as `unverifiable`, not as a failure.
 * @throws NamespaceSetupError naming {@link NAMESPACE_SETUP_COMMAND} when something is missing.
 */
export async function checkNamespace(services: TemporalServices, namespace: string): Promise<NamespaceCheck> {
  let gaps: NamespaceGaps;
  try {
    gaps = await namespaceGaps(services, namespace);
  } catch (error) {
    const code = grpcCode(error);
    if (code === GRPC.NOT_FOUND) {
      throw new NamespaceSetupError(`namespace ${namespace} does not exist: run \`${NAMESPACE_SETUP_COMMAND}\` (with the same TEMPORAL_* settings) first`);
    }
    if (code === GRPC.PERMISSION_DENIED || code === GRPC.UNIMPLEMENTED) {
      return { status: 'unverifiable', reason: messageOf(error) };
    }
    throw error;
  }
  const problems = [
    ...(gaps.missing.length ? [`lacks search attributes ${gaps.missing.map((a) => a.name).join(', ')}`] : []),
    ...gaps.wrongType.map((w) => `has ${w.name} as ${w.actual} instead of ${w.expected}`),
  ];
  if (problems.length) {
    throw new NamespaceSetupError(`namespace ${namespace} ${problems.join(' and ')}: run \`${NAMESPACE_SETUP_COMMAND}\` (with the same TEMPORAL_* settings) first`);
  }
  return { status: 'ready' };
}

/** Options of {@link setupNamespace}. */
export interface NamespaceSetupOptions {
  readonly namespace: string;
  /** Register the namespace when it does not exist (default true). */
  readonly create?: boolean;
  /** Retention of closed workflows in a namespace this call creates (default 30 days). */
  readonly retentionDays?: number;
  /**
   * How long to keep retrying while a new namespace is not usable yet (a freshly registered namespace
   * takes about 10 s on a SQL cluster before search attributes can be added). Default 60 s.
   */
  readonly timeoutMs?: number;
  readonly required?: readonly RequiredSearchAttribute[];
  /** Progress lines. */
  readonly onProgress?: (line: string) => void;
}

/** What {@link setupNamespace} did. */
export interface NamespaceSetupReport {
  readonly namespace: string;
  readonly created: boolean;
  readonly added: readonly string[];
  readonly alreadyPresent: readonly string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function namespaceExists(services: TemporalServices, namespace: string): Promise<boolean> {
  try {
    await services.workflowService.describeNamespace({ namespace });
    return true;
  } catch (error) {
    if (grpcCode(error) === GRPC.NOT_FOUND) return false;
    throw error;
  }
}

/**
 * Idempotent: creates the namespace if it is missing (and `create` allows it), then adds the search
 * attributes it lacks and waits until the server lists them. Running it again changes nothing.
 * @throws NamespaceSetupError when an attribute exists with another type, the namespace is missing and
 *   may not be created, the connection may not add search attributes, or the server keeps refusing.
 */
export async function setupNamespace(services: TemporalServices, options: NamespaceSetupOptions): Promise<NamespaceSetupReport> {
  const { namespace } = options;
  const required = options.required ?? loanSearchAttributes;
  const say = options.onProgress ?? ((): void => undefined);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);

  let created = false;
  if (!(await namespaceExists(services, namespace))) {
    if (options.create === false) throw new NamespaceSetupError(`namespace ${namespace} does not exist (and --no-create was given)`);
    say(`registering namespace ${namespace}`);
    try {
      await services.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(`${options.retentionDays ?? 30} days`),
      });
      created = true;
    } catch (error) {
      const code = grpcCode(error);
      if (code === GRPC.PERMISSION_DENIED || code === GRPC.UNIMPLEMENTED) {
        throw new NamespaceSetupError(
          `namespace ${namespace} does not exist and this connection may not create it (${messageOf(error)}); create it (Temporal Cloud: its web console or tcld), then run this again`,
        );
      }
      if (code !== GRPC.ALREADY_EXISTS) throw error;
    }
  }

  const before = await retryWhileNotReady(() => namespaceGaps(services, namespace, required), deadline, say);
  if (before.wrongType.length) {
    const w = before.wrongType.map((x) => `${x.name} is ${x.actual}, the project needs ${x.expected}`).join('; ');
    throw new NamespaceSetupError(`namespace ${namespace} has search attributes of the wrong type (${w}); a type cannot be changed: remove them or use another namespace`);
  }
  const missingNames = new Set(before.missing.map((a) => a.name));
  const alreadyPresent = required.map((a) => a.name).filter((name) => !missingNames.has(name));
  if (before.missing.length) {
    say(`adding search attributes ${before.missing.map((a) => a.name).join(', ')}`);
    const searchAttributes = Object.fromEntries(before.missing.map((a) => [a.name, INDEXED_VALUE_TYPES[a.type]]));
    await retryWhileNotReady(async () => {
      try {
        await services.operatorService.addSearchAttributes({ namespace, searchAttributes });
      } catch (error) {
        const code = grpcCode(error);
        // Another setup raced us: the listing below says whether everything is there.
        if (code === GRPC.ALREADY_EXISTS) return;
        if (code === GRPC.PERMISSION_DENIED || code === GRPC.UNIMPLEMENTED) {
          throw new NamespaceSetupError(
            `this connection may not add search attributes to ${namespace} (${messageOf(error)}); add ${before.missing.map((a) => `${a.name} (${a.type})`).join(', ')} with an admin connection (Temporal Cloud: its web console or tcld)`,
          );
        }
        throw error;
      }
    }, deadline, say);
    // The frontend serves listings from a cache: wait until the new attributes show.
    for (;;) {
      const after = await retryWhileNotReady(() => namespaceGaps(services, namespace, required), deadline, say);
      if (!after.missing.length && !after.wrongType.length) break;
      if (Date.now() > deadline) {
        throw new NamespaceSetupError(`namespace ${namespace} still lacks ${after.missing.map((a) => a.name).join(', ')} after adding them`);
      }
      await sleep(500);
    }
  }
  return { namespace, created, added: before.missing.map((a) => a.name), alreadyPresent };
}

/**
 * Retries `call` while the server says the namespace is not usable yet (NOT_FOUND right after it was
 * registered, UNAVAILABLE while services start), until `deadline`.
 */
async function retryWhileNotReady<T>(call: () => Promise<T>, deadline: number, say: (line: string) => void): Promise<T> {
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const code = grpcCode(error);
      const transient = code === GRPC.NOT_FOUND || code === GRPC.UNAVAILABLE
        // SQL visibility answers this while the new namespace's search-attribute mapping is not loaded yet.
        || (code === GRPC.INVALID_ARGUMENT && /namespace/i.test(messageOf(error)));
      if (!transient || Date.now() > deadline) {
        if (error instanceof NamespaceSetupError) throw error;
        throw new NamespaceSetupError(`setting up the namespace failed: ${messageOf(error)}`);
      }
      if (!announced) {
        say('waiting for the namespace to become usable (a new one takes about 10 s)…');
        announced = true;
      }
      await sleep(Math.min(1_000, 200 + (Date.now() - started) / 10));
    }
  }
}

const USAGE = `usage: ${NAMESPACE_SETUP_COMMAND} -- [--namespace NS] [--no-create] [--retention-days N]

Creates the namespace when it is missing (and this connection may), then registers the project's search
attributes (${loanSearchAttributes.map((a) => `${a.name}:${a.type}`).join(', ')}) through the
OperatorService API; npm run namespace:setup then creates or updates the loan-reconciliation schedule
(every 15 minutes, on TEMPORAL_TASK_QUEUE). Idempotent. The connection comes from TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_TLS_*, TEMPORAL_API_KEY or TEMPORAL_PROFILE (@temporalio/envconfig); --namespace overrides the namespace.`;

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { namespace?: string; create: boolean; retentionDays?: number; help: boolean } {
  const args: { namespace?: string; create: boolean; retentionDays?: number; help: boolean } = { create: true, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i += 1;
      return next;
    };
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--namespace') args.namespace = value();
    else if (flag === '--no-create') args.create = false;
    else if (flag === '--retention-days') {
      const days = Number(value());
      if (!Number.isInteger(days) || days < 1) throw new UsageError('--retention-days needs a whole number of days >= 1');
      args.retentionDays = days;
    } else throw new UsageError(`unknown argument ${flag}`);
  }
  return args;
}

/** What runs once the namespace is set up (`npm run namespace:setup` creates the reconciliation schedule). */
export type AfterNamespaceSetup = (context: {
  readonly connection: ClientConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly say: (line: string) => void;
}) => Promise<void>;

/** `npm run namespace:setup`: see the module comment. */
export async function main(argv: readonly string[] = process.argv.slice(2), afterSetup?: AfterNamespaceSetup): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
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
  const { loadConfig } = await import('./config');
  const { Connection } = await import('@temporalio/client');
  const config = loadConfig();
  const namespace = args.namespace ?? config.temporal.namespace;
  const say = (line: string): void => void process.stdout.write(`[namespace] ${line}\n`);
  say(`connecting to ${config.temporal.connection.address ?? 'localhost:7233'} (namespace ${namespace})`);
  const connection = await Connection.connect(config.temporal.connection);
  try {
    const report = await setupNamespace(connection, {
      namespace, create: args.create, onProgress: say,
      ...(args.retentionDays === undefined ? {} : { retentionDays: args.retentionDays }),
    });
    say(`namespace ${namespace} ${report.created ? 'created' : 'exists'}; search attributes added: ${report.added.join(', ') || 'none'}; already present: ${report.alreadyPresent.join(', ') || 'none'}`);
    if (afterSetup) await afterSetup({ connection, namespace, taskQueue: config.temporal.taskQueue, say });
    return 0;
  } finally {
    await connection.close();
  }
}

runAsMain(import.meta.url, () => main(), { failurePrefix: '[namespace] error: ' });
