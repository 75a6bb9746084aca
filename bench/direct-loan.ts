/**
 * The direct baseline: one loan's Defacto call sequence in plain async code, without Temporal. It calls
 * the lifecycle's own activity bodies (so every request, lookup and response check is the same) in the
 * workflow's order, polls with the workflow's schedule (first look at once, then the same backoff), and
 * waits in memory instead of on durable timers. Nothing survives a crash: that is what Temporal adds.
 */
import type { LoanActivities } from '../src/activities';
import { borrowerActivities } from '../src/activities/borrowers';
import { DEFAULT_LENDING_SETTINGS, eligibilityActivities } from '../src/activities/eligibility';
import { invoiceActivities } from '../src/activities/invoices';
import { loanActivities } from '../src/activities/loans';
import { paymentActivities } from '../src/activities/payments';
import type { DefactoClient } from '../src/defacto';
import type { Logger } from '../src/logging';
import { generatedInvoiceNumber, loanSaltId } from '../src/domain/ids';
import { loanStatusRank, type LoanStatus, type OutcomeStatus } from '../src/domain/loan';
import type { BorrowerSummary, LoanSnapshot } from '../src/domain/summaries';
import { eligibilityVerdict } from '../src/domain/reasons';
import type { LoanRequest } from '../src/domain/schemas';
import { backoffDelay, isPastDue, nextPollDelay } from '../src/workflows/poll-schedule';

const DAY_MS = 86_400_000;
const DEFAULT_DURATION_DAYS = 30;
const REFUSED: readonly (BorrowerSummary['status'])[] = ['BLOCKED', 'PROHIBITED', 'DEACTIVATED'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The activity bodies of `createActivities` without its Temporal-only wrappers (heartbeating needs an
 * activity context; the failure mapping only shapes errors for Temporal's retry policy).
 */
export function plainActivities(defacto: DefactoClient, log: Logger): LoanActivities {
  return {
    ...borrowerActivities(defacto, log),
    ...invoiceActivities(defacto, log),
    ...loanActivities(defacto, log),
    ...paymentActivities(defacto),
    ...eligibilityActivities(defacto, log, DEFAULT_LENDING_SETTINGS),
  };
}

/** Drives one generated-borrower, generated-invoice loan to its end; returns the outcome status. */
export async function directLoan(activities: LoanActivities, request: LoanRequest, workflowId: string): Promise<OutcomeStatus> {
  if (!request.borrower.generate || !request.invoice.generate) throw new Error('the direct baseline runs generated loans only');
  const schedule = request.loan.pollSchedule;

  const business = await activities.generateBusiness({ country: request.borrower.country });
  if (business.identifierType !== null) {
    const check = await activities.checkEligibility({ identifier: business.identifier, identifierType: business.identifierType });
    const verdict = eligibilityVerdict(check);
    if (!verdict.enrol) {
      await Promise.all(verdict.reasonCodes.map((code) => activities.translateDenialCode({ code })));
      return 'DECLINED';
    }
  }
  let borrower = await activities.createBorrower({ business, signedAt: null, workflowId });
  if (borrower.status === 'TO_SIGN' && borrower.signedAt === null) {
    borrower = await activities.signBorrower({ borrowerId: borrower.id, signedAt: new Date().toISOString() });
  }
  for (let attempt = 0; borrower.status !== 'READY'; attempt += 1) {
    if (REFUSED.includes(borrower.status)) return 'DECLINED';
    if (attempt > 0) await sleep(backoffDelay(schedule, attempt - 1));
    borrower = await activities.getBorrower({ borrowerId: borrower.id });
  }
  const seller = { identifier: borrower.identifier, identifierType: borrower.identifierType, name: borrower.name };
  const [, invoice] = await Promise.all([
    activities.getContractLink({ borrowerId: borrower.id }),
    activities.generateInvoice({
      invoiceNumber: generatedInvoiceNumber(workflowId), scenario: request.invoice.scenario, country: business.country, seller, workflowId,
    }),
    activities.getCreditLines({ borrowerIdentifier: borrower.identifier }),
  ]);

  const nowMs = Date.now();
  const toRepayAt = invoice.dueAt ?? new Date(nowMs + DEFAULT_DURATION_DAYS * DAY_MS).toISOString();
  let loan = await activities.requestLoan({
    saltId: loanSaltId(workflowId), workflowId, invoiceId: invoice.id, borrower: seller, amountCents: invoice.amountCents,
    currency: invoice.currency, toPayAt: new Date(nowMs).toISOString(), toRepayAt, autoValidate: request.loan.autoValidate,
  });

  // The workflow's polling rule: the first look at a new phase is immediate, then the schedule applies.
  let phase: string | null = null;
  let attempt = 0;
  let validated = false;
  for (;;) {
    switch (loan.status) {
      case 'CLOSED':
        await Promise.all([
          activities.listPayments({ loanId: loan.id }),
          activities.listLoanEvents({ loanId: loan.id }),
          activities.getCreditLines({ borrowerIdentifier: borrower.identifier }),
        ]);
        return 'CLOSED';
      case 'ISSUE_DETECTED':
        await activities.listPayments({ loanId: loan.id });
        return 'PAYMENT_FAILED';
      case 'DECLINED':
        if (loan.denialReason) await activities.translateDenialCode({ code: loan.denialReason });
        return 'DECLINED';
      case 'CANCELED':
      case 'DELETED':
        return 'CANCELED';
      case 'TO_VALIDATE':
        if (!validated) {
          validated = true;
          loan = await activities.validateLoan({ loanId: loan.id });
          continue;
        }
        break;
      default:
        break;
    }
    const now = Date.now();
    const nextPhase = `${loan.status}:${isPastDue({ status: loan.status, nowMs: now, toRepayAt: loan.toRepayAt }) ? 'due' : 'not-due'}`;
    if (nextPhase !== phase) {
      phase = nextPhase;
      attempt = 0;
    } else {
      await sleep(nextPollDelay(schedule, { ...pollContext(loan, now), attempt, late: false }));
      attempt += 1;
    }
    loan = newer(loan, await activities.getLoan({ loanId: loan.id }));
  }
}

function pollContext(loan: LoanSnapshot, nowMs: number): { status: LoanStatus; nowMs: number; toPayAt: string; toRepayAt: string } {
  return { status: loan.status, nowMs, toPayAt: loan.toPayAt, toRepayAt: loan.toRepayAt };
}

/** Same rule as the workflow: a stale read never moves the status backwards. */
function newer(previous: LoanSnapshot, next: LoanSnapshot): LoanSnapshot {
  return loanStatusRank(next.status) < loanStatusRank(previous.status) ? previous : next;
}
