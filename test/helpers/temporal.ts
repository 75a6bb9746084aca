/**
 * Integration-test helpers over the run's shared Temporal (test/global-setup.ts): a connection and client per test file,
 * a unique task queue per test, the workflow bundle built once per file, workers that turn a
 * non-determinism error into a test failure instead of a hang, and a bounded `eventually`.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { afterAll, inject } from 'vitest';
import { dataConverter, FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { connectionOptionsFor } from '../../src/stack';
import { installTemporalRuntime } from '../../src/temporal-runtime';
import { workflowMetricSinks } from '../../src/observability/workflow-metrics';

// Warnings and errors only: a test's own assertions say what happened.
installTemporalRuntime(createLogger({ level: 'warn' }));

export const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

export interface TestEnv {
  readonly address: string;
  readonly namespace: string;
  /** For workers. */
  readonly nativeConnection: NativeConnection;
  /** For starting, signalling and querying workflows. */
  readonly client: Client;
}

let env: Promise<TestEnv> | undefined;

/** The data converter of the tests: the project's, with this checkout's generated development key. */
export function testDataConverter(): DataConverter {
  return dataConverter(loadConfig({}));
}

/** The dev server of this run, connected once per test file (closed after the file's tests). */
export function testEnv(): Promise<TestEnv> {
  env ??= (async () => {
    const address = inject('temporalAddress');
    const namespace = inject('temporalNamespace');
    const options = connectionOptionsFor(address, inject('temporalExisting'));
    const nativeConnection = await NativeConnection.connect(options);
    const connection = await Connection.connect(options as ConnectionOptions);
    afterAll(async () => {
      await connection.close();
      await nativeConnection.close();
    });
    return { address, namespace, nativeConnection, client: new Client({ connection, namespace, dataConverter: testDataConverter() }) };
  })();
  return env;
}

/** A task queue no other test uses, so workers of concurrent tests never steal each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

let bundle: ReturnType<typeof bundleWorkflowCode> | undefined;

/** The workflow bundle of `src/workflows`, built once per test file. */
export function bundleOnce(path: string = workflowsPath): ReturnType<typeof bundleWorkflowCode> {
  bundle ??= bundleWorkflowCode({ workflowsPath: path, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundlerLogger });
  return bundle;
}

const noop = (): void => undefined;
const quietBundlerLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/**
 * Creates a worker on the shared server with the project's bundle. Non-determinism fails the workflow
 * (and so the test) instead of retrying the workflow task forever.
 */
export async function createTestWorker(
  options: Omit<WorkerOptions, 'connection' | 'namespace' | 'workflowBundle' | 'workflowsPath'> & { workflowsPath?: string },
): Promise<Worker> {
  const { nativeConnection, namespace } = await testEnv();
  const { workflowsPath: path, ...rest } = options;
  return Worker.create({
    connection: nativeConnection,
    namespace,
    workflowBundle: await bundleOnce(path),
    dataConverter: testDataConverter(),
    workflowFailureErrorTypes: { '*': ['DeterminismViolationError', 'NondeterminismError'] },
    ...rest,
    sinks: { ...rest.sinks, ...workflowMetricSinks() },
  });
}

/** Runs `fn` while `worker` polls, then drains it. */
export async function withWorker<T>(worker: Worker, fn: () => Promise<T>): Promise<T> {
  return worker.runUntil(fn);
}

export interface EventuallyOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Retries `check` until it returns without throwing (and, when it returns a boolean, returns true),
 * or fails with the last error after `timeoutMs`. For observable state only, never as a sleep.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const interval = options.intervalMs ?? 50;
  let lastError: unknown = new Error('condition never held');
  for (;;) {
    try {
      const value = await check();
      if (value !== false) return value;
      lastError = new Error('condition returned false');
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) throw lastError;
    await new Promise((r) => setTimeout(r, interval));
  }
}
