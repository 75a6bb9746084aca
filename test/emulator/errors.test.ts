import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemSchema, type LoanApi } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

describe('errors', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, 'errors');
  });
  afterAll(() => emulator.close());

  it('a request without an API key is a 401 problem', async () => {
    for (const path of ['/hello', '/loans', '/sandbox/business-generator']) {
      const answer = await api(emulator.url, null).get(path);
      expect(answer.status).toBe(401);
      expect(ProblemSchema.parse(answer.body)).toMatchObject({ status: 401, type: expect.stringContaining('#unauthorized') });
    }
    expect((await api(emulator.url, '').get('/hello')).status).toBe(401);
  });

  it("another tenant's resource ids are 404, and its lists are empty", async () => {
    const { borrower, input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input);
    const other = api(emulator.url, 'someone-else');
    expect((await other.get(`/loan/${loan.id}`)).status).toBe(404);
    expect((await other.post(`/loan/${loan.id}/validate`)).status).toBe(404);
    expect((await other.get(`/borrower/${borrower.id}`)).status).toBe(404);
    expect((await other.get(`/invoice/${loan.invoice_ids[0]}`)).status).toBe(404);
    expect((await other.get('/loans')).body).toMatchObject({ data: [], total: 0 });
    expect((await other.get(`/payments?loan_id=${loan.id}`)).body.data).toEqual([]);
  });

  it('unknown ids and unknown routes are 404 problems', async () => {
    const unknown = await client.get('/loan/00000000-0000-0000-0000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404, instance: '/loan/00000000-0000-0000-0000-000000000000' });
    expect((await client.get('/loan/not-a-uuid')).status).toBe(404);
    expect((await client.get('/no/such/route')).status).toBe(404);
  });

  it('a schema violation is a 422 whose invalid_params name every bad field', async () => {
    const answer = await client.post('/loans', {
      amount: 'ten euros', to_pay_at: 'yesterday', currency: 'USD', auto_validate: 'yes',
      invoices: [{ buyer: {}, seller: {}, invoice_number: 42 }],
    });
    expect(answer.status).toBe(422);
    const names = (answer.body.invalid_params as { name: string }[]).map((p) => p.name).sort();
    expect(names).toEqual([
      'amount', 'auto_validate', 'currency', 'invoices.0.document', 'invoices.0.due_at', 'invoices.0.invoice_number',
      'invoices.0.issued_at', 'invoices.0.total_amount', 'to_pay_at',
    ]);
    expect(answer.body.type).toContain('#validation_error');
  });

  it('a loan whose required fields cannot be derived is a 422 naming them', async () => {
    const answer = await client.post('/loans', { loan_type: 'WALLET_FINANCING' });
    expect(answer.status).toBe(422);
    expect(answer.body.invalid_params.map((p: { name: string }) => p.name)).toEqual(['amount', 'loan_to', 'to_repay_at']);
  });

  it('garbage bodies never cause a 500', async () => {
    const bodies = ['{', 'null', '[]', '"text"', '42', '{"amount": 1e309}', '{"__proto__": {"x": 1}}', '\u0000'];
    for (const path of ['/loans', '/borrowers', '/invoices', '/webhooks', '/sandbox/invoice-generator']) {
      for (const body of bodies) {
        const answer = await client.raw(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        expect(answer.status, `${path} ${body}`).toBeLessThan(500);
        // The generator's fields are all optional: an object with unknown keys is a valid request.
        if (path !== '/sandbox/invoice-generator') expect(answer.status, `${path} ${body}`).toBeGreaterThanOrEqual(400);
        expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.ts:\d+/);
      }
    }
    const xml = await client.raw('/loans', { method: 'POST', body: '<loan/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    const badQuery = await client.get('/loans?status=NOPE&page_size=0&to_pay_at_from=soon');
    expect(badQuery.status).toBe(422);
    expect(badQuery.body.invalid_params.map((p: { name: string }) => p.name).sort()).toEqual(['status', 'to_pay_at_from']);
  });

  it('validating a loan that is not TO_VALIDATE is a 400 problem; so is cancelling a paid one', async () => {
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { autoValidate: true });
    await loanReaches(client, loan.id, 'CLOSED');
    const validate = await client.post(`/loan/${loan.id}/validate`);
    expect(validate.status).toBe(400);
    expect(validate.body).toMatchObject({ type: expect.stringContaining('#invalid_transition'), data: { status: 'CLOSED' } });
    const cancel = await client.post(`/loan/${loan.id}/cancel`);
    expect(cancel.status).toBe(400);
    expect((await client.get<LoanApi>(`/loan/${loan.id}`)).body.status).toBe('CLOSED');
  });

  it('the same salt_id with a different body is a 409 idempotency conflict', async () => {
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { saltId: 'conflict-key' });
    const conflict = await client.post('/loans', { amount: 1, salt_id: 'conflict-key' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ type: expect.stringContaining('#idempotency_conflict'), data: { loan_id: loan.id } });
  });
});
