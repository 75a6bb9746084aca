import { describe, expect, it } from 'vitest';
import {
  DefactoAuthError, DefactoBadRequestError, DefactoBusinessRefusalError, DefactoConflictError, DefactoContractError,
  DefactoNetworkError, DefactoNotFoundError, DefactoRateLimitError, DefactoServerError, DefactoTimeoutError,
  DefactoUnexpectedError, DefactoValidationError, type DefactoError, type DefactoErrorInit,
} from '../../src/defacto/errors';
import {
  classify, DEFAULT_BACKOFF, isOutcomeUnknown, isRetryable, nextDelayMs, type RetryDecision,
} from '../../src/defacto/retry-policy';
import { ERROR_CLASS_BY_TYPE } from '../../src/defacto/errors';
import {
  DEFACTO_FAILURE_TYPES, NON_RETRYABLE_DEFACTO_FAILURES, RETRYABLE_DEFACTO_FAILURES,
} from '../../src/domain/defacto-failures';

const site = { method: 'POST', pathTemplate: '/loans' };
type Ctor = new (message: string, init: DefactoErrorInit) => DefactoError;
const make = (Class: Ctor, extra: Partial<DefactoErrorInit> = {}) => new Class('boom', { ...site, ...extra });

describe('classify: one decision per error class', () => {
  const rows: [string, DefactoError, RetryDecision][] = [
    ['422 validation fails fast', make(DefactoValidationError, { status: 422 }), { kind: 'fail_fast' }],
    ['400 bad request fails fast', make(DefactoBadRequestError, { status: 400 }), { kind: 'fail_fast' }],
    ['401 auth fails fast', make(DefactoAuthError, { status: 401 }), { kind: 'fail_fast' }],
    ['403 auth fails fast', make(DefactoAuthError, { status: 403 }), { kind: 'fail_fast' }],
    ['402 business refusal fails fast', make(DefactoBusinessRefusalError, { status: 402 }), { kind: 'fail_fast' }],
    ['404 not found fails fast', make(DefactoNotFoundError, { status: 404 }), { kind: 'fail_fast' }],
    ['409 conflict fails fast', make(DefactoConflictError, { status: 409 }), { kind: 'fail_fast' }],
    ['a contract mismatch fails fast', make(DefactoContractError, { status: 200 }), { kind: 'fail_fast' }],
    ['an unexpected status fails fast', make(DefactoUnexpectedError, { status: 418 }), { kind: 'fail_fast' }],
    ['a 4xx with Retry-After still fails fast', make(DefactoValidationError, { status: 422, retryAfterMs: 1000 }), { kind: 'fail_fast' }],
    ['429 without Retry-After is retried', make(DefactoRateLimitError, { status: 429 }), { kind: 'retry' }],
    ['429 with Retry-After is retried after that delay', make(DefactoRateLimitError, { status: 429, retryAfterMs: 1500 }), { kind: 'retry_after', delayMs: 1500 }],
    ['500 is retried', make(DefactoServerError, { status: 500 }), { kind: 'retry' }],
    ['502 is retried', make(DefactoServerError, { status: 502 }), { kind: 'retry' }],
    ['503 with Retry-After is retried after that delay', make(DefactoServerError, { status: 503, retryAfterMs: 2000 }), { kind: 'retry_after', delayMs: 2000 }],
    ['504 is retried', make(DefactoTimeoutError, { status: 504 }), { kind: 'retry' }],
    ['a client timeout is retried', make(DefactoTimeoutError, { code: 'ETIMEDOUT' }), { kind: 'retry' }],
    ['a reset connection is retried', make(DefactoNetworkError, { code: 'ECONNRESET' }), { kind: 'retry' }],
    ['a refused connection is retried', make(DefactoNetworkError, { code: 'ECONNREFUSED' }), { kind: 'retry' }],
  ];
  it.each(rows)('%s', (_name, error, expected) => {
    expect(classify(error)).toEqual(expected);
    expect(isRetryable(classify(error))).toBe(expected.kind !== 'fail_fast');
  });

  it('a non-Defacto error (a bug) fails fast', () => {
    expect(classify(new TypeError('x is undefined'))).toEqual({ kind: 'fail_fast' });
    expect(classify('a string')).toEqual({ kind: 'fail_fast' });
  });

  it('the retryable and non-retryable lists of the table partition every failure type and agree with classify', () => {
    expect(new Set([...RETRYABLE_DEFACTO_FAILURES, ...NON_RETRYABLE_DEFACTO_FAILURES]).size).toBe(DEFACTO_FAILURE_TYPES.length);
    for (const error of rows.map(([, e]) => e)) {
      expect(RETRYABLE_DEFACTO_FAILURES.includes(error.name as never)).toBe(isRetryable(classify(error)));
    }
  });

  it('each failure type of the table has a class that carries that name', () => {
    for (const type of DEFACTO_FAILURE_TYPES) {
      expect(new ERROR_CLASS_BY_TYPE[type]('x', site).name).toBe(type);
    }
  });
});

describe('isOutcomeUnknown: may Defacto have acted on a failed request?', () => {
  it.each([
    ['a timeout', make(DefactoTimeoutError, { status: 504 }), true],
    ['a reset connection (lost response)', make(DefactoNetworkError, { code: 'ECONNRESET' }), true],
    ['a 500', make(DefactoServerError, { status: 500 }), true],
    ['a refused connection', make(DefactoNetworkError, { code: 'ECONNREFUSED' }), false],
    ['a 503', make(DefactoServerError, { status: 503 }), false],
    ['a 429', make(DefactoRateLimitError, { status: 429 }), false],
    ['a 422', make(DefactoValidationError, { status: 422 }), false],
  ])('%s → %s', (_name, error, expected) => {
    expect(isOutcomeUnknown(error)).toBe(expected);
  });
});

describe('nextDelayMs: capped exponential back-off for the standalone mode', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300, maxRetryAfterMs: 10_000 };
  const noJitter = () => 1;

  it('doubles from the base delay and stops at the cap', () => {
    const delays = [1, 2, 3, 4].map((attempt) => nextDelayMs({ kind: 'retry' }, attempt, policy, noJitter));
    expect(delays).toEqual([100, 200, 300, 300]);
  });

  it('jitters between half and all of the exponential delay', () => {
    expect(nextDelayMs({ kind: 'retry' }, 2, policy, () => 0)).toBe(100);
    expect(nextDelayMs({ kind: 'retry' }, 2, policy, () => 1)).toBe(200);
  });

  it('uses a server-given delay as is', () => {
    expect(nextDelayMs({ kind: 'retry_after', delayMs: 5_000 }, 1, policy, noJitter)).toBe(5_000);
  });

  it('gives up when the server asks to wait longer than the cap', () => {
    expect(nextDelayMs({ kind: 'retry_after', delayMs: 60_000 }, 1, policy, noJitter)).toBeUndefined();
  });

  it('gives up after the last attempt and on fail-fast decisions', () => {
    expect(nextDelayMs({ kind: 'retry' }, 5, policy, noJitter)).toBeUndefined();
    expect(nextDelayMs({ kind: 'fail_fast' }, 1, policy, noJitter)).toBeUndefined();
  });

  it('defaults to four attempts', () => {
    expect(DEFAULT_BACKOFF.maxAttempts).toBe(4);
  });
});
