/**
 * One inbound-edge stack per test file: a real emulator, a real worker running the lifecycle on a
 * unique task queue, and the HTTP edge listening on 127.0.0.1 with its webhook subscription at the
 * emulator. Tests talk to it only over real HTTP (`fetch`).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll } from 'vitest';
import { createActivities } from '../../src/activities';
import { DefactoClient } from '../../src/defacto';
import type { EmulatorOptions } from '../../src/emulator/app';
import type { LoanProgress } from '../../src/domain/loan';
import type { LoanRequestInput } from '../../src/domain/schemas';
import { startHttpEdge, type HttpEdge } from '../../src/http/edge';
import { createLogger } from '../../src/logging';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { createTestWorker, eventually, testEnv, uniqueTaskQueue } from '../helpers/temporal';

export const BACKOFFICE_TOKEN = 'backoffice-test-token';
export const WEBHOOK_TOKEN = 'webhook-test-token-0123456789';

/** A running stack. */
export interface EdgeStack {
  readonly edge: HttpEdge;
  readonly emulator: RunningEmulator;
  readonly defacto: DefactoClient;
  /** The emulator tenant (its bearer token), for `/_emulator` controls. */
  readonly apiKey: string;
  readonly client: Client;
  readonly taskQueue: string;
  /** `fetch` on the edge with the back-office token (override `authorization` to test refusals). */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** `fetch` on an emulator control route, as this tenant. */
  emulatorControl(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/** Options of {@link startEdgeStack}. */
export interface EdgeStackOptions {
  readonly emulator?: EmulatorOptions;
  /** Subscribe the emulator to the edge's webhook URL (default true). */
  readonly subscribe?: boolean;
}

const quietLogger = createLogger({ level: 'warn' });

function withJson(init: RequestInit & { json?: unknown } = {}): RequestInit {
  const { json, ...rest } = init;
  if (json === undefined) return rest;
  return { ...rest, body: JSON.stringify(json), headers: { 'content-type': 'application/json', ...rest.headers } };
}

/** Starts the stack and registers its teardown with `afterAll`. */
export async function startEdgeStack(options: EdgeStackOptions = {}): Promise<EdgeStack> {
  const { client } = await testEnv();
  const emulator = await startEmulator(options.emulator ?? {});
  const apiKey = `http-edge-${randomUUID()}`;
  const defacto = new DefactoClient({ baseUrl: emulator.url, apiKey, timeoutMs: 10_000 });
  const taskQueue = uniqueTaskQueue('http-edge');
  const worker: Worker = await createTestWorker({
    taskQueue,
    activities: createActivities({ defacto, log: quietLogger }),
  });
  const running = worker.run();
  const edge = await startHttpEdge({
    temporalClient: client,
    taskQueue,
    defacto,
    config: { backofficeToken: BACKOFFICE_TOKEN, webhookToken: WEBHOOK_TOKEN, uiBaseUrl: 'http://ui.test' },
    logger: quietLogger,
    subscribe: options.subscribe ?? true,
  });
  afterAll(async () => {
    await edge.close();
    worker.shutdown();
    await running;
    await emulator.close();
  });
  return {
    edge,
    emulator,
    defacto,
    apiKey,
    client,
    taskQueue,
    api: (path, init = {}) =>
      fetch(`${edge.url}${path}`, withJson({ ...init, headers: { authorization: `Bearer ${BACKOFFICE_TOKEN}`, ...init.headers } })),
    emulatorControl: (path, init = {}) =>
      fetch(`${emulator.url}${path}`, withJson({ ...init, headers: { authorization: `Bearer ${apiKey}`, ...init.headers } })),
  };
}

/** Fast polling, so tests that are not about webhooks never wait on a delivery race. */
const FAST_POLL = { initialMs: 200, maxMs: 1_000 };

/** A generated borrower and invoice, with a unique reference so each call is a new financing. */
export function generatedLoanRequest(loan: LoanRequestInput['loan'] = { pollSchedule: FAST_POLL }, scenario = 'SUCCESS'): LoanRequestInput {
  return {
    requestReference: `http-${randomUUID().slice(0, 12)}`,
    borrower: { generate: true },
    invoice: { generate: true, scenario: scenario as 'SUCCESS' },
    loan,
  };
}

/** A request whose offer waits for an operator (approval required), polling fast. */
export function operatorReviewRequest(): LoanRequestInput {
  return generatedLoanRequest({
    acceptancePolicy: { requireOperatorApproval: true },
    pollSchedule: FAST_POLL,
  });
}

/** Starts a loan over HTTP and returns its workflow ID. */
export async function startLoanOverHttp(stack: EdgeStack, request: LoanRequestInput): Promise<string> {
  const response = await stack.api('/loans', { method: 'POST', json: request });
  if (response.status !== 202) throw new Error(`POST /loans answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { workflowId: string };
  return body.workflowId;
}

/** The progress of a loan over HTTP. */
export async function progressOverHttp(stack: EdgeStack, workflowId: string): Promise<LoanProgress> {
  const response = await stack.api(`/loans/${encodeURIComponent(workflowId)}`);
  if (response.status !== 200) throw new Error(`GET /loans/{id} answered ${response.status}`);
  return (await response.json()) as LoanProgress;
}

/** Waits until the loan's progress satisfies `check` (bounded). */
export function progressUntil(
  stack: EdgeStack, workflowId: string, check: (p: LoanProgress) => boolean, timeoutMs = 30_000,
): Promise<LoanProgress> {
  return eventually(async () => {
    const progress = await progressOverHttp(stack, workflowId);
    if (!check(progress)) throw new Error(`progress not there yet: ${progress.currentStep} ${progress.loan?.status ?? '-'}`);
    return progress;
  }, { timeoutMs, intervalMs: 100 });
}
