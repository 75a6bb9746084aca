/**
 * Reading Defacto's pre-eligibility answer (as its description of `POST /eligibility/borrower` says), the
 * reasons in words, and the default amount of an early-repayment link.
 */
import { describe, expect, it } from 'vitest';
import { isRepayable } from '../../src/domain/loan';
import { fullRepaymentCents } from '../../src/domain/summaries';
import { describeOutcome } from '../../src/domain/progress-report';
import { describeReasons, eligibilityVerdict } from '../../src/domain/reasons';

describe('eligibilityVerdict', () => {
  it('an eligible business is enrolled', () => {
    expect(eligibilityVerdict({ isEligible: true, reasonCodes: [] })).toEqual({ enrol: true, note: 'eligible' });
  });

  it('not eligible without reasons means "might be eligible once data is shared": enrolled', () => {
    expect(eligibilityVerdict({ isEligible: false, reasonCodes: [] })).toMatchObject({ enrol: true });
  });

  it('not eligible only for reasons the borrower can act on (OUTDATED_DATA, KYB_STATUS): enrolled, the reasons noted', () => {
    const verdict = eligibilityVerdict({ isEligible: false, reasonCodes: ['KYB_STATUS', 'OUTDATED_DATA'] });
    expect(verdict).toEqual({ enrol: true, note: 'eligible once the borrower acts (KYB_STATUS, OUTDATED_DATA)' });
  });

  it('any other reason declines, every distinct code kept in order', () => {
    expect(eligibilityVerdict({ isEligible: false, reasonCodes: ['KYB_STATUS', 'BUSINESS_RADIATED', 'BUSINESS_RADIATED'] }))
      .toEqual({ enrol: false, reasonCodes: ['KYB_STATUS', 'BUSINESS_RADIATED'] });
  });
});

describe('describeReasons', () => {
  it('gives each code with its text, or the code alone when Defacto has no translation', () => {
    expect(describeReasons([
      { code: 'BUSINESS_RADIATED', language: 'en', text: 'Business radiated.' },
      { code: 'SOMETHING_NEW', language: 'en', text: null },
    ])).toBe('BUSINESS_RADIATED: Business radiated.; SOMETHING_NEW');
  });
});

describe('describeOutcome of a declined financing', () => {
  it('names where it was declined and the reasons in words; an outcome without translations keeps its code', () => {
    expect(describeOutcome({
      status: 'DECLINED', loanId: null, denialReason: 'BUSINESS_RADIATED', declinedAt: 'ELIGIBILITY',
      reasons: [{ code: 'BUSINESS_RADIATED', source: 'eligibility', language: 'en', text: 'Business radiated.' }],
    })).toBe('DECLINED (ELIGIBILITY): BUSINESS_RADIATED: Business radiated.');
    expect(describeOutcome({ status: 'DECLINED', loanId: 'L1', denialReason: 'CREDIT_RISK_NOT_ELIGIBLE' })).toBe('DECLINED: CREDIT_RISK_NOT_ELIGIBLE');
  });
});

describe('early repayment', () => {
  it('is offered only for a disbursed loan waiting for repayment', () => {
    expect(isRepayable('TO_REPAY')).toBe(true);
    for (const status of ['TO_VALIDATE', 'VALIDATED', 'TO_REPAY_FEES', 'CLOSED', undefined] as const) expect(isRepayable(status), String(status)).toBe(false);
  });

  it('defaults to the principal plus the estimated fees, less what was already repaid', () => {
    expect(fullRepaymentCents({ amountCents: 100_000, feesEstimatedCents: 900, repaidAmountCents: 0 })).toBe(100_900);
    expect(fullRepaymentCents({ amountCents: 100_000, feesEstimatedCents: null, repaidAmountCents: 40_000 })).toBe(60_000);
    expect(fullRepaymentCents({ amountCents: 100_000, feesEstimatedCents: 900, repaidAmountCents: 200_000 })).toBe(1);
  });
});
