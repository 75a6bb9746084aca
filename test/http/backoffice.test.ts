/**
 * The back-office API over real HTTP, against a real dev server, worker and emulator: authentication,
 * starting loans (and refusing bad or duplicate ones), following, steering, the contract link, listing.
 */
import { describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app';
import { createLogger } from '../../src/logging';
import { eventually, uniqueTaskQueue } from '../helpers/temporal';
import {
  BACKOFFICE_TOKEN, generatedLoanRequest, operatorReviewRequest, progressUntil, startEdgeStack,
  startLoanOverHttp, WEBHOOK_TOKEN,
} from './harness';

const stack = await startEdgeStack();

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  invalid_params?: { name: string; reason: string }[];
  workflowId?: string;
  refusal?: string;
}

async function problemOf(response: Response): Promise<Problem> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as Problem;
}

describe('authentication', () => {
  it('a request without a bearer token is refused with 401 and a Bearer challenge', async () => {
    const response = await stack.api('/loans', { headers: { authorization: '' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await problemOf(response)).status).toBe(401);
  });

  it('a wrong bearer token is refused with 401 and starts nothing', async () => {
    const request = generatedLoanRequest();
    const response = await stack.api('/loans', { method: 'POST', json: request, headers: { authorization: `Bearer ${BACKOFFICE_TOKEN}x` } });
    expect(response.status).toBe(401);
    const describe = stack.client.workflow.getHandle(`loan-ref-${request.requestReference}`).describe();
    await expect(describe).rejects.toThrow(/not found/i);
  });

  it('the webhook token does not open the back office', async () => {
    const response = await stack.api('/loans', { headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } });
    expect(response.status).toBe(401);
  });
});

describe('POST /loans', () => {
  it('starts a lifecycle and answers 202 with its IDs and links', async () => {
    const response = await stack.api('/loans', { method: 'POST', json: generatedLoanRequest() });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { workflowId: string; runId: string; links: { self: string; ui: string } };
    expect(body.workflowId).toMatch(/^loan-ref-http-/);
    expect(body.links.self).toBe(`/loans/${body.workflowId}`);
    expect(response.headers.get('location')).toBe(body.links.self);
    expect(body.links.ui).toBe(`http://ui.test/namespaces/default/workflows/${body.workflowId}/${body.runId}/history`);
    const description = await stack.client.workflow.getHandle(body.workflowId).describe();
    expect(description.runId).toBe(body.runId);
    expect(description.taskQueue).toBe(stack.taskQueue);
  });

  it('an invalid body is refused with 400 naming each invalid field, and starts nothing', async () => {
    // A separate app on its own task queue, so "nothing started" is a count of exactly what it started.
    const taskQueue = uniqueTaskQueue('http-edge-invalid');
    const app = await buildHttpApp({
      temporalClient: stack.client, taskQueue, defacto: stack.defacto, logger: createLogger({ level: 'warn' }),
      config: { backofficeToken: BACKOFFICE_TOKEN, webhookToken: WEBHOOK_TOKEN },
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const post = (body: string): Promise<Response> => fetch(`${base}/loans`, {
        method: 'POST', body, headers: { authorization: `Bearer ${BACKOFFICE_TOKEN}`, 'content-type': 'application/json' },
      });
      const invalid = await post(JSON.stringify({
        requestReference: 'has spaces',
        borrower: { generate: true, country: 'XXX' },
        invoice: { generate: true },
        loan: { acceptancePolicy: { maxFeeRatePercent: -1 } },
      }));
      expect(invalid.status).toBe(400);
      const problem = await problemOf(invalid);
      expect(problem.invalid_params?.map((p) => p.name).sort()).toEqual(
        ['borrower.country', 'loan.acceptancePolicy.maxFeeRatePercent', 'requestReference'],
      );
      const malformed = await post('{"borrower":');
      expect(malformed.status).toBe(400);
      expect((await problemOf(malformed)).title).toBe('Malformed request');

      // A valid start on the same queue becomes visible; the refused ones never do.
      const valid = await post(JSON.stringify(generatedLoanRequest()));
      expect(valid.status).toBe(202);
      await eventually(async () => expect((await stack.client.workflow.count(`TaskQueue = '${taskQueue}'`)).count).toBe(1));
      expect((await stack.client.workflow.count(`TaskQueue = '${taskQueue}'`)).count).toBe(1);
      const { workflowId } = (await valid.json()) as { workflowId: string };
      await stack.client.workflow.getHandle(workflowId).terminate('test: no worker serves this queue');
    } finally {
      await app.close();
    }
  });

  it('the same caller key with the same body answers 200 with the existing workflow and starts nothing new', async () => {
    const request = generatedLoanRequest();
    const workflowId = await startLoanOverHttp(stack, request);
    const { runId } = await stack.client.workflow.getHandle(workflowId).describe();
    const again = await stack.api('/loans', { method: 'POST', json: request });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ workflowId, runId, created: false });
    expect((await stack.client.workflow.count(`WorkflowId = '${workflowId}'`)).count).toBe(1);
  });

  it('the Idempotency-Key header is the caller key when the body has no requestReference', async () => {
    const { requestReference, ...request } = generatedLoanRequest();
    const key = `idem-${requestReference}`;
    const first = await stack.api('/loans', { method: 'POST', json: request, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ workflowId: `loan-ref-${key}`, created: true });
    const retry = await stack.api('/loans', { method: 'POST', json: request, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(200);
    const mismatch = await stack.api('/loans', { method: 'POST', json: { ...request, requestReference: 'another-key' }, headers: { 'idempotency-key': key } });
    expect(mismatch.status).toBe(400);
    expect((await problemOf(mismatch)).invalid_params?.[0]?.name).toBe('header.idempotency-key');
  });

  it('the same caller key with a different body is refused with a typed 409 and starts nothing', async () => {
    const request = generatedLoanRequest();
    const workflowId = await startLoanOverHttp(stack, request);
    const other = await stack.api('/loans', { method: 'POST', json: { ...request, invoice: { generate: true, scenario: 'SUCCESS_ONE_DAY_LATER' } } });
    expect(other.status).toBe(409);
    const problem = await problemOf(other);
    expect(problem.type).toBe('/problems/caller-key-reused');
    expect(problem.workflowId).toBe(workflowId);
    expect(problem.detail).toMatch(/different request/);
    expect((await stack.client.workflow.count(`WorkflowId = '${workflowId}'`)).count).toBe(1);
  });

  it('a start without a caller key is refused with 400 naming requestReference', async () => {
    const { requestReference: _ignored, ...request } = generatedLoanRequest();
    const response = await stack.api('/loans', { method: 'POST', json: request });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.invalid_params).toEqual([{ name: 'requestReference', reason: expect.stringMatching(/Idempotency-Key/) as unknown as string }]);
  });
});

describe('GET /loans/{workflowId}', () => {
  it('answers with the progress of the lifecycle', async () => {
    const workflowId = await startLoanOverHttp(stack, generatedLoanRequest());
    const progress = await progressUntil(stack, workflowId, (p) => p.outcome !== null);
    expect(progress.workflowId).toBe(workflowId);
    expect(progress.outcome?.status).toBe('CLOSED');
    expect(progress.steps.REPAID.status).toBe('DONE');
  });

  it('an unknown workflow is 404', async () => {
    const response = await stack.api('/loans/loan-ref-does-not-exist');
    expect(response.status).toBe(404);
    expect((await problemOf(response)).status).toBe(404);
  });
});

describe('operator decisions', () => {
  it('approve is accepted while the offer awaits an operator, then refused with 409', async () => {
    const workflowId = await startLoanOverHttp(stack, operatorReviewRequest());
    await progressUntil(stack, workflowId, (p) => p.awaitingOperator);
    const approved = await stack.api(`/loans/${workflowId}/approve`, { method: 'POST', json: { reason: 'fees checked' } });
    expect(approved.status).toBe(200);
    const result = (await approved.json()) as { workflowId: string; loanId: string; loanStatus: string };
    expect(result.workflowId).toBe(workflowId);
    expect(['VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'TO_REPAY_FEES', 'CLOSED']).toContain(result.loanStatus);

    const again = await stack.api(`/loans/${workflowId}/approve`, { method: 'POST' });
    expect(again.status).toBe(409);
    // Refused either way: the workflow no longer awaits a decision, or (Defacto being instant here) has already ended.
    const refusal = await problemOf(again);
    expect(refusal.detail).toMatch(/awaiting an operator decision|already finished/);
    expect(['NoDecisionPending', 'LoanLifecycleEnded']).toContain(refusal.refusal);
  });

  it('reject is accepted while the offer awaits an operator and the loan ends canceled', async () => {
    const workflowId = await startLoanOverHttp(stack, operatorReviewRequest());
    await progressUntil(stack, workflowId, (p) => p.awaitingOperator);
    const rejected = await stack.api(`/loans/${workflowId}/reject`, { method: 'POST', json: {} });
    expect(rejected.status).toBe(200);
    expect(((await rejected.json()) as { loanStatus: string }).loanStatus).toBe('CANCELED');
    const progress = await progressUntil(stack, workflowId, (p) => p.outcome !== null);
    expect(progress.outcome).toMatchObject({ status: 'CANCELED', canceledBy: 'operator' });
  });

  it('cancel is accepted in a cancellable status, and refused with 409 once the workflow has finished', async () => {
    const workflowId = await startLoanOverHttp(stack, operatorReviewRequest());
    await progressUntil(stack, workflowId, (p) => p.awaitingOperator);
    const canceled = await stack.api(`/loans/${workflowId}/cancel`, { method: 'POST', json: { reason: 'duplicate invoice' } });
    expect(canceled.status).toBe(200);
    expect(((await canceled.json()) as { loanStatus: string }).loanStatus).toBe('CANCELED');
    await stack.client.workflow.getHandle(workflowId).result();

    const late = await stack.api(`/loans/${workflowId}/cancel`, { method: 'POST' });
    expect(late.status).toBe(409);
    expect(await problemOf(late)).toMatchObject({ detail: 'The loan workflow has already finished', refusal: 'LoanLifecycleEnded' });
    const reject = await stack.api(`/loans/${workflowId}/reject`, { method: 'POST' });
    expect(reject.status).toBe(409);
  });

  it('a decision on an unknown workflow is 404, and an invalid note is 400', async () => {
    expect((await stack.api('/loans/loan-ref-nobody/approve', { method: 'POST' })).status).toBe(404);
    const invalid = await stack.api('/loans/loan-ref-nobody/cancel', { method: 'POST', json: { reason: 42 } });
    expect(invalid.status).toBe(400);
    expect((await problemOf(invalid)).invalid_params?.[0]?.name).toBe('reason');
  });
});

describe('GET /loans/{workflowId}/contract', () => {
  it('fetches a fresh link from Defacto on every call and never stores it in the workflow', async () => {
    const workflowId = await startLoanOverHttp(stack, operatorReviewRequest());
    await progressUntil(stack, workflowId, (p) => p.awaitingOperator);

    const first = await stack.api(`/loans/${workflowId}/contract`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const { url: firstUrl } = (await first.json()) as { url: string };
    expect(firstUrl).toMatch(/^https:\/\/.+X-Amz-Signature=/);

    // A minute later (emulator clock) Defacto signs a new link: a stored link would not change.
    expect((await stack.emulatorControl('/_emulator/clock/advance', { method: 'POST', json: { ms: 60_000 } })).status).toBe(200);
    const second = (await (await stack.api(`/loans/${workflowId}/contract`)).json()) as { url: string };
    expect(second.url).not.toBe(firstUrl);

    const history = JSON.stringify(await stack.client.workflow.getHandle(workflowId).fetchHistory());
    const signature = (u: string): string => new URL(u).searchParams.get('X-Amz-Signature') ?? u;
    expect(history).not.toContain(signature(firstUrl));
    expect(history).not.toContain(signature(second.url));
    expect(history).not.toContain('X-Amz-Signature');
    await stack.api(`/loans/${workflowId}/cancel`, { method: 'POST' });
  });

  it('an unknown workflow is 404', async () => {
    expect((await stack.api('/loans/loan-ref-nobody/contract')).status).toBe(404);
  });
});

describe('GET /loans', () => {
  it('lists loans by LoanStatus one page at a time with an opaque cursor', async () => {
    const ids = [
      await startLoanOverHttp(stack, operatorReviewRequest()),
      await startLoanOverHttp(stack, operatorReviewRequest()),
    ];
    for (const id of ids) await progressUntil(stack, id, (p) => p.awaitingOperator);

    type Page = { items: { workflowId: string; loanStatus: string; executionStatus: string }[]; nextCursor: string | null };
    const collected = await eventually(async () => {
      const seen: Page['items'] = [];
      let cursor: string | null = null;
      do {
        const query: string = `status=TO_VALIDATE&pageSize=1${cursor ? `&cursor=${cursor}` : ''}`;
        const response = await stack.api(`/loans?${query}`);
        expect(response.status).toBe(200);
        const page = (await response.json()) as Page;
        expect(page.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((i) => i.workflowId)).toEqual(expect.arrayContaining(ids));
      return seen;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    for (const item of collected) expect(item).toMatchObject({ loanStatus: 'TO_VALIDATE', executionStatus: 'RUNNING' });

    const closed = (await (await stack.api('/loans?status=CLOSED&pageSize=100')).json()) as Page;
    expect(closed.items.map((i) => i.workflowId)).not.toEqual(expect.arrayContaining(ids));
    for (const id of ids) await stack.api(`/loans/${id}/cancel`, { method: 'POST' });
  });

  it('an unknown status or a forged cursor is refused with 400', async () => {
    const status = await stack.api('/loans?status=PAID_TWICE');
    expect(status.status).toBe(400);
    expect((await problemOf(status)).invalid_params?.[0]?.name).toBe('query.status');
    const cursor = await stack.api('/loans?cursor=not*a*cursor');
    expect(cursor.status).toBe(400);
  });
});
