import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiInvoice, LoanApi, Webhook } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, invoiceFor, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

/** How real clients send a body-less request: axios-style form type, text, no type at all, or JSON. */
const CONTENT_TYPES: readonly (string | null)[] = [
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded;charset=utf-8', 'text/plain', null,
  'application/json', 'application/json; charset=utf-8',
];

interface BodylessOperation {
  readonly name: string;
  readonly method: string;
  /** Creates what the call needs and returns its path. */
  readonly prepare: (client: Api) => Promise<string>;
  readonly status: number;
}

const OPERATIONS: readonly BodylessOperation[] = [
  {
    name: 'POST /loan/{loan_id}/validate', method: 'POST', status: 200,
    prepare: async (client) => {
      const { input } = await readyBorrower(client);
      const loan = await requestGuideLoan(client, input);
      await loanReaches(client, loan.id, 'TO_VALIDATE');
      return `/loan/${loan.id}/validate`;
    },
  },
  {
    name: 'POST /loan/{loan_id}/cancel', method: 'POST', status: 200,
    prepare: async (client) => {
      const { input } = await readyBorrower(client);
      const loan = await requestGuideLoan(client, input);
      await loanReaches(client, loan.id, 'TO_VALIDATE');
      return `/loan/${loan.id}/cancel`;
    },
  },
  {
    name: 'POST /borrower/{borrower_id}/deactivate', method: 'POST', status: 204,
    prepare: async (client) => `/borrower/${(await readyBorrower(client)).borrower.id}/deactivate`,
  },
  {
    name: 'POST /invoice/{invoice_id}/submit', method: 'POST', status: 200,
    prepare: async (client) => {
      const { input } = await readyBorrower(client);
      const generated = await invoiceFor(client, input);
      const draft = await client.post<ApiInvoice>('/invoices', { ...generated.invoice_creation_payload, is_draft: true });
      return `/invoice/${draft.body.id}/submit`;
    },
  },
  {
    name: 'DELETE /invoice/{invoice_id}', method: 'DELETE', status: 200,
    prepare: async (client) => {
      const { input } = await readyBorrower(client);
      const generated = await invoiceFor(client, input);
      const draft = await client.post<ApiInvoice>('/invoices', { ...generated.invoice_creation_payload, is_draft: true });
      return `/invoice/${draft.body.id}`;
    },
  },
  {
    name: 'DELETE /webhook/{webhook_id}', method: 'DELETE', status: 204,
    prepare: async (client) => {
      const hook = await client.post<Webhook>('/webhooks', { name: 'n', to_url: 'http://127.0.0.1:9/hook', event_types: ['Loan.CLOSED'] });
      return `/webhook/${hook.body.id}`;
    },
  },
  { name: 'GET /loans', method: 'GET', status: 200, prepare: async () => '/loans' },
  { name: 'GET /hello', method: 'GET', status: 200, prepare: async () => '/hello' },
];

describe('body-less requests from real clients', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, 'bodies');
  });
  afterAll(() => emulator.close());

  for (const operation of OPERATIONS) {
    it(`${operation.name} succeeds with an empty body of any content type (form, text, none, JSON)`, async () => {
      for (const type of CONTENT_TYPES) {
        const path = await operation.prepare(client);
        const answer = await client.raw(path, {
          method: operation.method, body: operation.method === 'GET' ? null : '', headers: type ? { 'content-type': type } : {},
        });
        expect(answer.status, `${operation.name} with ${type ?? 'no content type'}: ${JSON.stringify(answer.body)}`).toBe(operation.status);
      }
    });
  }

  it('a validated loan reached through an axios-style form-typed empty POST is VALIDATED', async () => {
    const path = await OPERATIONS[0]!.prepare(client);
    const answer = await client.raw(path, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((answer.body as LoanApi).status).toBe('VALIDATED');
  });

  it('a non-empty body that cannot be read is a 415 problem; whitespace alone is no body', async () => {
    const path = await OPERATIONS[2]!.prepare(client);
    for (const [type, body] of [['application/x-www-form-urlencoded', 'reason=x'], ['text/plain', 'hello'], ['application/xml', '<a/>']] as const) {
      const answer = await client.raw(path, { method: 'POST', body, headers: { 'content-type': type } });
      expect(answer.status, type).toBe(415);
      expect(answer.body).toMatchObject({ status: 415, type: expect.stringContaining('#unsupported_media_type') });
    }
    const blank = await client.raw(path, { method: 'POST', body: ' \n', headers: { 'content-type': 'text/plain' } });
    expect(blank.status).toBe(204);
  });

  it('a JSON body is still read whatever the JSON media type, and invalid JSON is a 400', async () => {
    const hook = { name: 'n', to_url: 'http://127.0.0.1:9/x', event_types: ['Loan.CLOSED'] };
    const vendor = await client.raw('/webhooks', { method: 'POST', body: JSON.stringify(hook), headers: { 'content-type': 'application/vnd.api+json' } });
    expect(vendor.status).toBe(201);
    const broken = await client.raw('/webhooks', { method: 'POST', body: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
  });
});
