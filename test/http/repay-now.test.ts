/**
 * `POST /loans/{workflowId}/repay-now` over real HTTP: the early-repayment link of a TO_REPAY loan, one
 * link per Idempotency-Key, refusals in the back office's problem shapes.
 */
import { describe, expect, it } from 'vitest';
import { generatedLoanRequest, operatorReviewRequest, progressUntil, startEdgeStack, startLoanOverHttp } from './harness';

const stack = await startEdgeStack();

interface Problem {
  status: number;
  detail?: string;
  invalid_params?: { name: string; reason: string }[];
  refusal?: string;
}

async function problemOf(response: Response): Promise<Problem> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as Problem;
}

async function repayNowCalls(): Promise<number> {
  const stats = (await (await stack.emulatorControl('/_emulator/stats')).json()) as { routes: Record<string, { count: number }> };
  return stats.routes['POST /repay/now']?.count ?? 0;
}

describe('POST /loans/{workflowId}/repay-now', () => {
  it('returns the link of a TO_REPAY loan, the same link again for the same Idempotency-Key, and the paid link closes the loan', async () => {
    const workflowId = await startLoanOverHttp(stack, generatedLoanRequest(undefined, 'SUCCESS_ONE_DAY_LATER'));
    const waiting = await progressUntil(stack, workflowId, (p) => p.loan?.status === 'TO_REPAY');

    const withoutKey = await stack.api(`/loans/${workflowId}/repay-now`, { method: 'POST', json: {} });
    expect(withoutKey.status).toBe(400);
    expect((await problemOf(withoutKey)).invalid_params).toEqual([{ name: 'header.idempotency-key', reason: 'required' }]);
    const badAmount = await stack.api(`/loans/${workflowId}/repay-now`, { method: 'POST', json: { amountCents: 12.5 }, headers: { 'idempotency-key': 'k-bad' } });
    expect(badAmount.status).toBe(400);
    expect((await problemOf(badAmount)).invalid_params?.[0]?.name).toBe('amountCents');
    expect(await repayNowCalls()).toBe(0);

    const asked = await stack.api(`/loans/${workflowId}/repay-now`, { method: 'POST', json: {}, headers: { 'idempotency-key': 'k-1' } });
    expect(asked.status).toBe(200);
    expect(asked.headers.get('cache-control')).toBe('no-store');
    const link = (await asked.json()) as { workflowId: string; loanId: string; url: string; requestId: string; amountCents: number };
    expect(link).toMatchObject({ workflowId, loanId: waiting.loan?.id, requestId: 'repay-now-k-1' });
    expect(link.url).toMatch(/\/_emulator\/pay-by-link\//);

    const retried = await stack.api(`/loans/${workflowId}/repay-now`, { method: 'POST', json: {}, headers: { 'idempotency-key': 'k-1' } });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual(link);
    expect(await repayNowCalls()).toBe(1);

    expect((await fetch(link.url, { redirect: 'manual' })).status).toBe(303);
    await stack.client.workflow.getHandle(workflowId).result();
    const late = await stack.api(`/loans/${workflowId}/repay-now`, { method: 'POST', json: {}, headers: { 'idempotency-key': 'k-2' } });
    expect(late.status).toBe(409);
    expect((await problemOf(late)).refusal).toBe('LoanLifecycleEnded');
    expect(await repayNowCalls()).toBe(1);
  });

  it('is refused with 409 LoanNotRepayable before disbursement, and 404 for an unknown workflow', async () => {
    const workflowId = await startLoanOverHttp(stack, operatorReviewRequest());
    await progressUntil(stack, workflowId, (p) => p.awaitingOperator);
    const early = await stack.api(`/loans/${workflowId}/repay-now`, { method: 'POST', json: {}, headers: { 'idempotency-key': 'k-early' } });
    expect(early.status).toBe(409);
    expect(await problemOf(early)).toMatchObject({ refusal: 'LoanNotRepayable', detail: expect.stringContaining('TO_VALIDATE') });
    expect((await stack.api('/loans/loan-ref-nobody/repay-now', { method: 'POST', json: {}, headers: { 'idempotency-key': 'k-x' } })).status).toBe(404);
    expect((await stack.api(`/loans/${workflowId}/cancel`, { method: 'POST' })).status).toBe(200);
  });
});
