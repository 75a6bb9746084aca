/**
 * The lifecycle state written once: continue-as-new carries every field, `progressQuery` shows every
 * fact, and a run continued by older code (which carried fewer fields) starts the missing ones from
 * their defaults.
 */
import { describe, expect, it } from 'vitest';
import { initialLoanFacts } from '../../src/domain/loan';
import type { LoanSnapshot } from '../../src/domain/summaries';
import { LifecycleState, type CarriedState } from '../../src/workflows/lifecycle-state';
import { RunPatches } from '../../src/workflows/patches';

const loan: LoanSnapshot = {
  id: 'L1', status: 'TO_REPAY', amountCents: 100_000, currency: 'EUR', feesEstimatedCents: 900, toPayAt: '2026-01-02T00:00:00.000Z',
  toRepayAt: '2026-02-01T00:00:00.000Z', paidAt: '2026-01-02T00:00:01.000Z', closedAt: null, repaidAmountCents: 0,
  repaidNominalCents: 0, paidInterestsCents: 0, denialReason: null,
};
const creditLine = (balanceAvailableCents: number) => ({
  id: 'CL1', currency: 'EUR' as const, poolAmountCents: 5_000_000, balanceAvailableCents, feesDailyRate: 0.0003,
});

/** Every field set to something other than its default (the type makes sure none is forgotten). */
const EVERYTHING_SET: CarriedState = {
  steps: { ...initialLoanFacts().steps, BORROWER_REGISTERED: { status: 'DONE', startedAt: '2026-01-01T00:00:00.000Z', completedAt: '2026-01-01T00:00:01.000Z', note: 'n' } },
  borrower: { id: 'B1', identifier: '123456789', identifierType: 'siren', name: 'ACME', status: 'READY', statusReason: null, signedAt: '2026-01-01T00:00:00.000Z' },
  contract: { available: true, expiresAt: '2026-01-01T01:00:00.000Z' },
  invoice: {
    id: 'I1', invoiceNumber: 'INV-1', status: 'VERIFIED', amountCents: 100_000, currency: 'EUR', issuedAt: '2026-01-01T00:00:00.000Z',
    dueAt: '2026-02-01T00:00:00.000Z', sellerIdentifier: '123456789', buyerIdentifier: '987654321',
  },
  loan,
  review: {
    mode: 'operator', withinPolicy: false, reasons: ['fee rate above policy'], feeRatePercent: 2.5, durationDays: 30,
    deadlineAt: '2026-01-03T00:00:00.000Z', decision: 'approved', decidedBy: 'operator',
  },
  awaitingOperator: true,
  creditLineBefore: creditLine(4_000_000),
  creditLineAfter: creditLine(4_100_000),
  repaymentLate: true,
  polls: 17,
  lastPolledAt: '2026-01-20T00:00:00.000Z',
  eventsSeen: 3,
  runs: 2,
  refusedCancellations: [{ at: '2026-01-05T00:00:00.000Z', loanStatus: 'TO_REPAY', reason: 'r' }],
  eligibility: { isEligible: false, reasonCodes: ['KYB_STATUS'] },
  reasons: [{ code: 'KYB_STATUS', language: 'fr', text: 'KYB en cours.', source: 'eligibility' }],
  earlyRepayments: [{ requestId: 'op-1', amountCents: 100_900, requestedAt: '2026-01-10T00:00:00.000Z' }],
  borrowerCountry: 'FRA',
  creditLineBeforeChecked: true,
  seenEventKeys: ['L1|Loan.TO_REPAY|TO_REPAY|t1', 'L1|Loan.VALIDATED|VALIDATED|t0'],
  attempt: 4,
  backoffPhase: 'TO_REPAY:not-due',
  cancelRequestedBy: 'operator',
  cancelReason: 'changed their mind',
};

describe('the lifecycle state across continue-as-new', () => {
  it('the sample sets every field of a fresh state to something else', () => {
    const fresh = new LifecycleState('loan-ref-x', RunPatches.ofNewRun()).carry() as unknown as Record<string, unknown>;
    expect(Object.keys(EVERYTHING_SET).sort()).toEqual(Object.keys(fresh).sort());
    for (const [key, value] of Object.entries(EVERYTHING_SET)) expect(value, key).not.toEqual(fresh[key]);
  });

  it('every field survives continue-as-new, run after run (only the run count moves)', () => {
    const first = new LifecycleState('loan-ref-x', RunPatches.ofNewRun(), EVERYTHING_SET);
    const second = new LifecycleState('loan-ref-x', RunPatches.ofNewRun(), first.carry());
    const carried = second.carry() as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(EVERYTHING_SET)) {
      expect(carried[key], key).toEqual(key === 'runs' ? EVERYTHING_SET.runs + 2 : value);
    }
  });

  it('the progress query shows every carried fact in the next run, the credit line after the loan included', () => {
    const first = new LifecycleState('loan-ref-x', RunPatches.ofNewRun(), EVERYTHING_SET);
    const next = new LifecycleState('loan-ref-x', RunPatches.ofNewRun(), first.carry()).progress();
    expect(next).toEqual({ ...first.progress(), runs: first.progress().runs + 1 });
    expect(next.creditLineAfter).toEqual(creditLine(4_100_000));
  });

  it('the progress query shows facts only, never the bookkeeping (event keys, cancel reason)', () => {
    const progress = new LifecycleState('loan-ref-x', RunPatches.ofNewRun(), EVERYTHING_SET).progress() as unknown as Record<string, unknown>;
    for (const key of ['seenEventKeys', 'cancelReason', 'cancelRequestedBy', 'borrowerCountry', 'attempt', 'backoffPhase', 'creditLineBeforeChecked']) {
      expect(progress, key).not.toHaveProperty(key);
    }
    expect(Object.keys(progress).sort()).toEqual([...Object.keys(initialLoanFacts()), 'workflowId', 'currentStep', 'outcome'].sort());
  });

  it('a run continued by older code, which did not carry creditLineAfter, starts it from its default', () => {
    const { creditLineAfter: _dropped, ...older } = EVERYTHING_SET;
    const state = new LifecycleState('loan-ref-x', RunPatches.ofNewRun(), older);
    expect(state.progress().creditLineAfter).toBeNull();
    expect(state.carry().creditLineAfter).toBeNull();
    expect(state.progress().borrower).toEqual(EVERYTHING_SET.borrower);
  });

  it('a new lifecycle is the first run, with every step pending', () => {
    const progress = new LifecycleState('loan-ref-x', RunPatches.ofNewRun()).progress();
    expect(progress.runs).toBe(1);
    expect(progress.currentStep).toBe('BORROWER_REGISTERED');
    expect(Object.values(progress.steps).every((step) => step.status === 'PENDING')).toBe(true);
  });
});
