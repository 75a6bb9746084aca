/**
 * The one chokepoint from Defacto errors to Temporal failures, and the workflow retry policy that reads
 * the same retryability table as the client.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toApplicationFailure, createActivities } from '../../src/activities';
import {
  classify, DefactoClient, DefactoNetworkError, DefactoRateLimitError, DefactoServerError, DefactoValidationError,
  ERROR_CLASS_BY_TYPE, LoanStatusSchema, BorrowerStatusSchema, PaymentStatusSchema, ScenarioSchema,
} from '../../src/defacto';
import { DEFACTO_FAILURE_TYPES, type DefactoFailureDetails } from '../../src/domain/defacto-failures';
import { BORROWER_STATUSES, LOAN_STATUSES, PAYMENT_STATUSES, SCENARIOS } from '../../src/domain/loan';
import { createLogger } from '../../src/logging';
import { commandOptions, createOptions, readOptions } from '../../src/workflows/activity-options';
import { startEmulator } from '../helpers/emulator';
import { runActivity } from './activity-env';

const site = { method: 'POST', pathTemplate: '/loans' };

describe('DefactoError → ApplicationFailure', () => {
  it('a 422 becomes a non-retryable failure typed by its class, with only the safe problem fields', () => {
    const failure = toApplicationFailure(new DefactoValidationError('POST /loans failed with HTTP 422: Body validation failed', {
      ...site, status: 422, problemType: 'https://developers.getdefacto.com/reference/errors#validation_error',
      title: 'Unprocessable Entity', detail: 'Body validation failed', invalidParams: [{ name: 'to_repay_at', reason: 'field required' }],
    }));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('DefactoValidationError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{
      type: 'DefactoValidationError', message: 'POST /loans failed with HTTP 422: Body validation failed',
      status: 422, problemType: 'https://developers.getdefacto.com/reference/errors#validation_error', title: 'Unprocessable Entity',
      detail: 'Body validation failed', invalidParams: [{ name: 'to_repay_at', reason: 'field required' }], method: 'POST', pathTemplate: '/loans',
      retryAfterMs: null, code: null,
    } satisfies DefactoFailureDetails]);
  });

  it('a 429 with Retry-After is retryable after exactly that delay', () => {
    const failure = toApplicationFailure(new DefactoRateLimitError('rate limited', { ...site, status: 429, retryAfterMs: 2_000 }));
    expect(failure.type).toBe('DefactoRateLimitError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(2_000);
  });

  it('a 503 and a lost connection are retryable on the activity back-off', () => {
    for (const error of [
      new DefactoServerError('unavailable', { ...site, status: 503 }),
      new DefactoNetworkError('reset', { ...site, code: 'ECONNRESET' }),
    ]) {
      const failure = toApplicationFailure(error);
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBeUndefined();
    }
  });

  it('the workflow retry policies refuse exactly the failure types the client classifies as fail-fast', () => {
    const failFast = DEFACTO_FAILURE_TYPES.filter(
      (type) => classify(new ERROR_CLASS_BY_TYPE[type]('x', site)).kind === 'fail_fast',
    );
    for (const options of [readOptions, createOptions, commandOptions]) {
      expect([...(options.retry?.nonRetryableErrorTypes ?? [])].sort()).toEqual([...failFast].sort());
    }
  });

  it('the non-retryable list keeps the values and order recorded in existing workflow histories', () => {
    expect(readOptions.retry?.nonRetryableErrorTypes).toEqual([
      'DefactoValidationError', 'DefactoBadRequestError', 'DefactoAuthError', 'DefactoBusinessRefusalError',
      'DefactoNotFoundError', 'DefactoConflictError', 'DefactoContractError', 'DefactoUnexpectedError',
    ]);
  });

  it('domain status unions match the wire enums they mirror', () => {
    expect([...LOAN_STATUSES].sort()).toEqual([...LoanStatusSchema.options].sort());
    expect([...BORROWER_STATUSES].sort()).toEqual([...BorrowerStatusSchema.options].sort());
    expect([...PAYMENT_STATUSES].sort()).toEqual([...PaymentStatusSchema.options].sort());
    expect([...SCENARIOS].sort()).toEqual([...ScenarioSchema.options].sort());
  });

  it('an activity refused by Defacto fails with the class name and the problem type, never the API key', async () => {
    const emulator = await startEmulator();
    try {
      const apiKey = 'secret-key-never-shown';
      const activities = createActivities({
        defacto: new DefactoClient({ baseUrl: emulator.url, apiKey }), log: createLogger({ level: 'silent' }),
      });
      const error = await runActivity(activities.getLoan, { loanId: 'no-such-loan' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationFailure);
      const failure = error as ApplicationFailure;
      expect(failure.type).toBe('DefactoNotFoundError');
      expect(failure.nonRetryable).toBe(true);
      expect((failure.details?.[0] as DefactoFailureDetails).problemType).toMatch(/#not_found$/);
      expect(JSON.stringify({ message: failure.message, details: failure.details })).not.toContain(apiKey);
    } finally {
      await emulator.close();
    }
  });
});
