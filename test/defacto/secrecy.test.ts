/**
 * The API key never leaves the client: not through inspection, serialisation, errors of any class,
 * nor log lines written at debug level while calls fail and are retried.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto/client';
import { DefactoError } from '../../src/defacto/errors';
import { createLogger } from '../../src/logging';
import { loan, page } from './fixtures';
import { startStub, type Stub } from './stub-server';

const KEY = 'sk_test_SECRET_12345';

let stub: Stub;
beforeAll(async () => { stub = await startStub(); });
afterAll(async () => { await stub.close(); });

describe('the API key is never exposed', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug' }, { write: (line: string) => { lines.push(line); } });
  const makeClient = () => new DefactoClient({
    baseUrl: stub.url, apiKey: KEY, timeoutMs: 150, logger, retry: 'standalone', backoff: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });

  it('not by util.inspect or JSON.stringify of the client', () => {
    for (const c of [makeClient(), new DefactoClient({ baseUrl: `http://user:${KEY}@127.0.0.1:1/`, apiKey: KEY })]) {
      expect(inspect(c, { showHidden: true, depth: 10 })).not.toContain(KEY);
      expect(JSON.stringify(c)).not.toContain(KEY);
      expect(String(c)).not.toContain(KEY);
    }
    expect(inspect(makeClient())).toContain('DefactoClient');
  });

  it('not by errors of any class, nor by the log lines written meanwhile', async () => {
    const c = makeClient();
    const errors: unknown[] = [];
    const attempt = async (promise: Promise<unknown>) => { try { await promise; } catch (error) { errors.push(error); } };

    stub.script({ status: 422, body: { title: 'Unprocessable', status: 422, invalid_params: [{ name: 'amount', reason: 'required' }] } });
    await attempt(c.loans.get('l1'));
    stub.script({ status: 429, headers: { 'retry-after': '0' } });
    await attempt(c.loans.get('l1'));
    stub.script({ status: 500 });
    await attempt(c.loans.get('l1'));
    stub.script({ status: 401, body: { title: 'No valid API key provided', status: 401 } });
    await attempt(c.hello());
    stub.script({ drop: true });
    await attempt(c.loans.get('l1'));
    stub.script({ status: 200, body: loan('l1'), delayMs: 1_000 });
    await attempt(c.loans.get('l1'));
    stub.script({ status: 200, body: page([{ ...loan('l1'), status: KEY }]) });
    await attempt(c.loans.list().all());

    // The key really travelled on the wire, so its absence elsewhere is meaningful.
    expect(stub.seen.some((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(errors).toHaveLength(7);
    expect(new Set(errors.map((e) => (e as Error).name))).toEqual(new Set([
      'DefactoValidationError', 'DefactoRateLimitError', 'DefactoServerError', 'DefactoAuthError', 'DefactoNetworkError',
      'DefactoTimeoutError', 'DefactoContractError',
    ]));
    for (const error of errors) {
      expect(error).toBeInstanceOf(DefactoError);
      const e = error as DefactoError;
      for (const text of [e.message, String(e.stack), JSON.stringify(e), inspect(e, { showHidden: true, depth: 10 })]) {
        expect(text).not.toContain(KEY);
      }
      logger.error({ error: e.toJSON() }, 'defacto call failed');
    }
    expect(lines.length).toBeGreaterThan(7);
    expect(lines.some((l) => l.includes('retrying'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(KEY);
  });
});
