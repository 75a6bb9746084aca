import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  DefactoAuthError, DefactoBadRequestError, DefactoBusinessRefusalError, DefactoConflictError, DefactoError,
  DefactoNetworkError, DefactoNotFoundError, DefactoRateLimitError, DefactoServerError, DefactoTimeoutError,
  DefactoUnexpectedError, DefactoValidationError, contractError, errorFromResponse, errorFromTransport, formatIssuePath,
  parseRetryAfter,
} from '../../src/defacto/errors';
import { classify, isOutcomeUnknown } from '../../src/defacto/retry-policy';
import { PROBLEM_TYPE_BASE } from '../../src/defacto/wire';

const site = { method: 'GET', pathTemplate: '/loan/{loan_id}' };
const problem = (status: number, extra: Record<string, unknown> = {}) => ({
  type: `${PROBLEM_TYPE_BASE}some_error`, title: 'Title', status, detail: 'What went wrong', instance: '/loan/1', ...extra,
});

describe('errorFromResponse maps status + problem body + headers to one class', () => {
  it.each([
    [400, DefactoBadRequestError], [401, DefactoAuthError], [402, DefactoBusinessRefusalError], [403, DefactoAuthError],
    [404, DefactoNotFoundError], [408, DefactoTimeoutError], [409, DefactoConflictError], [422, DefactoValidationError],
    [429, DefactoRateLimitError], [500, DefactoServerError], [502, DefactoServerError], [503, DefactoServerError],
    [504, DefactoTimeoutError], [599, DefactoServerError],
  ])('HTTP %i → %o', (status, Class) => {
    const error = errorFromResponse({ ...site, status, body: problem(status), headers: {} });
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(DefactoError);
    expect(error.name).toBe(Class.name);
    expect(error.status).toBe(status);
  });

  it.each([[418], [302], [451], [100]])('an unlisted status %i falls into the catch-all', (status) => {
    expect(errorFromResponse({ ...site, status, body: undefined, headers: {} })).toBeInstanceOf(DefactoUnexpectedError);
  });

  it('keeps the problem type, title, detail and every invalid parameter', () => {
    const invalid = [{ name: 'to_repay_at', reason: 'field required' }, { name: 'amount', reason: 'must be > 0' }];
    const error = errorFromResponse({ ...site, status: 422, body: problem(422, { invalid_params: invalid }), headers: {} });
    expect(error.problemType).toBe(`${PROBLEM_TYPE_BASE}some_error`);
    expect(error.title).toBe('Title');
    expect(error.detail).toBe('What went wrong');
    expect(error.invalidParams).toEqual(invalid);
    expect(error.message).toContain('to_repay_at');
    expect(error.message).toContain('amount');
  });

  it('names the method and the path template, not the concrete URL', () => {
    const error = errorFromResponse({ ...site, status: 404, body: problem(404), headers: {} });
    expect(error.method).toBe('GET');
    expect(error.pathTemplate).toBe('/loan/{loan_id}');
    expect(error.message).toContain('GET /loan/{loan_id}');
  });

  it('never keeps a body that is not a problem document', () => {
    const body = { iban: 'FR7611111015593603018280926', name: 'Jane Doe' };
    const error = errorFromResponse({ ...site, status: 500, body: 'Jane Doe FR76 stack trace', headers: {} });
    const other = errorFromResponse({ ...site, status: 400, body: [body], headers: {} });
    for (const e of [error, other]) {
      const dump = JSON.stringify(e) + e.message + String(e.stack);
      expect(dump).not.toContain('Jane Doe');
      expect(dump).not.toContain('FR76');
    }
  });

  it('reads Retry-After in seconds, case-insensitively', () => {
    const error = errorFromResponse({ ...site, status: 429, body: undefined, headers: { 'Retry-After': '3' } });
    expect(error.retryAfterMs).toBe(3000);
  });

  it('reads Retry-After as an HTTP-date relative to now', () => {
    const now = Date.parse('2024-05-02T09:00:00Z');
    const error = errorFromResponse({
      ...site, status: 503, body: undefined, headers: { 'retry-after': 'Thu, 02 May 2024 09:00:07 GMT' }, nowMs: now,
    });
    expect(error.retryAfterMs).toBe(7000);
  });

  it('toJSON is the one safe-details shape: the same keys for every failure, absent values null', () => {
    const keys = ['code', 'detail', 'invalidParams', 'message', 'method', 'pathTemplate', 'problemType', 'retryAfterMs', 'status', 'title', 'type'];
    const limited = errorFromResponse({ ...site, status: 429, body: problem(429), headers: { 'retry-after': '2' } });
    expect(Object.keys(limited.toJSON()).sort()).toEqual(keys);
    expect(limited.toJSON()).toMatchObject({ type: 'DefactoRateLimitError', status: 429, retryAfterMs: 2000, code: null });
    const reset = errorFromTransport(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), site);
    expect(Object.keys(reset.toJSON()).sort()).toEqual(keys);
    expect(reset.toJSON()).toMatchObject({ type: 'DefactoNetworkError', status: null, problemType: null, code: 'ECONNRESET' });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-02T09:00:00Z');
  it.each([
    ['0', 0], ['1', 1000], ['120', 120_000], [' 2 ', 2000], ['1.5', 1500],
    ['Thu, 02 May 2024 09:01:00 GMT', 60_000], ['Thu, 02 May 2024 08:00:00 GMT', 0],
  ])('%j → %i ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
  it.each([[undefined], [''], ['soon'], ['-1']])('%j → undefined', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('errorFromTransport maps transport failures', () => {
  it.each([['ECONNRESET'], ['ECONNREFUSED'], ['EPIPE']])('%s → DefactoNetworkError with the code', (code) => {
    const error = errorFromTransport(Object.assign(new Error(`read ${code}`), { code, name: 'RequestError' }), site);
    expect(error).toBeInstanceOf(DefactoNetworkError);
    expect(error.code).toBe(code);
  });

  it('"socket hang up" → DefactoNetworkError', () => {
    expect(errorFromTransport(new Error('socket hang up'), site)).toBeInstanceOf(DefactoNetworkError);
  });

  it.each([
    [new undiciErrors.ConnectTimeoutError(), 'connect'],
    [new undiciErrors.HeadersTimeoutError(), 'headers'],
    [new undiciErrors.BodyTimeoutError(), 'body'],
  ])("undici's %s → DefactoTimeoutError naming the phase, outcome unknown", (undiciError, phase) => {
    const error = errorFromTransport(undiciError, site);
    expect(error).toBeInstanceOf(DefactoTimeoutError);
    expect(error.message).toContain(`'${phase}'`);
    expect(error.code).toBe((undiciError as { code: string }).code);
    expect(isOutcomeUnknown(error)).toBe(true);
    expect(classify(error)).toEqual({ kind: 'retry' });
  });

  it('an aborted signal with a TimeoutError → DefactoTimeoutError', () => {
    expect(errorFromTransport(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), site)).toBeInstanceOf(DefactoTimeoutError);
  });

  it.each([
    [new undiciErrors.SocketError('other side closed')],
    [new undiciErrors.ResponseContentLengthMismatchError()],
  ])("undici's %s (a lost or truncated response) → DefactoNetworkError, outcome unknown", (undiciError) => {
    const error = errorFromTransport(undiciError, site);
    expect(error).toBeInstanceOf(DefactoNetworkError);
    expect(error.code).toBe((undiciError as { code: string }).code);
    expect(isOutcomeUnknown(error)).toBe(true);
  });

  it('a refused connection is a network error whose outcome is known (nothing was sent)', () => {
    const error = errorFromTransport(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), site);
    expect(error).toBeInstanceOf(DefactoNetworkError);
    expect(isOutcomeUnknown(error)).toBe(false);
  });

  it('anything else → DefactoUnexpectedError, without keeping the original error', () => {
    const original = Object.assign(new Error('weird'), { options: { headers: { authorization: 'Bearer sk_x' } } });
    const error = errorFromTransport(original, site);
    expect(error).toBeInstanceOf(DefactoUnexpectedError);
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain('sk_x');
  });

  it('a DefactoError passes through unchanged', () => {
    const error = new DefactoConflictError('x', site);
    expect(errorFromTransport(error, site)).toBe(error);
  });
});

describe('contract errors', () => {
  it('format issue paths as data[2].status', () => {
    expect(formatIssuePath(['data', 2, 'status'])).toBe('data[2].status');
    expect(formatIssuePath([])).toBe('(root)');
  });

  it('name the field paths but not the values', () => {
    const error = contractError(site, 'LoanAPI', [
      { code: 'invalid_value', path: ['data', 2, 'status'], message: 'Invalid input: got "SECRET_VALUE"', values: ['A'], input: 'SECRET_VALUE' },
    ]);
    expect(error.message).toContain('data[2].status');
    expect(error.message).not.toContain('SECRET_VALUE');
    expect(JSON.stringify(error)).not.toContain('SECRET_VALUE');
  });
});
