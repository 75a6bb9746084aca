/**
 * Bad input at the HTTP edge, generated and sent over real HTTP: every invalid `POST /loans` gets a
 * typed 400 naming the field and starts no workflow; every malformed webhook delivery gets a 400 and
 * signals nothing; the edge keeps serving throughout.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto';
import { parseLoanRequest } from '../../src/domain/schemas';
import { startHttpEdge, type HttpEdge } from '../../src/http/edge';
import { createLogger } from '../../src/logging';
import { loanLifecycleWorkflow } from '../../src/workflows';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { eventually, testEnv, uniqueTaskQueue, type TestEnv } from '../helpers/temporal';
import {
  invalidLoanRequest, invalidWebhookEvent, namesField, notJsonText, validLoanRequest, validWebhookEvent,
} from '../unit/bad-input.arbitraries';

const RUNS = 1_000;
const BACKOFFICE_TOKEN = `bo-${randomUUID()}`;
const WEBHOOK_TOKEN = `wh-${randomUUID()}`;

interface Problem {
  readonly type: string;
  readonly status: number;
  readonly invalid_params?: { name: string; reason: string }[];
}

let env: TestEnv;
let emulator: RunningEmulator;
let edge: HttpEdge;
let taskQueue: string;

beforeAll(async () => {
  env = await testEnv();
  emulator = await startEmulator();
  taskQueue = uniqueTaskQueue('bad-input');
  const defacto = new DefactoClient({ baseUrl: emulator.url, apiKey: `bad-input-${randomUUID()}`, timeoutMs: 5_000 });
  edge = await startHttpEdge({
    temporalClient: env.client, taskQueue, defacto, logger: createLogger({ level: 'silent' }), subscribe: false,
    config: { backofficeToken: BACKOFFICE_TOKEN, webhookToken: WEBHOOK_TOKEN },
  });
});
afterAll(async () => {
  await edge.close();
  await emulator.close();
});

async function post(path: string, body: string, token?: string): Promise<{ status: number; type: string; body: unknown }> {
  const response = await fetch(`${edge.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as unknown) : null };
}

async function workflowsOnQueue(queue: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of env.client.workflow.list({ query: `TaskQueue = '${queue}'` })) ids.push(wf.workflowId);
  return ids;
}

describe('POST /loans of the HTTP edge on generated bad input', () => {
  it(`answers ${RUNS} generated invalid requests with a typed 400 naming the field, and starts no workflow`, async () => {
    const fields = new Set<string>();
    await fc.assert(fc.asyncProperty(invalidLoanRequest, async (c) => {
      const answer = await post('/loans', JSON.stringify(c.body), BACKOFFICE_TOKEN);
      const problem = answer.body as Problem;
      expect(answer.status, JSON.stringify(c.body)).toBe(400);
      expect(answer.type).toContain('application/problem+json');
      expect(problem.type).toBe('/problems/validation');
      expect(namesField(problem.invalid_params ?? [], c, '(body)'), `${c.kind} ${c.field}: ${JSON.stringify(problem.invalid_params)}`).toBe(true);
      fields.add(`${c.kind}:${c.field}`);
    }), { numRuns: RUNS });
    expect(fields.size).toBeGreaterThan(30);

    // A valid request through the same route does start a workflow, and it is the only one on the queue.
    const [valid] = fc.sample(validLoanRequest, { numRuns: 1, seed: 11 });
    const reference = `valid-${randomUUID().slice(0, 8)}`;
    const accepted = await post('/loans', JSON.stringify({ ...(valid as object), requestReference: reference }), BACKOFFICE_TOKEN);
    expect(accepted.status).toBe(202);
    const { workflowId } = accepted.body as { workflowId: string };
    await eventually(async () => expect(await workflowsOnQueue(taskQueue)).toEqual([workflowId]), { timeoutMs: 10_000, intervalMs: 100 });
    await env.client.workflow.getHandle(workflowId).terminate('bad-input test control');
  });
});

describe('the webhook receiver on malformed deliveries', () => {
  let sentinelId: string;
  const loanId = randomUUID();
  const signalsOf = async (id: string) =>
    ((await env.client.workflow.getHandle(id).fetchHistory()).events ?? [])
      .filter((e) => e.workflowExecutionSignaledEventAttributes).length;

  beforeAll(async () => {
    // A real loan workflow no worker runs: a delivery that got through would leave a signal in its history.
    const request = parseLoanRequest({ requestReference: `sentinel-${randomUUID().slice(0, 8)}`, borrower: { generate: true }, invoice: { generate: true } });
    if (!request.ok) throw request.error;
    sentinelId = `loan-ref-${request.value.requestReference}`;
    await env.client.workflow.start(loanLifecycleWorkflow, { taskQueue: uniqueTaskQueue('sentinel'), workflowId: sentinelId, args: [request.value] });
  });
  afterAll(async () => {
    await env.client.workflow.getHandle(sentinelId).terminate('bad-input test done');
  });

  it(`answers ${RUNS} generated malformed events with a 400 naming the field, and signals nothing`, async () => {
    const fields = new Set<string>();
    await fc.assert(fc.asyncProperty(invalidWebhookEvent(sentinelId, loanId), async (c) => {
      const answer = await post(`/webhooks/defacto/${WEBHOOK_TOKEN}`, JSON.stringify(c.body));
      const problem = answer.body as Problem;
      expect(answer.status, JSON.stringify(c.body)).toBe(400);
      expect(problem.type).toBe('/problems/validation');
      expect(namesField(problem.invalid_params ?? [], c, '(body)'), `${c.field}: ${JSON.stringify(problem.invalid_params)}`).toBe(true);
      fields.add(c.field);
    }), { numRuns: RUNS });
    expect(fields.size).toBeGreaterThan(6);
    expect(await signalsOf(sentinelId)).toBe(0);
  });

  it('answers deliveries that are not JSON with a 400 problem, signalling nothing', async () => {
    await fc.assert(fc.asyncProperty(notJsonText, async (text) => {
      const answer = await post(`/webhooks/defacto/${WEBHOOK_TOKEN}`, text);
      expect(answer.status, text).toBe(400);
      expect((answer.body as Problem).type).toBe('/problems/malformed');
    }), { numRuns: 200 });
    expect(await signalsOf(sentinelId)).toBe(0);
  });

  it('signals the workflow for the same event well formed, and that is its only signal (nothing malformed got through)', async () => {
    const [event] = fc.sample(validWebhookEvent(sentinelId, loanId), { numRuns: 1, seed: 3 });
    const answer = await post(`/webhooks/defacto/${WEBHOOK_TOKEN}`, JSON.stringify(event));
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ outcome: 'signalled' });
    // Signals land in history in order: once this one shows, any earlier one would show too.
    await eventually(async () => expect(await signalsOf(sentinelId)).toBeGreaterThan(0), { timeoutMs: 10_000, intervalMs: 100 });
    expect(await signalsOf(sentinelId)).toBe(1);
    // Still serving after everything above.
    expect((await fetch(`${edge.url}/loans`, { headers: { authorization: `Bearer ${BACKOFFICE_TOKEN}` } })).status).toBe(200);
  });
});
