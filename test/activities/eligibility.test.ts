/**
 * The eligibility, translation and repay-now activities against the emulator over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eligibilityActivities, UNSUPPORTED_IDENTIFIER_TYPE } from '../../src/activities/eligibility';
import { DefactoBadRequestError, DefactoClient } from '../../src/defacto';
import { createLogger } from '../../src/logging';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';

let emulator: RunningEmulator;
let defacto: DefactoClient;
beforeAll(async () => {
  emulator = await startEmulator();
  defacto = new DefactoClient({ baseUrl: emulator.url, apiKey: `tenant-${randomUUID()}` });
});
afterAll(async () => {
  await emulator.close();
});

const quiet = createLogger({ level: 'silent' });

describe('checkEligibility', () => {
  it('reduces Defacto\'s answer to the verdict and the reason codes', async () => {
    const acts = eligibilityActivities(defacto, quiet, { language: 'en', repayNowCallbackUrl: 'https://app.example' });
    await defacto.sandbox.setBusinessEligibility({ business_identifier: { identifier: '552100554', identifier_type: 'siren' }, scenario: 'NOT_ELIGIBLE' });
    expect(await acts.checkEligibility({ identifier: '552100554', identifierType: 'siren' }))
      .toEqual({ isEligible: false, reasonCodes: ['DOES_NOT_MATCH_ELIGIBILITY_CRITERIA'] });
    expect(await acts.checkEligibility({ identifier: '732829320', identifierType: 'siren' })).toEqual({ isEligible: true, reasonCodes: [] });
  });

  it('refuses, without calling Defacto, an identifier type a borrower cannot have', async () => {
    const acts = eligibilityActivities(defacto, quiet, { language: 'en', repayNowCallbackUrl: 'https://app.example' });
    const error = await acts.checkEligibility({ identifier: 'ACME', identifierType: 'name' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: UNSUPPORTED_IDENTIFIER_TYPE, nonRetryable: true });
  });
});

describe('translateDenialCode', () => {
  it('answers in the configured language', async () => {
    const acts = eligibilityActivities(defacto, quiet, { language: 'es', repayNowCallbackUrl: 'https://app.example' });
    expect(await acts.translateDenialCode({ code: 'INVOICE_ALREADY_FINANCED' }))
      .toEqual({ code: 'INVOICE_ALREADY_FINANCED', language: 'es', text: 'Esta factura ya está financiada.' });
  });

  it('a code Defacto does not know comes back untranslated instead of failing the loan', async () => {
    const acts = eligibilityActivities(defacto, quiet, { language: 'en', repayNowCallbackUrl: 'https://app.example' });
    expect(await acts.translateDenialCode({ code: 'NOT_A_REAL_CODE' })).toEqual({ code: 'NOT_A_REAL_CODE', language: 'en', text: null });
  });
});

describe('repayNow', () => {
  it('is refused by Defacto when no loan waits for repayment (the failure is not hidden)', async () => {
    const acts = eligibilityActivities(defacto, quiet, { language: 'en', repayNowCallbackUrl: 'https://app.example' });
    const error = await acts.repayNow({ loanId: 'L1', amountCents: 1_000, workflowId: 'loan-ref-x', requestId: 'r1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefactoBadRequestError);
  });
});
