import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoanApi } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, invoiceFor, readyBorrower, type Api } from './http';

describe('fault injection', () => {
  let emulator: RunningEmulator;
  let client: Api;
  let controls: Api;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 3 });
    client = api(emulator.url, 'faults');
    controls = api(emulator.url, null);
  });
  afterAll(() => emulator.close());
  afterEach(async () => { await controls.delete('/_emulator/faults'); });

  const inject = (rules: unknown[]) => controls.post('/_emulator/faults', { rules });

  it('answers a status fault with that status and a problem body, for the next `count` requests only', async () => {
    await inject([{ route: 'GET /hello', kind: 'status', status: 502, count: 1 }]);
    const failed = await client.get('/hello');
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ status: 502, type: expect.stringContaining('#bad_gateway') });
    expect((await client.get('/hello')).status).toBe(200);
  });

  it.each([500, 503, 504])('can inject a %i', async (status) => {
    await inject([{ kind: 'status', status, count: 1 }]);
    expect((await client.get('/hello')).status).toBe(status);
  });

  it('answers a rate_limit fault with 429 and Retry-After', async () => {
    await inject([{ route: 'GET /hello', kind: 'rate_limit', retryAfterS: 3 }]);
    const limited = await client.get('/hello');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body.type).toContain('#rate_limited');
  });

  it('adds latency and then serves the request', async () => {
    await inject([{ route: 'GET /hello', kind: 'latency', latencyMs: 150 }]);
    const started = Date.now();
    const answer = await client.get('/hello');
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('resets the connection without carrying the request out', async () => {
    await inject([{ route: 'POST /borrowers', kind: 'reset', count: 1 }]);
    const { body: business } = await client.get('/sandbox/business-generator');
    await expect(client.post('/borrowers', business)).rejects.toThrow();
    expect((await client.get('/_emulator/inventory')).body.byIdentifier[business.identifier]).toBeUndefined();
  });

  it('applies a global rule to every Defacto route but never to the /_emulator controls', async () => {
    await inject([{ route: '*', kind: 'status', status: 500 }]);
    expect((await client.get('/hello')).status).toBe(500);
    expect((await client.get('/loans')).status).toBe(500);
    expect((await controls.get('/_emulator/faults')).status).toBe(200);
  });

  it('lists and clears the active rules', async () => {
    await inject([{ route: 'GET /hello', kind: 'status', status: 500, count: 2 }]);
    expect((await controls.get('/_emulator/faults')).body.rules).toEqual([
      { route: 'GET /hello', kind: 'status', status: 500, count: 2, remaining: 2 },
    ]);
    await controls.delete('/_emulator/faults');
    expect((await controls.get('/_emulator/faults')).body.rules).toEqual([]);
  });

  it('refuses a malformed rule with a 422 naming the field', async () => {
    const answer = await inject([{ kind: 'explode' }]);
    expect(answer.status).toBe(422);
    expect(answer.body.invalid_params).toEqual([{ name: 'rules.0.kind', reason: expect.any(String) }]);
  });

  it('a lost response on POST /loans commits the loan; the retry with the same salt_id gets it back: exactly one loan', async () => {
    const { input } = await readyBorrower(client);
    const generated = await invoiceFor(client, input);
    const request = { invoices: [generated.invoice_creation_payload], salt_id: 'lost-once', auto_validate: true };
    const before = (await client.get('/_emulator/inventory')).body.loans;
    await inject([{ route: 'POST /loans', kind: 'lost_response', count: 1 }]);
    await expect(client.post('/loans', request)).rejects.toThrow();
    expect((await client.get('/_emulator/inventory')).body.loans).toBe(before + 1);
    const retried = await client.post<LoanApi>('/loans', request);
    expect(retried.status).toBe(201);
    const inventory = (await client.get('/_emulator/inventory')).body;
    expect(inventory.loans).toBe(before + 1);
    expect(inventory.byInvoiceNumber[generated.invoice_creation_payload.invoice_number!]).toBe(1);
    expect((await client.get(`/loan/${retried.body.id}`)).status).toBe(200);
  });

  it('counts faults as errors in the per-route stats', async () => {
    await controls.delete('/_emulator/stats');
    await inject([{ route: 'GET /hello', kind: 'status', status: 503, count: 1 }]);
    await client.get('/hello');
    await client.get('/hello');
    const stats = (await controls.get('/_emulator/stats')).body.routes['GET /hello'];
    expect(stats).toMatchObject({ count: 2, errors: 1 });
    expect(stats.p99Ms).toBeGreaterThanOrEqual(stats.p50Ms);
  });
});
