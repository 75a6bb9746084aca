import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCreditLine, LoanApi, Page, PaymentApi } from '../../src/defacto/wire';
import { LoanApiSchema, PaymentApiSchema, pageSchema } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, eventually, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

const DAY = 86_400_000;

describe('sandbox scenarios, end to end (sandbox repayment mode)', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator({ timing: 'instant' });
    client = api(emulator.url, 'scenarios');
  });
  afterAll(() => emulator.close());

  const payments = async (loanId: string) =>
    (await client.get<Page<PaymentApi>>(`/payments?loan_id=${loanId}`)).body.data;

  it('SUCCESS: pending, to validate, validated, paid and repaid: CLOSED with amount + fees repaid', async () => {
    const { input } = await readyBorrower(client);
    const requested = await requestGuideLoan(client, input, { scenario: 'SUCCESS', metadata: { workflow_id: 'wf-1' } });
    expect(LoanApiSchema.parse(requested).status).toBe('PENDING_VALIDATION');
    await loanReaches(client, requested.id, 'TO_VALIDATE');
    const validated = await client.post<LoanApi>(`/loan/${requested.id}/validate`);
    expect(validated.status).toBe(200);
    expect(validated.body.status).toBe('VALIDATED');
    const closed = await loanReaches(client, requested.id, 'CLOSED');
    expect(closed.metadata).toEqual({ workflow_id: 'wf-1' });
    expect(closed.paid_at).toBeTruthy();
    expect(closed.closed_at).toBeTruthy();
    expect(closed.repaid_nominal_amount).toBe(closed.amount);
    expect(closed.paid_interests_amount).toBeGreaterThanOrEqual(1);
    expect(closed.repaid_amount).toBe(closed.amount + closed.paid_interests_amount);
    const list = await payments(requested.id);
    expect(list.map((p) => [p.payment_type, p.status])).toEqual([['REPAYMENT_FULL', 'PAID'], ['LOAN_PAYMENT', 'PAID']]);
    expect(list.every((p) => PaymentApiSchema.safeParse(p).success)).toBe(true);
    const events = (await client.get<Page<{ status: string }>>(`/loan/${requested.id}/events`)).body.data.map((e) => e.status);
    expect(events).toEqual(['SUBMITTED', 'PENDING_VALIDATION', 'TO_VALIDATE', 'VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'CLOSED']);
  });

  it('SUCCESS_ONE_DAY_LATER: waits in TO_REPAY until the emulator clock is 24 h past paid_at', async () => {
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { scenario: 'SUCCESS_ONE_DAY_LATER', autoValidate: true });
    const toRepay = await loanReaches(client, loan.id, 'TO_REPAY');
    await client.post('/_emulator/clock/advance', { ms: DAY - 60_000 });
    expect((await client.get<LoanApi>(`/loan/${loan.id}`)).body.status).toBe('TO_REPAY');
    await client.post('/_emulator/clock/advance', { ms: 120_000 });
    const closed = await loanReaches(client, loan.id, 'CLOSED');
    expect(Date.parse(closed.closed_at!) - Date.parse(toRepay.paid_at!)).toBeGreaterThanOrEqual(DAY);
    expect(closed.paid_interests_amount).toBe(Math.round((closed.amount * 2 * 0.05) / 100));
  });

  it('FAIL: the disbursement fails with a reason and the loan is ISSUE_DETECTED', async () => {
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { scenario: 'FAIL', autoValidate: true });
    await loanReaches(client, loan.id, 'ISSUE_DETECTED');
    const [payment] = await payments(loan.id);
    expect(payment).toMatchObject({ payment_type: 'LOAN_PAYMENT', status: 'FAILED' });
    expect(payment?.failure_reason).toBeTruthy();
  });

  it('REJECT: the loan is DECLINED with a denial reason', async () => {
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { scenario: 'REJECT' });
    const declined = await loanReaches(client, loan.id, 'DECLINED');
    expect(declined.denial_reason).toBe('CREDIT_RISK_NOT_ELIGIBLE');
    expect(await payments(loan.id)).toEqual([]);
  });

  it('CANCEL: the loan is CANCELED right after validation', async () => {
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { scenario: 'CANCEL' });
    await loanReaches(client, loan.id, 'TO_VALIDATE');
    await client.post(`/loan/${loan.id}/validate`);
    await loanReaches(client, loan.id, 'CANCELED');
  });

  it('an IBAN that is not a sandbox IBAN behaves as SUCCESS', async () => {
    const { input } = await readyBorrower(client);
    const { body: generated } = await client.post('/sandbox/invoice-generator', { seller: { identifier: input.identifier } });
    const payload = { ...generated.invoice_creation_payload, to_account: { account_number: 'FR7630006000011234567890189', bank_identifier: 'AGRIFRPP' } };
    const { body: loan } = await client.post<LoanApi>('/loans', { invoices: [payload], salt_id: 'plain-iban', auto_validate: true });
    await loanReaches(client, loan.id, 'CLOSED');
  });

  it('the credit line falls by the amount while the loan is out and is restored on repayment', async () => {
    const { input } = await readyBorrower(client);
    const line = async () => (await client.get<Page<ApiCreditLine>>(`/credit_lines?borrower=${input.identifier}`)).body.data[0]!;
    const pool = (await line()).pool_amount!;
    expect((await line()).balance_available).toBe(pool);
    const loan = await requestGuideLoan(client, input, { scenario: 'SUCCESS_ONE_DAY_LATER', autoValidate: true });
    await loanReaches(client, loan.id, 'TO_REPAY');
    expect((await line()).balance_available).toBe(pool - loan.amount);
    await client.post('/_emulator/clock/advance', { ms: DAY + 1_000 });
    await loanReaches(client, loan.id, 'CLOSED');
    expect((await line()).balance_available).toBe(pool);
  });
});

describe('production repayment mode', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator({ timing: 'instant', repayment: 'production' });
    client = api(emulator.url, 'production');
  });
  afterAll(() => emulator.close());

  it('keeps a paid loan in TO_REPAY until the simulated credit transfer arrives', async () => {
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { autoValidate: true });
    await loanReaches(client, loan.id, 'TO_REPAY');
    await client.post('/_emulator/clock/advance', { ms: DAY });
    expect((await client.get<LoanApi>(`/loan/${loan.id}`)).body.status).toBe('TO_REPAY');
    const repaid = await client.post('/_emulator/repayments', { loan_id: loan.id });
    expect(repaid.status).toBe(200);
    await loanReaches(client, loan.id, 'CLOSED');
    expect((await client.post('/_emulator/repayments', { loan_id: loan.id })).status).toBe(400);
  });

  it('repays at to_repay_at on the virtual clock, with fees for the whole duration', async () => {
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { autoValidate: true });
    await loanReaches(client, loan.id, 'TO_REPAY');
    const { body: clock } = await client.get('/_emulator/clock');
    await client.post('/_emulator/clock/advance', { ms: Date.parse(loan.to_repay_at) - clock.now_ms + 1_000 });
    const closed = await loanReaches(client, loan.id, 'CLOSED');
    expect(closed.paid_interests_amount).toBe(Math.round((loan.amount * 31 * 0.05) / 100));
  });

  it('can be chosen per loan with the x-emulator-repayment-mode header', async () => {
    const sandbox = await startEmulator({ timing: 'instant' });
    try {
      const c = api(sandbox.url, 'per-loan');
      const { input } = await readyBorrower(c);
      const { body: generated } = await c.post('/sandbox/invoice-generator', { seller: { identifier: input.identifier } });
      const { body: loan } = await c.raw('/loans', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-emulator-repayment-mode': 'production' },
        body: JSON.stringify({ invoices: [generated.invoice_creation_payload], salt_id: 'per-loan', auto_validate: true }),
      });
      await loanReaches(c, loan.id, 'TO_REPAY');
      await eventually(async () => (await c.get(`/_emulator/clock`)).body.pending_steps <= 1);
      expect((await c.get<LoanApi>(`/loan/${loan.id}`)).body.status).toBe('TO_REPAY');
    } finally {
      await sandbox.close();
    }
  });
});

describe('validated loan page schema', () => {
  it('lists loans in the page envelope accepted by the shared wire schema', async () => {
    const emulator = await startEmulator();
    try {
      const client = api(emulator.url);
      const { input } = await readyBorrower(client);
      await requestGuideLoan(client, input);
      const { body } = await client.get('/loans');
      expect(pageSchema(LoanApiSchema.omit({ documents: true })).parse(body).count).toBe(1);
    } finally {
      await emulator.close();
    }
  });
});
