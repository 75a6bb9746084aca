/**
 * Pure HTTP behaviours of the client against a scripted stub: status mapping, Retry-After, contract
 * checks, pagination shapes, dropped connections, timeouts and the standalone retry mode.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DefactoClient, type DefactoClientOptions } from '../../src/defacto/client';
import {
  DefactoAuthError, DefactoBadRequestError, DefactoBusinessRefusalError, DefactoConflictError, DefactoContractError,
  DefactoNetworkError, DefactoNotFoundError, DefactoRateLimitError, DefactoServerError, DefactoTimeoutError,
  DefactoUnexpectedError, DefactoValidationError, type DefactoError,
} from '../../src/defacto/errors';
import { classify } from '../../src/defacto/retry-policy';
import { PROBLEM_TYPE_BASE } from '../../src/defacto/wire';
import { borrower, invoice, loan, page, webhook } from './fixtures';
import { startStub, type Stub } from './stub-server';

let stub: Stub;
beforeAll(async () => { stub = await startStub(); });
afterAll(async () => { await stub.close(); });
beforeEach(() => { stub.script({ status: 200, body: {} }); });

const client = (extra: Partial<DefactoClientOptions> = {}) =>
  new DefactoClient({ baseUrl: stub.url, apiKey: 'sk_test_stub', timeoutMs: 2_000, ...extra });

async function failure(promise: Promise<unknown>): Promise<DefactoError> {
  try {
    await promise;
  } catch (error) {
    return error as DefactoError;
  }
  throw new Error('expected the call to fail');
}

const problem = (status: number) => ({ type: `${PROBLEM_TYPE_BASE}x`, title: 't', status, detail: 'd' });

describe('requests', () => {
  it('carries the API key as a Bearer token', async () => {
    stub.script({ status: 200, body: 'Hello from Defacto API!' });
    await expect(client().hello()).resolves.toBe('Hello from Defacto API!');
    expect(stub.seen[0]?.authorization).toBe('Bearer sk_test_stub');
  });

  it('encodes path parameters and repeats array query keys', async () => {
    stub.script({ status: 200, body: page([]) });
    await client().payments.list({ loan_id: ['a', 'b'], status: ['PAID'] }).all();
    expect(stub.seen[0]?.url).toBe('/payments?loan_id=a&loan_id=b&status=PAID');
    stub.script({ status: 200, body: loan('x/y') });
    await client().loans.get('x/y');
    expect(stub.seen[0]?.url).toBe('/loan/x%2Fy');
  });

  it('sends the JSON body and reads a 201', async () => {
    stub.script({ status: 201, body: webhook('w1', 'https://example.test/hook') });
    const created = await client().webhooks.create({ name: 'n', to_url: 'https://example.test/hook', event_types: ['Loan.CLOSED'] });
    expect(created.id).toBe('w1');
    expect(stub.seen[0]?.body).toEqual({ name: 'n', to_url: 'https://example.test/hook', event_types: ['Loan.CLOSED'] });
  });

  it('treats a 204 as success without a body', async () => {
    stub.script({ status: 204 });
    await expect(client().webhooks.delete('w1')).resolves.toBeUndefined();
    expect(stub.seen[0]?.method).toBe('DELETE');
  });
});

describe('status mapping over HTTP', () => {
  it.each([
    [400, DefactoBadRequestError], [401, DefactoAuthError], [402, DefactoBusinessRefusalError], [403, DefactoAuthError],
    [404, DefactoNotFoundError], [409, DefactoConflictError], [422, DefactoValidationError], [429, DefactoRateLimitError],
    [500, DefactoServerError], [502, DefactoServerError], [503, DefactoServerError], [504, DefactoTimeoutError],
    [418, DefactoUnexpectedError], [302, DefactoUnexpectedError],
  ])('HTTP %i → %o with method and path template', async (status, Class) => {
    stub.script({ status, body: problem(status) });
    const error = await failure(client().loans.validate('loan-1'));
    expect(error).toBeInstanceOf(Class);
    expect(error.method).toBe('POST');
    expect(error.pathTemplate).toBe('/loan/{loan_id}/validate');
  });

  it('a 422 exposes every invalid field', async () => {
    const invalid = [{ name: 'amount', reason: 'required' }, { name: 'loan_to.account_number', reason: 'required' }];
    stub.script({ status: 422, body: { ...problem(422), invalid_params: invalid } });
    const error = await failure(client().webhooks.create({ name: 'n', to_url: 'https://e.test', event_types: ['Loan.CLOSED'] }));
    expect(error).toBeInstanceOf(DefactoValidationError);
    expect(error.invalidParams).toEqual(invalid);
  });

  it('a 429 with Retry-After seconds is retried after that delay', async () => {
    stub.script({ status: 429, headers: { 'retry-after': '7' } });
    const error = await failure(client().loans.get('l1'));
    expect(error).toBeInstanceOf(DefactoRateLimitError);
    expect(classify(error)).toEqual({ kind: 'retry_after', delayMs: 7000 });
  });

  it('a 503 with an HTTP-date Retry-After is retried after roughly that delay', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    stub.script({ status: 503, headers: { 'retry-after': at } });
    const decision = classify(await failure(client().loans.get('l1')));
    expect(decision.kind).toBe('retry_after');
    expect(decision.kind === 'retry_after' && decision.delayMs).toBeGreaterThan(25_000);
  });
});

describe('response contract', () => {
  it('a mismatching field fails with a contract error naming its path, not its value', async () => {
    const bad = { ...loan('l3'), status: 'SECRET_STATUS_VALUE' };
    stub.script({ status: 200, body: page([loan('l1'), loan('l2'), bad]) });
    const error = await failure(client().loans.list().all());
    expect(error).toBeInstanceOf(DefactoContractError);
    expect(error.message).toContain('data[2].status');
    expect(error.message + JSON.stringify(error) + String(error.stack)).not.toContain('SECRET_STATUS_VALUE');
    expect(classify(error)).toEqual({ kind: 'fail_fast' });
  });

  it('a 2xx body that is not JSON is a contract error', async () => {
    stub.script({ status: 200, body: 'not json' });
    expect(await failure(client().loans.get('l1'))).toBeInstanceOf(DefactoContractError);
  });

  it('unknown response keys are tolerated and stripped', async () => {
    stub.script({ status: 200, body: { ...loan('l1'), brand_new_field: 1 } });
    const got = await client().loans.get('l1');
    expect(got.id).toBe('l1');
    expect('brand_new_field' in got).toBe(false);
  });

  it('a response without id (errata 9) still parses', async () => {
    stub.script({ status: 200, body: { identifier: '123456789' } });
    await expect(client().borrowers.get('b1')).resolves.toMatchObject({ identifier: '123456789' });
  });
});

describe('pagination', () => {
  const pages = (first: string) => (req: { url: string }) => {
    const cursor = new URL(req.url, 'http://x').searchParams.get('cursor');
    if (cursor === null) return { status: 200, body: page([borrower('b1', '1'), borrower('b2', '2')], first) };
    if (cursor === 'c2') return { status: 200, body: page([borrower('b3', '3'), borrower('b4', '4')], 'c3') };
    return { status: 200, body: page([borrower('b5', '5')], null) };
  };

  it.each([
    ['a relative URL', '/borrowers?page_size=2&cursor=c2'],
    ['an absolute URL (on another host: only the cursor is used)', 'https://elsewhere.example/borrowers?cursor=c2'],
    ['a bare cursor', 'c2'],
  ])('follows next_page given as %s, keeping filters, through 3 pages', async (_kind, first) => {
    stub.script(pages(first));
    const items = await client().borrowers.list({ page_size: 2, from_signed_at: '2024-01-01T00:00:00Z' }).all();
    expect(items.map((b) => b.id)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    expect(stub.seen).toHaveLength(3);
    for (const req of stub.seen) expect(req.url).toContain('page_size=2');
    expect(stub.seen[1]?.url).toContain('cursor=c2');
    expect(stub.seen[2]?.url).toContain('cursor=c3');
  });

  it('exposes the pages themselves', async () => {
    stub.script(pages('c2'));
    const counts: number[] = [];
    for await (const p of client().borrowers.list().pages()) counts.push(p.count);
    expect(counts).toEqual([2, 2, 1]);
  });

  it('stops fetching once a look-up has found its item', async () => {
    stub.script(pages('c2'));
    const found = await client().borrowers.findByIdentifier('2');
    expect(found?.id).toBe('b2');
    expect(stub.seen).toHaveLength(1);
    expect(stub.seen[0]?.url).toBe('/borrowers?borrower_identifier=2');
  });

  it('a repeated cursor is a contract error, not an endless loop', async () => {
    stub.script({ status: 200, body: page([borrower('b1', '1')], 'same') });
    expect(await failure(client().borrowers.list().all())).toBeInstanceOf(DefactoContractError);
    expect(stub.seen).toHaveLength(2);
  });

  it('a next_page link without a cursor is a contract error', async () => {
    stub.script({ status: 200, body: page([borrower('b1', '1')], '/borrowers?page_size=2') });
    expect(await failure(client().borrowers.list().all())).toBeInstanceOf(DefactoContractError);
  });

  it('loan events are collected across all pages', async () => {
    const event = (status: string) => ({ entity_type: 'loan', status, timestamp: '2024-05-02T09:00:00+00:00' });
    stub.script(
      { status: 200, body: page([event('SUBMITTED')], '/loan/l1/events?cursor=e2') },
      { status: 200, body: page([event('PENDING_VALIDATION')], null) },
    );
    const events = await client().loans.events('l1');
    expect(events.map((e) => e.status)).toEqual(['SUBMITTED', 'PENDING_VALIDATION']);
  });
});

describe('natural-key look-ups', () => {
  it('findByNumber keeps only exact, non-deleted invoice numbers from the free-text search', async () => {
    stub.script({
      status: 200,
      body: page([invoice('i1', 'FK-INVOICE-1b05c2-2'), invoice('i2', 'FK-INVOICE-1b05c2', 'DELETED'), invoice('i3', 'FK-INVOICE-1b05c2')]),
    });
    const found = await client().invoices.findByNumber('FK-INVOICE-1b05c2');
    expect(found?.id).toBe('i3');
    expect(stub.seen[0]?.url).toBe('/invoices?query=FK-INVOICE-1b05c2');
  });

  it('findByIdentifier returns undefined when nothing matches exactly', async () => {
    stub.script({ status: 200, body: page([borrower('b1', '1234567890')]) });
    await expect(client().borrowers.findByIdentifier('123456789')).resolves.toBeUndefined();
  });

  it('findByUrl walks the webhook pages', async () => {
    stub.script(
      { status: 200, body: page([webhook('w1', 'https://a.test')], 'n2') },
      { status: 200, body: page([webhook('w2', 'https://b.test')], null) },
    );
    await expect(client().webhooks.findByUrl('https://b.test')).resolves.toMatchObject({ id: 'w2' });
  });
});

describe('transport failures', () => {
  it('a dropped connection is a retryable network error', async () => {
    stub.script({ drop: true });
    const error = await failure(client().loans.get('l1'));
    expect(error).toBeInstanceOf(DefactoNetworkError);
    expect(classify(error)).toEqual({ kind: 'retry' });
  });

  it('a response slower than the timeout is a retryable timeout error', async () => {
    stub.script({ status: 200, body: loan('l1'), delayMs: 1_500 });
    const error = await failure(client({ timeoutMs: 150 }).loans.get('l1'));
    expect(error).toBeInstanceOf(DefactoTimeoutError);
    expect(classify(error)).toEqual({ kind: 'retry' });
  });

  it('a refused connection is a network error with code ECONNREFUSED', async () => {
    const closed = await startStub();
    const url = closed.url;
    await closed.close();
    const error = await failure(new DefactoClient({ baseUrl: url, apiKey: 'k' }).hello());
    expect(error).toBeInstanceOf(DefactoNetworkError);
    expect(error.code).toBe('ECONNREFUSED');
  });
});

describe('responses that break off mid-way (raw server)', () => {
  /** A server whose every response is written by `respond`; counts the TCP connections it accepted. */
  async function rawServer(respond: (res: ServerResponse) => void) {
    const server = createServer((_req, res) => respond(res));
    let connections = 0;
    server.on('connection', () => { connections += 1; });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: () => connections,
      close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    };
  }

  it('a body that stalls longer than the timeout is a timeout error', async () => {
    const server = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id":');
    });
    try {
      const error = await failure(new DefactoClient({ baseUrl: server.url, apiKey: 'k', timeoutMs: 150 }).loans.get('l1'));
      expect(error).toBeInstanceOf(DefactoTimeoutError);
      expect(classify(error)).toEqual({ kind: 'retry' });
    } finally {
      await server.close();
    }
  });

  it('a body that keeps trickling in is cut at the total timeout, not only at a silent gap', async () => {
    const timers: NodeJS.Timeout[] = [];
    const server = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      timers.push(setInterval(() => res.write(' '), 40));
    });
    try {
      const started = performance.now();
      const error = await failure(new DefactoClient({ baseUrl: server.url, apiKey: 'k', timeoutMs: 300 }).loans.get('l1'));
      expect(error).toBeInstanceOf(DefactoTimeoutError);
      expect(error.message).toContain("'request'");
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      for (const timer of timers) clearInterval(timer);
      await server.close();
    }
  });

  it('a response cut short is a network error whose outcome is unknown', async () => {
    const server = await rawServer((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.end('{"id":');
      res.socket?.destroy();
    });
    try {
      const error = await failure(new DefactoClient({ baseUrl: server.url, apiKey: 'k', timeoutMs: 2_000 }).loans.get('l1'));
      expect(error).toBeInstanceOf(DefactoNetworkError);
      expect(classify(error)).toEqual({ kind: 'retry' });
    } finally {
      await server.close();
    }
  });

  it('sequential calls of one client reuse kept-alive connections, error answers included', async () => {
    let n = 0;
    const server = await rawServer((res) => {
      n += 1;
      const status = n % 2 === 0 ? 503 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? loan('l1') : problem(503)));
    });
    try {
      const c = new DefactoClient({ baseUrl: server.url, apiKey: 'k', timeoutMs: 2_000 });
      for (let i = 0; i < 3; i += 1) {
        await expect(c.loans.get('l1')).resolves.toMatchObject({ id: 'l1' });
        expect(await failure(c.loans.get('l1'))).toBeInstanceOf(DefactoServerError);
      }
      // The pool may open a second socket while the first is being handed back; never one per call.
      expect(server.connections()).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });

  it('a base URL with a path prefix keeps it in front of every path', async () => {
    const urls: string[] = [];
    const server = await rawServer((res) => {
      urls.push(res.req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(loan('l1')));
    });
    try {
      await new DefactoClient({ baseUrl: `${server.url}/api/v1/`, apiKey: 'k' }).loans.get('l 1');
      expect(urls).toEqual(['/api/v1/loan/l%201']);
    } finally {
      await server.close();
    }
  });
});

describe("standalone retry mode (off by default)", () => {
  const fast = { retry: 'standalone' as const, backoff: { baseDelayMs: 5, maxDelayMs: 20 } };

  it('by default a 503 is not retried', async () => {
    stub.script({ status: 503 }, { status: 200, body: loan('l1') });
    expect(await failure(client().loans.get('l1'))).toBeInstanceOf(DefactoServerError);
    expect(stub.seen).toHaveLength(1);
  });

  it('retries a 503 then succeeds', async () => {
    stub.script({ status: 503 }, { status: 200, body: loan('l1') });
    await expect(client(fast).loans.get('l1')).resolves.toMatchObject({ id: 'l1' });
    expect(stub.seen).toHaveLength(2);
  });

  it('never retries a 422', async () => {
    stub.script({ status: 422, body: problem(422) }, { status: 200, body: loan('l1') });
    expect(await failure(client(fast).loans.get('l1'))).toBeInstanceOf(DefactoValidationError);
    expect(stub.seen).toHaveLength(1);
  });

  it('gives up after maxAttempts and throws the last error', async () => {
    stub.script({ status: 502 });
    expect(await failure(client({ ...fast, backoff: { ...fast.backoff, maxAttempts: 3 } }).loans.get('l1'))).toBeInstanceOf(DefactoServerError);
    expect(stub.seen).toHaveLength(3);
  });

  it('replays a lost POST /loans carrying a salt_id', async () => {
    stub.script({ drop: true }, { status: 201, body: loan('l1', 'PENDING_VALIDATION') });
    const body = {
      amount: 12_000, loan_to: { account_number: 'FR76' }, to_pay_at: '2024-05-02T09:00:00Z', to_repay_at: '2024-06-01T00:00:00Z',
      salt_id: 'wf-1:requestLoan',
    };
    await expect(client(fast).loans.request(body)).resolves.toMatchObject({ id: 'l1' });
    expect(stub.seen).toHaveLength(2);
  });

  it('does not replay a POST /borrowers whose outcome is unknown (no idempotency key)', async () => {
    stub.script({ status: 500 }, { status: 201, body: borrower('b1', '1') });
    expect(await failure(client(fast).borrowers.create({ identifier: '1' }))).toBeInstanceOf(DefactoServerError);
    expect(stub.seen).toHaveLength(1);
  });

  it('does retry a POST /borrowers refused with 429 (not processed)', async () => {
    stub.script({ status: 429, headers: { 'retry-after': '0' } }, { status: 201, body: borrower('b1', '1') });
    await expect(client(fast).borrowers.create({ identifier: '1' })).resolves.toMatchObject({ id: 'b1' });
    expect(stub.seen).toHaveLength(2);
  });
});
