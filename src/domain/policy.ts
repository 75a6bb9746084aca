/**
 * The acceptance policy applied to a loan offer in `TO_VALIDATE`: pure, so it is unit-tested and the
 * workflow's decision is replayable.
 */
import { feeRatePercent } from './money';
import type { LoanSnapshot } from './summaries';
import type { AcceptancePolicy } from './schemas';

const DAY_MS = 86_400_000;

/** The verdict on an offer; `reasons` name each limit exceeded. */
export interface PolicyVerdict {
  readonly withinPolicy: boolean;
  readonly reasons: readonly string[];
  readonly feeRatePercent: number;
  readonly durationDays: number;
}

/** Whole days between disbursement and repayment (rounded up: a started day is a day of interest). */
export function loanDurationDays(loan: Pick<LoanSnapshot, 'toPayAt' | 'toRepayAt'>): number {
  const ms = Date.parse(loan.toRepayAt) - Date.parse(loan.toPayAt);
  if (!Number.isFinite(ms)) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.ceil(ms / DAY_MS));
}

/** Checks fee rate and duration against the policy; unknown fees count as outside it. */
export function evaluateOffer(loan: LoanSnapshot, policy: AcceptancePolicy): PolicyVerdict {
  const rate = loan.feesEstimatedCents === null ? Number.POSITIVE_INFINITY : feeRatePercent(loan.feesEstimatedCents, loan.amountCents);
  const durationDays = loanDurationDays(loan);
  const reasons: string[] = [];
  if (!(rate <= policy.maxFeeRatePercent)) reasons.push(`fee rate ${rate}% above ${policy.maxFeeRatePercent}%`);
  if (!(durationDays <= policy.maxDurationDays)) reasons.push(`duration ${durationDays} days above ${policy.maxDurationDays}`);
  return { withinPolicy: reasons.length === 0, reasons, feeRatePercent: rate, durationDays };
}
