/**
 * Loan operations behind the routes (digest §3.14–§3.19): look-up, list, the status-dependent PATCH
 * (which fields, which checks, then fees and repayment schedule recomputed), and the activity log.
 */
import type { LoanApi, LoanApiEvent, LoanPatch, MinimalLoanApi, Page } from '../defacto/wire';
import { DAY_MS, LOAN_PATCH_REFUSED_STATUS } from './assumptions';
import type { EmulatorContext } from './context';
import { feesFor } from './fees';
import { accountDetails } from './invoice-service';
import { listPage } from './list-filters';
import { scheduleRepayment } from './loan-engine';
import { LOAN_LIST } from './lists';
import { OLDEST_FIRST, paginate, type PageRequest } from './pagination';
import { notFound, ProblemError, validationFailed } from './problems';
import { scenarioOfIban } from './scenario';
import { patchableLoanFields } from './state-machines';
import type { LoanRecord, StoredRecord, TenantState } from './store';
import { loanEventView, loanView, minimalLoanView } from './views';

/** The tenant's loan, or a 404 problem. */
export function loanOr404(tenant: TenantState, id: string): LoanRecord {
  const loan = tenant.loans.get(id);
  if (!loan) throw notFound('loan', id);
  return loan;
}

/** `GET /loans`. */
export function listLoans(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<MinimalLoanApi> {
  return listPage(LOAN_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.loans.items, (l) => minimalLoanView(ctx, l));
}

/** `GET /loan/{loan_id}/events`: one entry per transition, oldest first. */
export function loanEvents(loan: LoanRecord, request: PageRequest): Page<LoanApiEvent> {
  const events: (StoredRecord & { index: number })[] = loan.events.map((e, i) => ({
    id: String(i + 1), seq: i + 1, createdAt: e.at, updatedAt: e.at, index: i,
  }));
  return paginate(events, OLDEST_FIRST, request, (e) => loanEventView(loan.id, loan.events[e.index]!), true);
}

/** The fields of `patch` that the loan's status does not allow (§3.16). */
function refusedFields(loan: LoanRecord, patch: LoanPatch): string[] {
  const given = Object.keys(patch).filter((k) => patch[k as keyof LoanPatch] !== undefined);
  const allowed = patchableLoanFields(loan.status);
  return allowed === 'any' ? [] : given.filter((k) => !allowed.includes(k));
}

/** Date and amount checks of a PATCH against the loan as it would become. */
function patchProblems(loan: LoanRecord, patch: LoanPatch, toPayAt: number, toRepayAt: number): { name: string; reason: string }[] {
  const problems: { name: string; reason: string }[] = [];
  if (toRepayAt <= toPayAt) problems.push({ name: 'to_repay_at', reason: 'must be after to_pay_at' });
  if (loan.status === 'TO_REPAY' && patch.to_repay_at && toRepayAt < loan.toPayAt + DAY_MS) {
    problems.push({ name: 'to_repay_at', reason: 'must not be earlier than earliest_to_repay_at' });
  }
  if (patch.amount != null && patch.amount <= 0) problems.push({ name: 'amount', reason: 'must be positive' });
  return problems;
}

/** `PATCH /loan/{loan_id}`: refuses fields the status forbids, checks, applies, recomputes fees and the repayment. */
export function patchLoan(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, patch: LoanPatch): LoanApi {
  const refused = refusedFields(loan, patch);
  if (refused.length > 0 || patchableLoanFields(loan.status).length === 0) {
    const detail = patchableLoanFields(loan.status).length === 0
      ? `A loan cannot be edited while it is ${loan.status}.` : `These fields cannot be changed while the loan is ${loan.status}.`;
    throw new ProblemError(LOAN_PATCH_REFUSED_STATUS, 'invalid_transition', detail,
      refused.map((name) => ({ name, reason: `not editable in status ${loan.status}` })), { status: loan.status });
  }
  const toPayAt = patch.to_pay_at ? Date.parse(patch.to_pay_at) : loan.toPayAt;
  const toRepayAt = patch.to_repay_at ? Date.parse(patch.to_repay_at) : loan.toRepayAt;
  const problems = patchProblems(loan, patch, toPayAt, toRepayAt);
  if (problems.length > 0) throw validationFailed('Body', problems);
  applyLoanPatch(loan, patch, toPayAt, toRepayAt);
  if (loan.status === 'TO_REPAY' && patch.to_repay_at && loan.repaymentMode === 'production') scheduleRepayment(ctx, tenant, loan);
  loan.updatedAt = ctx.clock.now();
  return loanView(ctx, tenant, loan);
}

function applyLoanPatch(loan: LoanRecord, patch: LoanPatch, toPayAt: number, toRepayAt: number): void {
  if (patch.amount != null) loan.amount = patch.amount;
  loan.toPayAt = toPayAt;
  loan.toRepayAt = toRepayAt;
  if (patch.loan_to) {
    loan.loanTo = accountDetails(patch.loan_to);
    loan.scenario = scenarioOfIban(loan.loanTo.account_number);
  }
  if (patch.loan_to_references) loan.loanToReferences = patch.loan_to_references;
  if (patch.repayment_to_references) loan.repaymentToReferences = patch.repayment_to_references;
  if (patch.repayment_method) loan.repaymentMethod = patch.repayment_method;
  if (patch.metadata !== undefined) loan.metadata = patch.metadata;
  if (patch.transfer_contract_url !== undefined) loan.transferContractUrl = patch.transfer_contract_url;
  loan.feesEstimated = feesFor(loan.amount, loan.toPayAt, loan.toRepayAt);
}
