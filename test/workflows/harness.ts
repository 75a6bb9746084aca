/**
 * Lifecycle test harness: the run's shared dev server, one emulator per test file, and per test a fresh
 * tenant (API key), task queue and worker built by the production `runWorker`.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { temporal } from '@temporalio/proto';
import type { LendingSettings } from '../../src/activities';
import type { EmulatorOptions } from '../../src/emulator/app';
import { DefactoClient } from '../../src/defacto';
import type { LoanProgress } from '../../src/domain/loan';
import { parseLoanRequest, type LoanRequestInput } from '../../src/domain/schemas';
import { createLogger } from '../../src/logging';
import { startLoan, type StartedLoan } from '../../src/loans/start-loan';
import { runWorker, type RunningWorker } from '../../src/loans/loan-worker';
import type { adoptedLoanWorkflow, loanLifecycleWorkflow } from '../../src/workflows';
import { progressQuery } from '../../src/workflows/messages';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { bundleOnce, eventually, testDataConverter, testEnv, uniqueTaskQueue, type TestEnv } from '../helpers/temporal';
import { emulatorControls, type EmulatorControls } from '../activities/emulator-controls';

/** Fast polling for tests: the emulator answers instantly, so the lifecycle takes a few hundred ms. */
export const FAST_POLLING = { initialMs: 50, maxMs: 200, multiplier: 2, idleCheckMs: 300 } as const;

const quiet = createLogger({ level: 'silent' });

/** One test's world. */
export interface LifecycleWorld {
  readonly env: TestEnv;
  readonly emulator: RunningEmulator;
  readonly controls: EmulatorControls;
  readonly defacto: DefactoClient;
  readonly taskQueue: string;
  worker: RunningWorker;
  /** Validates the request like the starter, then starts it (fast polling unless the request says otherwise). */
  start(request: LoanRequestInput): Promise<StartedLoan>;
  /** A new worker on the same task queue (after `worker.stop()`). */
  restartWorker(): Promise<void>;
  close(): Promise<void>;
}

/** Starts an emulator for a test file; close it in `afterAll`. */
export function fileEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ timing: 'instant', ...options });
}

/** What {@link worldsPerTest} gives a test file. */
export interface WorldsPerTest {
  /** The file's emulator (started in `beforeAll`). */
  emulator(): RunningEmulator;
  /** A fresh world for this test (on the file's emulator unless `emulator` says otherwise), closed after it. */
  open(options?: WorldOptions & { readonly emulator?: RunningEmulator }): Promise<LifecycleWorld>;
  /** The world this test opened (for helpers and the file's own after-hooks, which run before it is closed). */
  current(): LifecycleWorld;
}

/**
 * The usual set-up of a workflow test file, called at its top: one emulator for the file, a fresh world
 * (tenant, task queue, worker) per test, closed after its test. Its after-hooks are registered first, so
 * a file's own `afterEach` runs before the world is closed (vitest runs after-hooks newest first).
 */
export function worldsPerTest(emulatorOptions: EmulatorOptions = {}): WorldsPerTest {
  let emulator: RunningEmulator | undefined;
  let current: LifecycleWorld | undefined;
  beforeAll(async () => {
    emulator = await fileEmulator(emulatorOptions);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const started = (): RunningEmulator => {
    if (!emulator) throw new Error('the file emulator starts in beforeAll');
    return emulator;
  };
  return {
    emulator: started,
    async open({ emulator: on, ...options } = {}) {
      current = await lifecycleWorld(on ?? started(), options);
      return current;
    },
    current() {
      if (!current) throw new Error('this test opened no world');
      return current;
    },
  };
}

/** Worker settings a test may change. */
export interface WorldOptions {
  /** Where the worker's workflow metrics go (default: the runtime's meter). */
  readonly metricMeter?: MetricMeter;
  /** 0: every workflow task replays the history so far first, as after a worker restart. */
  readonly maxCachedWorkflows?: number;
  /** Translation language and repay-now callback of the activities (default: the configuration's defaults). */
  readonly lending?: LendingSettings;
}

/** A fresh tenant, task queue and worker against `emulator`. */
export async function lifecycleWorld(emulator: RunningEmulator, options: WorldOptions = {}): Promise<LifecycleWorld> {
  const env = await testEnv();
  const apiKey = `tenant-${randomUUID()}`;
  const defacto = new DefactoClient({ baseUrl: emulator.url, apiKey });
  const taskQueue = uniqueTaskQueue('loan');
  const workflowBundle = await bundleOnce();
  const newWorker = () => runWorker({
    connection: env.nativeConnection, namespace: env.namespace, taskQueue, defacto, workflowBundle,
    dataConverter: testDataConverter(),
    shutdownSignals: [], logger: quiet,
    ...(options.metricMeter ? { metricMeter: options.metricMeter } : {}),
    ...(options.lending ? { lending: options.lending } : {}),
    workerOptions: {
      workflowFailureErrorTypes: { '*': ['DeterminismViolationError', 'NondeterminismError'] },
      shutdownGraceTime: '2s',
      ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    },
  });
  const world: LifecycleWorld = {
    env, emulator, defacto, taskQueue,
    controls: emulatorControls(emulator.url, apiKey),
    worker: await newWorker(),
    async start(input) {
      const withPolling: LoanRequestInput = {
        ...input,
        requestReference: input.requestReference ?? `t-${randomUUID().slice(0, 12)}`,
        loan: { ...input.loan, pollSchedule: { ...FAST_POLLING, ...input.loan?.pollSchedule } },
      };
      const parsed = parseLoanRequest(withPolling);
      if (!parsed.ok) throw parsed.error;
      return startLoan(env.client, parsed.value, { taskQueue });
    },
    async restartWorker() {
      world.worker = await newWorker();
    },
    async close() {
      await world.worker.stop();
    },
  };
  return world;
}

/** Waits until the progress satisfies `predicate`; returns that progress. */
export function progressUntil(
  handle: WorkflowHandle<typeof loanLifecycleWorkflow> | WorkflowHandle<typeof adoptedLoanWorkflow>,
  predicate: (p: LoanProgress) => boolean,
  timeoutMs = 20_000,
): Promise<LoanProgress> {
  return eventually(async () => {
    const progress = await handle.query(progressQuery);
    if (!predicate(progress)) throw new Error(`progress not reached yet: ${progress.currentStep} / ${progress.loan?.status ?? '-'}`);
    return progress;
  }, { timeoutMs, intervalMs: 50 });
}

/** Number of events in the workflow's history (all runs' last run when `runId` is not given). */
export async function historyLength(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return history.events?.length ?? 0;
}

/**
 * The history length once the workflow is parked on a durable timer (its last event is TIMER_STARTED),
 * so later comparisons are not disturbed by the tail of the step it just finished.
 */
export async function parkedHistoryLength(handle: WorkflowHandle): Promise<number> {
  const { EventType } = temporal.api.enums.v1;
  return eventually(async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    if (events.at(-1)?.eventType !== EventType.EVENT_TYPE_TIMER_STARTED) throw new Error('the workflow is not parked on a timer yet');
    return events.length;
  });
}

/** The refusal's `type: message`; every refusal is a named, non-retryable ApplicationFailure. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).nonRetryable).toBe(true);
  return `${(cause as ApplicationFailure).type ?? ''}: ${cause?.message ?? ''}`;
}

/** The refusal of an update, or `ended` when the workflow had already completed. */
export async function refusalOrEnded(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (error instanceof WorkflowNotFoundError) return 'ended';
  return refusal(Promise.reject(error));
}
