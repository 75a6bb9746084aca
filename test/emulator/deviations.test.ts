/**
 * Where the emulator used to differ from Defacto's OpenAPI document: each test names the rule it checks
 * and failed on the emulator before the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiBorrower, ApiCreditLine, ApiInvoice, ApiPostBorrower, LoanApi, Page, PaymentApi } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, invoiceFor, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

const HOUR = 3_600_000;

describe('fidelity to the OpenAPI document', () => {
  let emulator: RunningEmulator;
  let client: Api;
  let seller: ApiPostBorrower;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, 'deviations');
    seller = (await readyBorrower(client)).input;
  });
  afterAll(() => emulator.close());

  it('a borrower enrolled without directors reads back with directors null (the schema: nullable, minItems 1)', async () => {
    const { body: input } = await client.get<ApiPostBorrower>('/sandbox/business-generator');
    const { directors: _dropped, ...withoutDirectors } = input;
    const created = await client.post<ApiBorrower>('/borrowers', withoutDirectors);
    expect(created.status).toBe(201);
    expect(created.body.directors).toBeNull();
    expect((await client.get<ApiBorrower>(`/borrower/${created.body.id}`)).body.directors).toBeNull();
  });

  it('POST /borrowers refuses an identifier with spaces with a 422 naming identifier', async () => {
    const { body: input } = await client.get<ApiPostBorrower>('/sandbox/business-generator');
    const spaced = `${input.identifier.slice(0, 3)} ${input.identifier.slice(3, 6)} ${input.identifier.slice(6)}`;
    const answer = await client.post('/borrowers', { ...input, identifier: spaced });
    expect(answer.status).toBe(422);
    expect(answer.body.invalid_params).toEqual([{ name: 'identifier', reason: expect.stringContaining('spaces') }]);
  });

  it('GET /loans?guarantor= selects nothing, since emulator loans have no guarantor', async () => {
    await requestGuideLoan(client, seller);
    expect((await client.get<Page<LoanApi>>('/loans')).body.total).toBeGreaterThan(0);
    const answer = await client.get<Page<LoanApi>>(`/loans?guarantor=${seller.identifier}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ data: [], total: 0 });
  });

  it('GET /payments?is_reconciled= selects the paid payments (true) or the others (false)', async () => {
    const failing = await requestGuideLoan(client, seller, { scenario: 'FAIL', autoValidate: true });
    await loanReaches(client, failing.id, 'ISSUE_DETECTED');
    const paid = await requestGuideLoan(client, seller, { autoValidate: true });
    await loanReaches(client, paid.id, 'CLOSED');
    const query = `loan_id=${failing.id}&loan_id=${paid.id}`;
    const reconciled = (await client.get<Page<PaymentApi>>(`/payments?${query}&is_reconciled=true`)).body.data;
    const open = (await client.get<Page<PaymentApi>>(`/payments?${query}&is_reconciled=false`)).body.data;
    expect(reconciled.map((p) => p.status)).toEqual(['PAID', 'PAID']);
    expect(open.map((p) => p.status)).toEqual(['FAILED']);
    expect((await client.get(`/payments?is_reconciled=maybe`)).status).toBe(422);
  });

  it("GET /invoices?linked_to_loan_paid_after=/_before= select invoices by their loan's paid_at, and refuse a malformed date", async () => {
    const loan = await requestGuideLoan(client, seller, { autoValidate: true });
    const closed = await loanReaches(client, loan.id, 'CLOSED');
    const paidAt = Date.parse(closed.paid_at!);
    const ids = async (query: string) =>
      (await client.get<Page<ApiInvoice>>(`/invoices?linked_to_loan=true&${query}`)).body.data.map((i) => i.id);
    const before = new Date(paidAt - HOUR).toISOString();
    const after = new Date(paidAt + HOUR).toISOString();
    expect(await ids(`linked_to_loan_paid_after=${before}`)).toContain(loan.invoice_ids[0]);
    expect(await ids(`linked_to_loan_paid_after=${after}`)).not.toContain(loan.invoice_ids[0]);
    expect(await ids(`linked_to_loan_paid_before=${after}`)).toContain(loan.invoice_ids[0]);
    expect(await ids(`linked_to_loan_paid_before=${before}`)).not.toContain(loan.invoice_ids[0]);
    const malformed = await client.get('/invoices?linked_to_loan_paid_after=last-week');
    expect(malformed.status).toBe(422);
    expect(malformed.body.invalid_params).toEqual([{ name: 'linked_to_loan_paid_after', reason: 'expected an ISO 8601 date-time' }]);
  });

  it('an inline invoice due in the past (as in the real 2022 generator outputs) is a 422 naming invoices.0.due_at, not to_repay_at', async () => {
    const { invoice_creation_payload: payload } = await invoiceFor(client, seller);
    const answer = await client.post('/loans', { invoices: [{ ...payload, issued_at: '2022-05-02T00:00:00Z', due_at: '2022-06-01T00:00:00Z' }] });
    expect(answer.status).toBe(422);
    expect(answer.body.invalid_params.map((p: { name: string }) => p.name)).toEqual(['invoices.0.due_at']);
  });

  it('a negative inline invoices.0.total_amount is a 422 naming invoices.0.total_amount, not amount', async () => {
    const { invoice_creation_payload: payload } = await invoiceFor(client, seller);
    const { to_pay_amount: _derived, ...invoice } = payload;
    const answer = await client.post('/loans', { invoices: [{ ...invoice, total_amount: -500 }] });
    expect(answer.status).toBe(422);
    expect(answer.body.invalid_params).toEqual([{ name: 'invoices.0.total_amount', reason: 'must be positive' }]);
  });

  it('PATCH /loan/{id} refuses metadata on a CLOSED loan with a 400 invalid_transition', async () => {
    const loan = await requestGuideLoan(client, seller, { autoValidate: true });
    await loanReaches(client, loan.id, 'CLOSED');
    const answer = await client.patch(`/loan/${loan.id}`, { metadata: { note: 'late' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: expect.stringContaining('#invalid_transition'), data: { status: 'CLOSED' } });
    expect((await client.get<LoanApi>(`/loan/${loan.id}`)).body.metadata).toBeNull();
  });

  it('PATCH /loan/{id} refuses unknown fields with a 422 naming them', async () => {
    const loan = await requestGuideLoan(client, seller);
    const answer = await client.patch(`/loan/${loan.id}`, { amount: 5_000, colour: 'blue' });
    expect(answer.status).toBe(422);
    expect(answer.body.invalid_params).toEqual([{ name: 'body', reason: 'unknown field(s): colour' }]);
  });

  it('PATCH /loan/{id} refuses any field while the loan is PENDING_VALIDATION (the OAS allows SUBMITTED and TO_VALIDATE)', async () => {
    const slow = await startEmulator({ timing: { decisionDelayMs: 3_600_000, stepDelayMs: 0 } });
    try {
      const slowClient = api(slow.url, 'pending');
      const { input } = await readyBorrower(slowClient);
      const loan = await requestGuideLoan(slowClient, input);
      expect(loan.status).toBe('PENDING_VALIDATION');
      const answer = await slowClient.patch(`/loan/${loan.id}`, { amount: 5_000 });
      expect(answer.status).toBe(400);
      expect(answer.body.invalid_params).toEqual([{ name: 'amount', reason: 'not editable in status PENDING_VALIDATION' }]);
    } finally {
      await slow.close();
    }
  });

  it('a draft invoice made from a document alone has invoice_number and net_amount null, not invented values', async () => {
    const { invoice_creation_payload: payload } = await invoiceFor(client, seller);
    const draft = await client.post<ApiInvoice>('/invoices', { document: payload.document, is_draft: true });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'TO_SUBMIT', invoice_number: null, net_amount: null, total_amount: null });
  });

  it("PATCH of a draft's total_amount sets to_pay_amount when it was never given", async () => {
    const { invoice_creation_payload: payload } = await invoiceFor(client, seller);
    const draft = await client.post<ApiInvoice>('/invoices', { document: payload.document, is_draft: true });
    const patched = await client.patch<ApiInvoice>(`/invoice/${draft.body.id}`, { total_amount: 12_000 });
    expect(patched.body).toMatchObject({ total_amount: 12_000, to_pay_amount: 12_000 });
    const explicit = await client.patch<ApiInvoice>(`/invoice/${draft.body.id}`, { to_pay_amount: 11_000, total_amount: 13_000 });
    expect(explicit.body).toMatchObject({ total_amount: 13_000, to_pay_amount: 11_000 });
    expect((await client.patch<ApiInvoice>(`/invoice/${draft.body.id}`, { total_amount: 14_000 })).body.to_pay_amount).toBe(11_000);
  });

  it("GET /credit_lines lists the partner's own line besides the borrowers' lines", async () => {
    const fresh = api(emulator.url, 'credit-lines-partner');
    const empty = (await fresh.get<Page<ApiCreditLine>>('/credit_lines')).body;
    expect(empty.data).toHaveLength(1);
    expect(empty.data[0]).toMatchObject({ default_borrower: null, distribution: 'DIRECT' });
    const { input } = await readyBorrower(fresh);
    const lines = (await fresh.get<Page<ApiCreditLine>>('/credit_lines')).body.data;
    expect(lines.map((l) => l.default_borrower?.identifier ?? 'partner')).toEqual([input.identifier, 'partner']);
    expect((await fresh.get<Page<ApiCreditLine>>(`/credit_lines?borrower=${input.identifier}`)).body.data).toHaveLength(1);
  });

  it('an Authorization header without the Bearer scheme is a 401', async () => {
    for (const header of ['deviations', 'Token deviations', 'Basic ZGV2aWF0aW9uczo=', 'Bearer']) {
      const answer = await fetch(`${emulator.url}/hello`, { headers: { authorization: header } });
      expect(answer.status, header).toBe(401);
    }
    expect((await fetch(`${emulator.url}/hello`, { headers: { authorization: 'bearer deviations' } })).status).toBe(200);
  });
});
