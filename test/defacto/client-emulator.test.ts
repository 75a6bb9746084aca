/**
 * The client against the real emulator over HTTP: every injected fault yields the right error class
 * and retry decision, every response of a full sandbox flow passes its wire schema, pagination walks
 * real pages, and the standalone retry mode behaves as documented.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DefactoError, DefactoNetworkError, DefactoNotFoundError, DefactoRateLimitError,
  DefactoServerError, DefactoTimeoutError, DefactoValidationError,
} from '../../src/defacto/errors';
import { classify, type RetryDecision } from '../../src/defacto/retry-policy';
import type { CreateWebhook } from '../../src/defacto/wire';
import { emulatorWorld } from './emulator-world';

const { newClient, url } = emulatorWorld({ timing: 'instant', logger: false }, 3_000);

afterEach(async () => { await control('DELETE', '/_emulator/faults'); });

/** Calls an emulator-only control endpoint. */
async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url()}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}`);
  const text = await response.text();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

async function routeStats(route: string): Promise<{ count: number; errors: number } | undefined> {
  const stats = (await control('GET', '/_emulator/stats')) as { routes: Record<string, { count: number; errors: number }> };
  return stats.routes[route];
}

const addFault = (rule: Record<string, unknown>) => control('POST', '/_emulator/faults', { rules: [rule] });

async function failure(promise: Promise<unknown>): Promise<DefactoError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DefactoError);
    return error as DefactoError;
  }
  throw new Error('expected the call to fail');
}

const hook = (n: number): CreateWebhook => ({
  name: `hook ${n}`, to_url: `https://partner.example/hooks/${n}?token=t`, event_types: ['Loan.CLOSED'],
});

describe('injected faults map to one class and one decision', () => {
  const rows: [string, Record<string, unknown>, new (...args: never[]) => DefactoError, RetryDecision][] = [
    ['a 500', { kind: 'status', status: 500 }, DefactoServerError, { kind: 'retry' }],
    ['a 502', { kind: 'status', status: 502 }, DefactoServerError, { kind: 'retry' }],
    ['a 503', { kind: 'status', status: 503 }, DefactoServerError, { kind: 'retry' }],
    ['a 504', { kind: 'status', status: 504 }, DefactoTimeoutError, { kind: 'retry' }],
    ['a 429 with Retry-After', { kind: 'rate_limit', retryAfterS: 2 }, DefactoRateLimitError, { kind: 'retry_after', delayMs: 2000 }],
    ['a connection reset', { kind: 'reset' }, DefactoNetworkError, { kind: 'retry' }],
  ];
  it.each(rows)('%s → %o, then the next call succeeds', async (_name, fault, Class, decision) => {
    const client = newClient();
    await addFault({ route: 'GET /webhooks', count: 1, ...fault });
    const error = await failure(client.webhooks.list().all());
    expect(error).toBeInstanceOf(Class);
    expect(error.pathTemplate).toBe('/webhooks');
    expect(classify(error)).toEqual(decision);
    await expect(client.webhooks.list().all()).resolves.toEqual([]);
  });

  it('latency past the client timeout → DefactoTimeoutError (retry)', async () => {
    await addFault({ route: 'GET /webhooks', kind: 'latency', latencyMs: 1_500, count: 1 });
    const error = await failure(newClient({ timeoutMs: 300 }).webhooks.list().all());
    expect(error).toBeInstanceOf(DefactoTimeoutError);
    expect(classify(error)).toEqual({ kind: 'retry' });
  });

  it('a lost response is a retryable network error although the server acted: look up before re-creating', async () => {
    const client = newClient();
    await addFault({ route: 'POST /webhooks', kind: 'lost_response', count: 1 });
    const error = await failure(client.webhooks.create(hook(1)));
    expect(error).toBeInstanceOf(DefactoNetworkError);
    expect(classify(error)).toEqual({ kind: 'retry' });
    await expect(client.webhooks.findByUrl(hook(1).to_url)).resolves.toMatchObject({ name: 'hook 1' });
  });
});

describe('problem responses', () => {
  it('a 422 exposes every invalid field', async () => {
    const invalid = { name: '', to_url: 'not a url', event_types: [] } as unknown as CreateWebhook;
    const error = await failure(newClient().webhooks.create(invalid));
    expect(error).toBeInstanceOf(DefactoValidationError);
    expect(error.invalidParams.map((p) => p.name)).toEqual(expect.arrayContaining(['name', 'to_url', 'event_types']));
    expect(classify(error)).toEqual({ kind: 'fail_fast' });
  });

  it('an unknown loan is a DefactoNotFoundError on the path template', async () => {
    const error = await failure(newClient().loans.get(randomUUID()));
    expect(error).toBeInstanceOf(DefactoNotFoundError);
    expect(error.pathTemplate).toBe('/loan/{loan_id}');
  });
});

describe('a full sandbox flow passes every wire schema', () => {
  it('business → borrower → invoice → loan → events, payments, credit lines', async () => {
    const client = newClient();
    expect(await client.hello()).toMatch(/\w/);
    const business = await client.sandbox.generateBusiness({ isBorrower: true });
    const borrower = await client.borrowers.create({ ...business, wait_for_ready: true });
    expect(borrower.identifier).toBe(business.identifier);
    await expect(client.borrowers.findByIdentifier(business.identifier)).resolves.toMatchObject({ id: borrower.id });

    const { iban } = await client.sandbox.generateIban({ scenario: 'SUCCESS' });
    expect(iban).toMatch(/^FR/);
    const generated = await client.sandbox.generateInvoice({
      scenario: 'SUCCESS', seller: { identifier: business.identifier, identifier_type: 'siren', name: business.name ?? null },
    });
    const invoice = await client.invoices.create(generated.invoice_creation_payload);
    const invoiceNumber = invoice.invoice_number ?? '';
    expect(invoiceNumber).not.toBe('');
    await expect(client.invoices.findByNumber(invoiceNumber)).resolves.toMatchObject({ id: invoice.id });

    const payload = generated.invoice_creation_payload;
    const loan = await client.loans.request({
      amount: payload.to_pay_amount ?? payload.total_amount ?? 0,
      loan_to: payload.to_account ?? { account_number: iban },
      to_pay_at: new Date().toISOString(),
      to_repay_at: payload.due_at ?? new Date(Date.now() + 30 * 86_400_000).toISOString(),
      invoice_ids: [String(invoice.id)],
      borrower: { identifier: business.identifier, identifier_type: 'siren' },
      salt_id: `test:${randomUUID()}`,
      auto_validate: true,
    });
    expect(loan.id).toBeTruthy();
    const again = await client.loans.get(loan.id);
    const events = await client.loans.events(loan.id);
    const listed = await client.loans.list({ id: [loan.id] }).all();
    const payments = await client.payments.list({ loan_id: [loan.id] }).all();
    const lines = await client.creditLines.list({ borrower: [business.identifier] }).all();
    // Instant timing + SUCCESS scenario: the loan runs to CLOSED; each read parsed with its schema.
    expect(again.status).toBe('CLOSED');
    expect(events.map((e) => e.status)).toContain('CLOSED');
    expect(listed.map((l) => l.id)).toEqual([loan.id]);
    expect(payments.map((p) => p.payment_type).sort()).toEqual(['LOAN_PAYMENT', 'REPAYMENT_FULL']);
    expect(lines).toHaveLength(1);
  });
});

describe('pagination against the emulator', () => {
  it('the iterator walks 3 pages of borrowers with page_size 2', async () => {
    const client = newClient();
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const business = await client.sandbox.generateBusiness();
      created.push((await client.borrowers.create(business)).identifier);
    }
    const pageSizes: number[] = [];
    for await (const page of client.borrowers.list({ page_size: 2 }).pages()) pageSizes.push(page.data.length);
    expect(pageSizes).toEqual([2, 2, 1]);
    const all = await client.borrowers.list({ page_size: 2 }).all();
    expect(all.map((b) => b.identifier).sort()).toEqual([...created].sort());
  });
});

describe('standalone retry mode against the emulator', () => {
  const standalone = { retry: 'standalone' as const, backoff: { baseDelayMs: 10, maxDelayMs: 50 } };

  it('retries a 503 then succeeds', async () => {
    const client = newClient(standalone);
    await control('DELETE', '/_emulator/stats');
    await addFault({ route: 'GET /webhooks', kind: 'status', status: 503, count: 1 });
    await expect(client.webhooks.list().all()).resolves.toEqual([]);
    expect((await routeStats('GET /webhooks'))?.count).toBe(2);
  });

  it('waits at least the Retry-After of a 429', async () => {
    const client = newClient(standalone);
    await addFault({ route: 'GET /webhooks', kind: 'rate_limit', retryAfterS: 1, count: 1 });
    const started = performance.now();
    await expect(client.webhooks.list().all()).resolves.toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('never retries a 422', async () => {
    const client = newClient(standalone);
    await control('DELETE', '/_emulator/stats');
    const invalid = { name: '', to_url: 'nope', event_types: [] } as unknown as CreateWebhook;
    expect(await failure(client.webhooks.create(invalid))).toBeInstanceOf(DefactoValidationError);
    expect((await routeStats('POST /webhooks'))?.count).toBe(1);
  });
});
