/**
 * Bad input at the HTTP edge, generated and sent over real HTTP: every invalid `POST /loans` gets a
 * typed 400 naming the field and starts no workflow; every bad query parameter of every back-office
 * route (forged cursors included) gets a typed 400, never a 500; every malformed webhook delivery gets
 * a 400 and signals nothing; the edge keeps serving throughout.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto';
import { LOAN_STATUSES } from '../../src/domain/loan';
import { parseLoanRequest } from '../../src/domain/schemas';
import { startHttpEdge, type HttpEdge } from '../../src/http/edge';
import { encodeCursor, loanListQuery } from '../../src/http/loan-directory';
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
  readonly title: string;
  readonly detail?: string;
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

async function get(pathAndQuery: string, init: RequestInit = {}): Promise<{ status: number; type: string; body: unknown }> {
  const response = await fetch(`${edge.url}${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${BACKOFFICE_TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as unknown) : null };
}

/** A typed 400: problem+json, the validation type, a human sentence, and `name` among the invalid params. */
function expectQueryProblem(answer: { status: number; type: string; body: unknown }, name: string, context: string): Problem {
  const problem = answer.body as Problem;
  expect(answer.status, context).toBe(400);
  expect(answer.type).toContain('application/problem+json');
  expect(problem.type).toBe('/problems/validation');
  expect(problem.title).toBe('Invalid request');
  expect(problem.detail).toMatch(/^The (query|cursor) /);
  expect(problem.invalid_params?.map((p) => p.name), `${context}: ${JSON.stringify(problem.invalid_params)}`).toContain(name);
  return problem;
}

const query = (params: readonly (readonly [string, string])[]): string => new URLSearchParams(params.map(([k, v]): [string, string] => [k, v])).toString();
const statusSubset = fc.subarray([...LOAN_STATUSES], { maxLength: 3 });
const notAStatus = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !(LOAN_STATUSES as readonly string[]).includes(s));
const notAPageSize = fc.oneof(
  fc.integer({ max: 0 }).map(String), fc.integer({ min: 101 }).map(String), fc.double({ noInteger: true, noDefaultInfinity: true }).map(String),
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^\s*\d+\s*$/.test(s)),
);
const unknownParam = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['status', 'pageSize', 'cursor'].includes(k));

describe('the back-office query parameters on generated bad input', () => {
  it(`answers ${RUNS / 2} forged cursors (any bytes, base64url-encoded) with a typed 400 naming query.cursor`, async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), statusSubset, async (bytes, statuses) => {
      const cursor = Buffer.from(bytes).toString('base64url');
      const answer = await get(`/loans?${query([...statuses.map((s) => ['status', s] as const), ['cursor', cursor]])}`);
      expectQueryProblem(answer, 'query.cursor', cursor);
    }), { numRuns: RUNS / 2 });
  });

  it('answers cursors that are not base64url at all with a typed 400', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 100 }).filter((s) => !/^[A-Za-z0-9_-]+$/.test(s)), async (cursor) => {
      expectQueryProblem(await get(`/loans?${query([['cursor', cursor]])}`), 'query.cursor', cursor);
    }), { numRuns: 100 });
  });

  it('answers a signed cursor around a token Temporal cannot read with a typed 400, not a 500', async () => {
    // Only a holder of the back-office token can sign one; Temporal's client retries the token before failing.
    const cursor = encodeCursor(BACKOFFICE_TOKEN, loanListQuery(taskQueue, []), Buffer.from([0]));
    expectQueryProblem(await get(`/loans?${query([['cursor', cursor]])}`), 'query.cursor', cursor);
  }, 120_000);

  it('refuses a cursor issued for another status filter, or signed with another key', async () => {
    const cursor = encodeCursor(BACKOFFICE_TOKEN, loanListQuery(taskQueue, ['TO_VALIDATE']), Buffer.from('a page token'));
    const unsigned = encodeCursor('another key', loanListQuery(taskQueue, ['CLOSED']), Buffer.from('a page token'));
    expectQueryProblem(await get(`/loans?${query([['status', 'CLOSED'], ['cursor', unsigned]])}`), 'query.cursor', 'another key');
    expect((await get(`/loans?${query([['status', 'TO_VALIDATE'], ['pageSize', '1']])}`)).status).toBe(200);
    expectQueryProblem(await get(`/loans?${query([['status', 'CLOSED'], ['cursor', cursor]])}`), 'query.cursor', 'other filter');
  });

  it(`answers ${RUNS / 4} unknown statuses with a 400 that lists the allowed values`, async () => {
    await fc.assert(fc.asyncProperty(statusSubset, notAStatus, async (valid, wrong) => {
      const problem = expectQueryProblem(await get(`/loans?${query([...valid.map((s) => ['status', s] as const), ['status', wrong]])}`), 'query.status', wrong);
      const reason = problem.invalid_params?.find((p) => p.name === 'query.status')?.reason ?? '';
      for (const status of LOAN_STATUSES) expect(reason).toContain(status);
    }), { numRuns: RUNS / 4 });
  });

  it(`answers ${RUNS / 4} page sizes outside 1..100 (or not integers) with a typed 400 naming query.pageSize`, async () => {
    await fc.assert(fc.asyncProperty(notAPageSize, async (pageSize) => {
      expectQueryProblem(await get(`/loans?${query([['pageSize', pageSize]])}`), 'query.pageSize', pageSize);
    }), { numRuns: RUNS / 4 });
  });

  it(`answers ${RUNS / 2} unknown or repeated parameters on every back-office route with a typed 400, never a 500`, async () => {
    const routes = [
      { method: 'GET', path: '/loans' },
      { method: 'POST', path: '/loans', body: '{}' },
      { method: 'GET', path: '/loans/loan-ref-nobody' },
      { method: 'GET', path: '/loans/loan-ref-nobody/contract' },
      { method: 'POST', path: '/loans/loan-ref-nobody/approve', body: '{}' },
      { method: 'POST', path: '/loans/loan-ref-nobody/reject', body: '{}' },
      { method: 'POST', path: '/loans/loan-ref-nobody/cancel', body: '{}' },
    ] as const;
    const seen = new Set<string>();
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...routes), unknownParam, fc.string({ maxLength: 20 }), async (route, key, value) => {
        const answer = await get(`${route.path}?${query([[key, value]])}`, { method: route.method, ...('body' in route ? { body: route.body } : {}) });
        expectQueryProblem(answer, 'query', `${route.method} ${route.path} ${key}=${value}`);
        expect(((answer.body as Problem).invalid_params ?? []).some((p) => p.reason.includes(key))).toBe(true);
        seen.add(`${route.method} ${route.path}`);
      },
    ), { numRuns: RUNS / 2 });
    expect(seen.size).toBe(routes.length);
    for (const param of ['pageSize', 'cursor']) {
      expectQueryProblem(await get(`/loans?${query([[param, '5'], [param, '6']])}`), `query.${param}`, `repeated ${param}`);
    }
  });

  it('still lists loans for every valid combination of parameters', async () => {
    await fc.assert(fc.asyncProperty(statusSubset, fc.integer({ min: 1, max: 100 }), async (statuses, pageSize) => {
      const answer = await get(`/loans?${query([...statuses.map((s) => ['status', s] as const), ['pageSize', String(pageSize)]])}`);
      expect(answer.status).toBe(200);
    }), { numRuns: 50 });
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
