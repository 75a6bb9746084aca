import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiBorrowerSchema, ApiCreditLineSchema, ApiInvoiceSchema, ApiPostBorrowerSchema, GeneratedInvoiceSchema, pageSchema,
  type ApiBorrower,
} from '../../src/defacto/wire';
import { scenarioOfIban } from '../../src/emulator/scenario';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, eventually, invoiceFor, readyBorrower, type Api } from './http';

describe('sandbox helpers and borrowers', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator({ timing: 'realistic' });
    client = api(emulator.url, 'borrowers');
  });
  afterAll(() => emulator.close());

  it('GET /hello answers a text/plain greeting', async () => {
    const answer = await client.get('/hello');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    expect(answer.body).toMatch(/hello/i);
  });

  it('the business generator answers a POST /borrowers payload, by GET (query) or POST (body)', async () => {
    const byGet = await client.get('/sandbox/business-generator?country=FRA&is_borrower=false');
    expect(ApiPostBorrowerSchema.parse(byGet.body).signed_at).toBeUndefined();
    const byPost = await client.post('/sandbox/business-generator', { is_borrower: true });
    expect(ApiPostBorrowerSchema.parse(byPost.body).signed_at).toBeTruthy();
    expect((await client.get('/sandbox/business-generator?country=ESP')).body.identifier_type).toBe('nif');
    expect((await client.get('/sandbox/business-generator?country=XXX')).status).toBe(422);
  });

  it('the IBAN generator answers 201 with an IBAN of the requested scenario', async () => {
    const answer = await client.get('/sandbox/iban-generator?scenario=FAIL');
    expect(answer.status).toBe(201);
    expect(scenarioOfIban(answer.body.iban)).toBe('FAIL');
  });

  it('the invoice generator answers 201 with a PDF link and a creation payload', async () => {
    const answer = await client.post('/sandbox/invoice-generator', { scenario: 'SUCCESS_ONE_DAY_LATER' });
    expect(answer.status).toBe(201);
    const generated = GeneratedInvoiceSchema.parse(answer.body);
    const pdf = await fetch(generated.pdf_download_url);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(generated.invoice_creation_payload.document, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect((await client.post('/sandbox/invoice-generator')).status).toBe(201);
  });

  it('a signed borrower is SIGNED with a temporary contract link, then READY with a credit line', async () => {
    const { body: business } = await client.get('/sandbox/business-generator');
    const created = await client.post<ApiBorrower>('/borrowers', business);
    expect(created.status).toBe(201);
    const borrower = ApiBorrowerSchema.parse(created.body);
    expect(borrower.status).toBe('SIGNED');
    expect(borrower.contract_s3_url).toMatch(/^https:\/\/.+X-Amz-Expires=\d+/);
    await eventually(async () => (await client.get(`/borrower/${borrower.id}`)).body.status === 'READY');
    const lines = (await client.get(`/credit-lines?borrower=${business.identifier}`)).body;
    const [line] = pageSchema(ApiCreditLineSchema).parse(lines).data;
    expect(line).toMatchObject({ pool_amount: 5_000_000, balance_available: 5_000_000, default_borrower: { identifier: business.identifier } });
  });

  it('wait_for_ready answers READY at once; without signed_at the borrower is TO_SIGN until signed', async () => {
    const { borrower } = await readyBorrower(client);
    expect(borrower.status).toBe('READY');
    const { body: business } = await client.get('/sandbox/business-generator?is_borrower=false');
    const unsigned = (await client.post<ApiBorrower>('/borrowers', business)).body;
    expect(unsigned).toMatchObject({ status: 'TO_SIGN', contract_s3_url: null });
    const signed = await client.post(`/borrower/${unsigned.id}/sign`, { signed_at: new Date().toISOString(), wait_for_ready: true });
    expect(signed.body.status).toBe('READY');
    const again = await client.post(`/borrower/${unsigned.id}/sign`, { signed_at: new Date().toISOString() });
    expect(again.body.status).toBe('READY');
    expect((await client.post(`/borrower/${unsigned.id}/sign`, {})).status).toBe(422);
  });

  it('a duplicate identifier returns the existing borrower (one per identifier)', async () => {
    const { borrower, input } = await readyBorrower(client);
    const again = await client.post<ApiBorrower>('/borrowers', input);
    expect(again.body.id).toBe(borrower.id);
    expect((await client.get('/_emulator/inventory')).body.byIdentifier[input.identifier]).toBe(1);
  });

  it('lists borrowers filtered by identifier (and its alias) or id, and deactivates one with a 204', async () => {
    const { borrower, input } = await readyBorrower(client);
    expect((await client.get(`/borrowers?borrower_identifier=${input.identifier}`)).body.data.map((b: ApiBorrower) => b.id)).toEqual([borrower.id]);
    expect((await client.get(`/borrowers?identifier=${input.identifier}`)).body.total).toBe(1);
    expect((await client.get(`/borrowers?borrower_id=${borrower.id}`)).body.total).toBe(1);
    expect((await client.post(`/borrower/${borrower.id}/deactivate`)).status).toBe(204);
    expect((await client.get(`/borrower/${borrower.id}`)).body.status).toBe('DEACTIVATED');
  });

  it('business-eligible answers 204', async () => {
    const answer = await client.post('/sandbox/business-eligible', { business_identifier: { identifier: '123456782' }, scenario: 'NOT_ELIGIBLE' });
    expect(answer.status).toBe(204);
  });
});

describe('invoices', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, 'invoices');
  });
  afterAll(() => emulator.close());

  it('a generator payload creates a SUBMITTED-then-VERIFIED invoice with a document_url instead of the PDF', async () => {
    const { input } = await readyBorrower(client);
    const { invoice_creation_payload: payload } = await invoiceFor(client, input);
    const created = await client.post('/invoices', payload);
    expect(created.status).toBe(201);
    const invoice = ApiInvoiceSchema.parse(created.body);
    expect(invoice).toMatchObject({ status: 'VERIFIED', invoice_number: payload.invoice_number, total_amount: payload.total_amount });
    expect(created.body.document).toBeUndefined();
    const pdf = await fetch(invoice.document_url!);
    expect(Buffer.from(await pdf.arrayBuffer()).toString('base64')).toBe(payload.document);
    expect((await client.get(`/invoices?invoice_number=${payload.invoice_number}`)).body.total).toBe(1);
    expect((await client.get(`/invoices?seller=${input.identifier}&status=VERIFIED`)).body.total).toBe(1);
    expect((await client.get(`/invoices?linked_to_loan=true`)).body.total).toBe(0);
  });

  it('a draft can be patched, then submission checks the fields a loan needs (422), then it is VERIFIED', async () => {
    const draft = await client.post('/invoices', { document: 'JVBERi0=', is_draft: true, invoice_number: 'D-1' });
    expect(draft.body.status).toBe('TO_SUBMIT');
    const incomplete = await client.post(`/invoice/${draft.body.id}/submit`);
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.invalid_params.map((p: { name: string }) => p.name)).toEqual(['issued_at', 'due_at', 'total_amount', 'buyer', 'seller']);
    const patched = await client.patch(`/invoice/${draft.body.id}`, { total_amount: 12_000, buyer: { identifier: '1' } });
    expect(patched.body).toMatchObject({ total_amount: 12_000, buyer: { identifier: '1' } });
    const submitted = await client.post(`/invoice/${draft.body.id}/submit`, {
      issued_at: '2024-01-01T00:00:00Z', due_at: '2024-02-01T00:00:00Z', seller: { identifier: '2' },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('VERIFIED');
    expect((await client.patch(`/invoice/${draft.body.id}`, { total_amount: 1 })).status).toBe(400);
    expect((await client.post(`/invoice/${draft.body.id}/submit`)).status).toBe(400);
  });

  it('DELETE answers 200 with the DELETED invoice, once', async () => {
    const draft = await client.post('/invoices', { document: 'JVBERi0=', is_draft: true });
    const deleted = await client.delete(`/invoice/${draft.body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe('DELETED');
    expect((await client.delete(`/invoice/${draft.body.id}`)).status).toBe(400);
  });

  it('one sandbox IBAN belongs to one seller', async () => {
    const { body: generated } = await client.post('/sandbox/invoice-generator', { seller: { identifier: '111' } });
    const payload = generated.invoice_creation_payload;
    expect((await client.post('/invoices', payload)).status).toBe(201);
    const reused = await client.post('/invoices', { ...payload, invoice_number: 'other', seller: { identifier: '222' } });
    expect(reused.status).toBe(400);
    expect(reused.body.invalid_params).toEqual([{ name: 'to_account.account_number', reason: 'IBAN already used by another counterparty' }]);
  });
});
