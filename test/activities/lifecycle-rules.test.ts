/**
 * Pure rules of the lifecycle: the request schema and its defaults, deterministic identities, the
 * acceptance policy, and the poll schedule that keeps a 90-day wait cheap.
 */
import { describe, expect, it } from 'vitest';
import { generatedInvoiceNumber, loanSaltId, loanWorkflowId, MissingRequestReferenceError } from '../../src/domain/ids';
import type { LoanSnapshot } from '../../src/domain/summaries';
import { feeRatePercent, formatMoney } from '../../src/domain/money';
import { evaluateOffer } from '../../src/domain/policy';
import { parseLoanRequest, type LoanRequest } from '../../src/domain/schemas';
import { LifecycleState } from '../../src/workflows/lifecycle-state';
import { RunPatches } from '../../src/workflows/patches';
import { nextPollDelay } from '../../src/workflows/poll-schedule';

const DAY_MS = 86_400_000;

function parsed(input: unknown): LoanRequest {
  const result = parseLoanRequest(input);
  if (!result.ok) throw result.error;
  return result.value;
}

const invoicePayload = {
  invoice_number: 'FK-INVOICE-1b0502', issued_at: '2022-01-03T10:48:39.878679+00:00', due_at: '2022-02-02T10:48:39.878679+00:00',
  invoice_type: null, is_draft: false, buyer: { name: 'Buyer Co.', identifier: '134872571' }, seller: { name: 'Seller Co.', identifier: '312416506' },
  to_account: { account_number: 'FR0411111015593938077866975', bank_identifier: 'FK2FACTO' },
  net_amount: 10000, tax_amount: 2000, to_pay_amount: 12000, total_amount: 12000, currency: 'EUR',
  metadata: { created_with: 'Defacto sandbox invoice generator' }, document: 'JVBERi0xLjcK',
};

describe('the loan request schema', () => {
  it('makes { borrower: { generate: true }, invoice: { generate: true } } a complete request', () => {
    const request = parsed({ borrower: { generate: true }, invoice: { generate: true } });
    expect(request.invoice).toEqual({ generate: true, scenario: 'SUCCESS' });
    expect(request.borrower).toEqual({ generate: true, country: 'FRA' });
    expect(request.loan.autoValidate).toBe(false);
    expect(request.loan.acceptancePolicy).toEqual({ maxFeeRatePercent: 5, maxDurationDays: 120, requireOperatorApproval: false });
    expect(request.loan.deadlines.conditionsReviewMs).toBe(48 * 3_600_000);
    expect(request.loan.pollSchedule.maxMs).toBeGreaterThanOrEqual(request.loan.pollSchedule.initialMs);
  });

  it("accepts the guide's invoice_creation_payload and a borrower given as company data", () => {
    const request = parsed({
      borrower: { identifier: '312416506', identifierType: 'siren', name: 'Seller Co.', country: 'FRA', signedAt: '2024-05-02T09:00:00Z' },
      invoice: invoicePayload,
    });
    expect(request.invoice.generate).toBeUndefined();
  });

  it('refuses an invalid request with one line naming every invalid field path', () => {
    const result = parseLoanRequest({
      borrower: { identifier: '312 416 506', identifierType: 'siren', name: 'x', country: 'FR' },
      invoice: { generate: true, scenario: 'MAYBE' },
      loan: { acceptancePolicy: { maxFeeRatePercent: -1 }, autovalidate: true },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((i) => i.path).sort()).toEqual([
      'borrower.country', 'borrower.identifier', 'invoice.scenario', 'loan', 'loan.acceptancePolicy.maxFeeRatePercent',
    ]);
    expect(result.error.message).not.toContain('\n');
    expect(result.error.message).toMatch(/^invalid loan request: /);
  });
});

describe('deterministic identities', () => {
  it('derives the workflow ID from the request reference, else from the invoice number', () => {
    expect(loanWorkflowId(parsed({ requestReference: 'po-42', borrower: { generate: true }, invoice: { generate: true } }))).toBe('loan-ref-po-42');
    expect(loanWorkflowId(parsed({ borrower: { generate: true }, invoice: invoicePayload }))).toBe('loan-inv-FK-INVOICE-1b0502');
  });

  it('refuses to derive an identity for a generated invoice without a reference', () => {
    expect(() => loanWorkflowId(parsed({ borrower: { generate: true }, invoice: { generate: true } }))).toThrow(MissingRequestReferenceError);
  });

  it('derives salt_id and the generated invoice number from the workflow ID, stable across calls', () => {
    expect(loanSaltId('loan-ref-po-42')).toBe('loan-ref-po-42:loan');
    expect(generatedInvoiceNumber('loan-ref-po-42')).toBe(generatedInvoiceNumber('loan-ref-po-42'));
    expect(generatedInvoiceNumber('loan-ref-po-42')).toBe('FK-INVOICE-ref-po-42');
  });
});

describe('the acceptance policy', () => {
  const offer: LoanSnapshot = {
    id: 'l', status: 'TO_VALIDATE', amountCents: 12_000, currency: 'EUR', feesEstimatedCents: 180,
    toPayAt: '2024-05-02T09:00:00Z', toRepayAt: '2024-06-01T09:00:00Z', paidAt: null, closedAt: null,
    repaidAmountCents: 0, repaidNominalCents: 0, paidInterestsCents: 0, denialReason: null,
  };
  const policy = { maxFeeRatePercent: 5, maxDurationDays: 120, requireOperatorApproval: false };

  it('accepts an offer within fee rate and duration', () => {
    expect(evaluateOffer(offer, policy)).toEqual({ withinPolicy: true, reasons: [], feeRatePercent: 1.5, durationDays: 30 });
  });

  it('names each limit an offer exceeds; unknown fees count as outside', () => {
    expect(evaluateOffer(offer, { ...policy, maxFeeRatePercent: 1, maxDurationDays: 10 }).reasons).toEqual([
      'fee rate 1.5% above 1%', 'duration 30 days above 10',
    ]);
    expect(evaluateOffer({ ...offer, feesEstimatedCents: null }, policy).withinPolicy).toBe(false);
  });

  it('computes money exactly in cents', () => {
    expect(formatMoney(12_006, 'EUR')).toBe('120.06 EUR');
    expect(feeRatePercent(216, 12_000)).toBe(1.8);
  });
});

describe('the poll schedule', () => {
  const schedule = { initialMs: 5_000, maxMs: 3_600_000, multiplier: 2, idleCheckMs: 7 * DAY_MS };

  it('backs off exponentially up to its cap while a decision is pending', () => {
    const delays = [0, 1, 2, 20].map((attempt) =>
      nextPollDelay(schedule, { status: 'PENDING_VALIDATION', nowMs: 0, toPayAt: null, toRepayAt: null, attempt, late: false }));
    expect(delays).toEqual([5_000, 10_000, 20_000, 3_600_000]);
  });

  it('waits for the repayment date instead of polling, capped by the idle check', () => {
    const now = Date.parse('2024-05-02T00:00:00Z');
    const in3Days = new Date(now + 3 * DAY_MS).toISOString();
    expect(nextPollDelay(schedule, { status: 'TO_REPAY', nowMs: now, toPayAt: null, toRepayAt: in3Days, attempt: 0, late: false })).toBe(3 * DAY_MS);
    const in90Days = new Date(now + 90 * DAY_MS).toISOString();
    expect(nextPollDelay(schedule, { status: 'TO_REPAY', nowMs: now, toPayAt: null, toRepayAt: in90Days, attempt: 0, late: false })).toBe(7 * DAY_MS);
  });

  it('costs a bounded number of polls for a loan repaid 90 days after disbursement', () => {
    const start = Date.parse('2024-05-02T00:00:00Z');
    const toRepayAt = new Date(start + 90 * DAY_MS).toISOString();
    let now = start;
    let polls = 0;
    let attempt = 0;
    // The borrower repays one hour after the due date.
    while (now < start + 90 * DAY_MS + 3_600_000) {
      const pastDue = now >= Date.parse(toRepayAt);
      now += nextPollDelay(schedule, { status: 'TO_REPAY', nowMs: now, toPayAt: null, toRepayAt, attempt: pastDue ? attempt++ : 0, late: false });
      polls += 1;
    }
    expect(polls).toBeLessThan(25);
  });
});

describe('the observed loan state', () => {
  it('never moves backwards: a stale read after a newer one is ignored', () => {
    const state = new LifecycleState('loan-ref-x', RunPatches.ofNewRun());
    const base: LoanSnapshot = {
      id: 'l1', status: 'PENDING_VALIDATION', amountCents: 100, currency: 'EUR', feesEstimatedCents: 1, toPayAt: '2024-05-02T00:00:00Z',
      toRepayAt: '2024-06-01T00:00:00Z', paidAt: null, closedAt: null, repaidAmountCents: 0, repaidNominalCents: 0, paidInterestsCents: 0,
      denialReason: null,
    };
    expect(state.applyLoan(base)).toBe(true);
    expect(state.applyLoan({ ...base, status: 'TO_REPAY' })).toBe(true);
    expect(state.applyLoan({ ...base, status: 'TO_VALIDATE' })).toBe(false);
    expect(state.facts.loan?.status).toBe('TO_REPAY');
  });

  it('counts each Defacto event once', () => {
    const state = new LifecycleState('loan-ref-x', RunPatches.ofNewRun());
    expect(state.rememberEvent('l1|Loan.CLOSED|CLOSED|t')).toBe(true);
    expect(state.rememberEvent('l1|Loan.CLOSED|CLOSED|t')).toBe(false);
    expect(state.facts.eventsSeen).toBe(1);
  });
});
