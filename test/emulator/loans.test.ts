import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoanApiEventSchema, LoanApiSchema, type ApiPostBorrower, type LoanApi } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, invoiceFor, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('loans', () => {
  let emulator: RunningEmulator;
  let client: Api;
  let seller: ApiPostBorrower;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, 'loans');
    seller = (await readyBorrower(client)).input;
  });
  afterAll(() => emulator.close());

  /** An OpenAPI-shaped request financing a fresh invoice of `seller`. */
  const oasRequest = async (overrides: Record<string, unknown> = {}) => {
    const { invoice_creation_payload: invoice } = await invoiceFor(client, seller);
    const { body: created } = await client.post('/invoices', invoice);
    // One instant for both dates: two Date.now() calls a millisecond apart would bill a 31st day.
    const now = Date.now();
    return {
      amount: 10_000, loan_to: invoice.to_account, to_pay_at: iso(now), to_repay_at: iso(now + 30 * DAY),
      invoice_ids: [created.id], salt_id: `oas-${Math.random()}`, ...overrides,
    };
  };

  it('accepts the OpenAPI shape with invoice_ids and computes fees by the documented rule', async () => {
    const request = await oasRequest();
    const answer = await client.post<LoanApi>('/loans', request);
    expect(answer.status).toBe(201);
    const loan = LoanApiSchema.parse(answer.body);
    expect(loan).toMatchObject({ status: 'PENDING_VALIDATION', amount: 10_000, invoice_ids: request.invoice_ids, fees_estimated: 150 });
    expect(loan.borrower.identifier).toBe(seller.identifier);
    expect(loan.documents).toHaveLength(1);
    expect((await client.get(`/invoice/${request.invoice_ids[0]}`)).body.loan_ids).toEqual([loan.id]);
  });

  it('accepts to_account as an alias of loan_to', async () => {
    const { loan_to: account, ...rest } = await oasRequest();
    const answer = await client.post<LoanApi>('/loans', { ...rest, to_account: account });
    expect(answer.body.loan_to.account_number).toBe((account as { account_number: string }).account_number);
  });

  it('derives amount, loan_to and dates from an inline invoice (the guide shape)', async () => {
    const generated = await invoiceFor(client, seller);
    const p = generated.invoice_creation_payload;
    const { body: loan } = await client.post<LoanApi>('/loans', { invoices: [p], salt_id: 'guide-shape' });
    expect(loan).toMatchObject({ amount: p.to_pay_amount, loan_to: { account_number: p.to_account!.account_number } });
    expect(Date.parse(loan.to_repay_at)).toBe(Date.parse(p.due_at!));
    expect(loan.loan_to_references).toEqual([p.invoice_number]);
  });

  it('wait_for_validation decides inline: TO_VALIDATE, or VALIDATED-or-later with auto_validate, or DECLINED', async () => {
    const toValidate = await client.post<LoanApi>('/loans', await oasRequest({ wait_for_validation: true }));
    expect(toValidate.body.status).toBe('TO_VALIDATE');
    const auto = await client.post<LoanApi>('/loans', await oasRequest({ wait_for_validation: true, auto_validate: true }));
    expect(auto.body.status).toBe('VALIDATED');
    const declined = await client.post<LoanApi>('/loans', await oasRequest({ wait_for_validation: true, amount: 20_000_001 }));
    expect(declined.body).toMatchObject({ status: 'DECLINED', denial_reason: 'EXCESSIVE_AMOUNT_LOAN_REQUEST' });
  });

  it.each([
    ['a duration over 120 days', { to_repay_at: iso(Date.now() + 121 * DAY) }, 'EXCESSIVE_DURATION_LOAN_REQUEST'],
    ['an amount over the available balance', { amount: 5_000_001 }, 'AMOUNT_SUPERIOR_TO_AVAILABLE_BALANCE'],
  ])('declines %s', async (_what, overrides, reason) => {
    const { body } = await client.post<LoanApi>('/loans', await oasRequest({ ...overrides, wait_for_validation: true }));
    expect(body).toMatchObject({ status: 'DECLINED', denial_reason: reason });
  });

  it('declines an invoice that is already financed, and a borrower that has not signed', async () => {
    const request = await oasRequest({ wait_for_validation: true });
    expect((await client.post<LoanApi>('/loans', request)).body.status).toBe('TO_VALIDATE');
    const twice = await client.post<LoanApi>('/loans', { ...request, salt_id: 'second-try' });
    expect(twice.body).toMatchObject({ status: 'DECLINED', denial_reason: 'INVOICE_ALREADY_FINANCED' });

    const { body: business } = await client.get('/sandbox/business-generator?is_borrower=false');
    await client.post('/borrowers', business);
    const generated = await invoiceFor(client, business);
    const unsigned = await client.post<LoanApi>('/loans', { invoices: [generated.invoice_creation_payload], wait_for_validation: true });
    expect(unsigned.body).toMatchObject({ status: 'DECLINED', denial_reason: 'BORROWER_TO_SIGN' });
  });

  it('declines a loan involving a business forced NOT_ELIGIBLE', async () => {
    const { input } = await readyBorrower(client);
    await client.post('/sandbox/business-eligible', { business_identifier: { identifier: input.identifier }, scenario: 'NOT_ELIGIBLE' });
    const loan = await requestGuideLoan(client, input);
    expect((await loanReaches(client, loan.id, 'DECLINED')).denial_reason).toBe('DOES_NOT_MATCH_ELIGIBILITY_CRITERIA');
  });

  it('PATCH changes any field before validation, and refuses fields the status locks with a 400 naming them', async () => {
    const { body: loan } = await client.post<LoanApi>('/loans', await oasRequest({ wait_for_validation: true }));
    const patched = await client.patch<LoanApi>(`/loan/${loan.id}`, { amount: 9_000, metadata: { step: 2 } });
    expect(patched.body).toMatchObject({ amount: 9_000, metadata: { step: 2 }, fees_estimated: 135 });
    await client.post(`/loan/${loan.id}/validate`);
    await loanReaches(client, loan.id, 'CLOSED');
    const refused = await client.patch(`/loan/${loan.id}`, { amount: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.invalid_params).toEqual([{ name: 'amount', reason: 'not editable in status CLOSED' }]);
  });

  it('cancels from PENDING_VALIDATION, TO_VALIDATE, VALIDATED and SCHEDULED only; counts cancels that changed state', async () => {
    const before = (await client.get('/_emulator/inventory')).body.cancels;
    const pending = await requestGuideLoan(client, seller);
    expect((await client.post<LoanApi>(`/loan/${pending.id}/cancel`)).body.status).toBe('CANCELED');
    const { body: toValidate } = await client.post<LoanApi>('/loans', await oasRequest({ wait_for_validation: true }));
    expect((await client.post<LoanApi>(`/loan/${toValidate.id}/cancel`)).body.status).toBe('CANCELED');
    expect((await client.post(`/loan/${toValidate.id}/cancel`)).status).toBe(400);
    expect((await client.get('/_emulator/inventory')).body.cancels).toBe(before + 2);
    const events = (await client.get(`/loan/${toValidate.id}/events`)).body.data;
    expect(events.map((e: unknown) => LoanApiEventSchema.parse(e).status)).toEqual(['SUBMITTED', 'TO_VALIDATE', 'CANCELED']);
  });

  it('a validate call that changes state is counted once; a refused one is not', async () => {
    const before = (await client.get('/_emulator/inventory')).body.validations;
    const { body: loan } = await client.post<LoanApi>('/loans', await oasRequest({ wait_for_validation: true }));
    expect((await client.post(`/loan/${loan.id}/validate`)).status).toBe(200);
    expect((await client.post(`/loan/${loan.id}/validate`)).status).toBe(400);
    expect((await client.get('/_emulator/inventory')).body.validations).toBe(before + 1);
  });

  it('replays the same loan for the same salt_id and body', async () => {
    const request = await oasRequest({ salt_id: 'replay-me' });
    const first = await client.post<LoanApi>('/loans', request);
    const second = await client.post<LoanApi>('/loans', { ...request });
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
  });

  it('lists loans newest first with filters and sort_by', async () => {
    const { input } = await readyBorrower(client);
    const a = await requestGuideLoan(client, input);
    const b = await requestGuideLoan(client, input, { scenario: 'REJECT' });
    await loanReaches(client, b.id, 'DECLINED');
    const mine = (await client.get(`/loans?borrower=${input.identifier}`)).body;
    expect(mine.data.map((l: LoanApi) => l.id)).toEqual([b.id, a.id]);
    expect(mine.data[0].documents).toBeUndefined();
    expect((await client.get(`/loans?borrower=${input.identifier}&sort_by=created_at:asc`)).body.data[0].id).toBe(a.id);
    expect((await client.get(`/loans?borrower=${input.identifier}&status=DECLINED`)).body.data.map((l: LoanApi) => l.id)).toEqual([b.id]);
    expect((await client.get(`/loans?id=${a.id}&query=${a.id.slice(0, 8)}`)).body.total).toBe(1);
    expect((await client.get(`/loans?to_repay_at_within_days=1`)).body.total).toBe(0);
  });
});
