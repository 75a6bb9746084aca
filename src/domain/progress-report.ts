/**
 * Human-readable lines for a lifecycle's progress, shared by the starter's `--wait` and the `npm start`
 * demo. Pure: it only compares two `progressQuery` snapshots. Company numbers and amounts only: no names.
 */
import { LIFECYCLE_STEPS, type LifecycleStep, type LoanOutcome, type LoanProgress } from './loan';
import type { CreditLineSummary } from './summaries';
import { formatMoney } from './money';
import { describeReasons } from './reasons';

/** Something that happened between two snapshots. */
export interface ProgressLine {
  readonly step: LifecycleStep | 'REVIEW' | 'OUTCOME';
  readonly at: string | null;
  readonly text: string;
}

function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '?';
}

function creditLine(line: CreditLineSummary | null): string {
  if (!line || line.balanceAvailableCents === null) return 'none';
  const pool = line.poolAmountCents === null ? '' : ` of ${formatMoney(line.poolAmountCents, line.currency)}`;
  return `${formatMoney(line.balanceAvailableCents, line.currency)} available${pool}`;
}

/** What to say when `step` completes. */
export function describeStep(step: LifecycleStep, p: LoanProgress): string {
  const note = p.steps[step].note;
  const loan = p.loan;
  switch (step) {
    case 'BORROWER_REGISTERED':
      return `borrower registered: ${p.borrower?.identifierType ?? 'id'} ${p.borrower?.identifier ?? '?'} is ${p.borrower?.status ?? '?'}${note ? ` (${note})` : ''}`;
    case 'CONTRACT_AVAILABLE':
      return `contract link obtained (temporary${p.contract?.expiresAt ? `, expires ${p.contract.expiresAt}` : ''}; not stored)`;
    case 'INVOICE_CREATED':
      return p.invoice
        ? `invoice ${p.invoice.invoiceNumber}: ${formatMoney(p.invoice.amountCents, p.invoice.currency)}, due ${day(p.invoice.dueAt)}`
        : 'invoice created';
    case 'LOAN_REQUESTED':
      return loan ? `loan requested: ${loan.id} (${loan.status})` : 'loan requested';
    case 'CONDITIONS_REVIEWED': {
      const terms = loan
        ? `${formatMoney(loan.amountCents, loan.currency)}, estimated fees ${loan.feesEstimatedCents === null ? '?' : formatMoney(loan.feesEstimatedCents, loan.currency)}` +
          `${p.review?.feeRatePercent != null ? ` (${p.review.feeRatePercent}%)` : ''}, paid ${day(loan.toPayAt)}, repaid by ${day(loan.toRepayAt)}`
        : '';
      return `conditions reviewed: ${terms}${note ? ` — ${note}` : ''}`;
    }
    case 'VALIDATED':
      return `loan validated (${loan?.status ?? '?'})`;
    case 'DISBURSED':
      return `disbursed: payment PAID${loan?.paidAt ? ` at ${loan.paidAt}` : ''}, loan TO_REPAY`;
    case 'REPAID':
      return `repaid: ${loan ? formatMoney(loan.repaidAmountCents, loan.currency) : '?'}, loan CLOSED${loan?.closedAt ? ` at ${loan.closedAt}` : ''}`;
    case 'CREDIT_LINE_AFTER':
      return `credit line: before ${creditLine(p.creditLineBefore)}, after ${creditLine(p.creditLineAfter)}`;
  }
}

/** One line summarising an outcome. */
export function describeOutcome(outcome: LoanOutcome): string {
  switch (outcome.status) {
    case 'CLOSED':
      return `CLOSED: lent ${formatMoney(outcome.amountCents, outcome.currency)}, fees ${formatMoney(outcome.feesCents, outcome.currency)}, ` +
        `repaid ${formatMoney(outcome.repaidAmountCents, outcome.currency)}; ${outcome.payments.length} payments, ${outcome.eventCount} loan events`;
    case 'DECLINED':
      return outcome.reasons && outcome.reasons.length > 0
        ? `DECLINED${outcome.declinedAt ? ` (${outcome.declinedAt})` : ''}: ${describeReasons(outcome.reasons)}`
        : `DECLINED: ${outcome.denialReason ?? 'no reason given'}`;
    case 'PAYMENT_FAILED':
      return `PAYMENT_FAILED: loan ${outcome.loanStatus}, ${outcome.failedPayment?.failureReason ?? 'disbursement failed'}`;
    case 'CANCELED':
      return `CANCELED by ${outcome.canceledBy}: ${outcome.reason}`;
  }
}

/** Lines for what changed from `previous` (or nothing) to `next`, in lifecycle order. */
export function progressLines(previous: LoanProgress | null, next: LoanProgress): ProgressLine[] {
  const lines: ProgressLine[] = [];
  for (const step of LIFECYCLE_STEPS) {
    const before = previous?.steps[step].status;
    const now = next.steps[step];
    if (before === now.status) continue;
    if (now.status === 'DONE') lines.push({ step, at: now.completedAt ?? null, text: describeStep(step, next) });
    else if (now.status === 'FAILED') lines.push({ step, at: now.completedAt ?? null, text: `${step} failed: ${now.note ?? ''}` });
    else if (now.status === 'SKIPPED' && now.note && step === 'CONTRACT_AVAILABLE') lines.push({ step, at: null, text: `contract: ${now.note}` });
  }
  if (next.awaitingOperator && !previous?.awaitingOperator && next.review) {
    const why = next.review.withinPolicy ? 'operator approval required' : `outside policy: ${next.review.reasons.join('; ')}`;
    lines.push({ step: 'REVIEW', at: null, text: `conditions await an operator (${why}); deadline ${next.review.deadlineAt ?? '?'}` });
  }
  if (next.outcome && !previous?.outcome) lines.push({ step: 'OUTCOME', at: null, text: describeOutcome(next.outcome) });
  return lines;
}
