/**
 * Loan operations behind the routes (digest §3.14–§3.19): look-up, list, the status-dependent PATCH
 * (which fields, which checks, then fees and repayment schedule recomputed), and the activity log.
 */
import { randomUUID } from 'node:crypto';
import type {
  FetchLoanDocuments, InvalidParam, LoanApi, LoanApiEvent, LoanPatch, MinimalLoanApi, Page, SetRepaymentTerms,
} from '../defacto/wire';
import { LoanDocumentTypeSchema } from '../defacto/wire';
import { DAY_MS, DIRECT_DEBIT_LOCK_DAYS, LOAN_PATCH_REFUSED_STATUS } from './assumptions';
import type { EmulatorContext } from './context';
import { feesFor } from './fees';
import { accountDetails } from './invoice-service';
import { listPage } from './list-filters';
import { scheduleRepayment } from './loan-engine';
import { LOAN_LIST } from './lists';
import { OLDEST_FIRST, paginate, type PageRequest } from './pagination';
import { invalidTransition, notFound, ProblemError, validationFailed } from './problems';
import { scenarioOfIban } from './scenario';
import { patchableLoanFields } from './state-machines';
import type { LoanRecord, StoredRecord } from './records';
import type { TenantState } from './store';
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

/**
 * `PUT /loan/repayment-terms` (§3.25): every term is checked before any is applied (one 422/400 for the
 * batch). Only TO_REPAY / TO_REPAY_FEES loans; a later date is a postponement, allowed once; DIRECT_DEBIT
 * needs `direct_debit`; the date may not be before `earliest_to_repay_at`; a direct debit closer than
 * `DIRECT_DEBIT_LOCK_DAYS` to its date can no longer change account.
 */
export function setRepaymentTerms(ctx: EmulatorContext, tenant: TenantState, input: SetRepaymentTerms, request: PageRequest): Page<LoanApi> {
  const problems: InvalidParam[] = [];
  const now = ctx.clock.now();
  const changes = input.repayment_terms.map((term, i) => {
    const at = `repayment_terms.${i}`;
    const loan = tenant.loans.get(term.loan_id);
    if (!loan) { problems.push({ name: `${at}.loan_id`, reason: 'unknown loan' }); return undefined; }
    if (loan.status !== 'TO_REPAY' && loan.status !== 'TO_REPAY_FEES') {
      throw invalidTransition(`Repayment terms can change only for TO_REPAY or TO_REPAY_FEES loans; loan ${loan.id} is ${loan.status}.`, { status: loan.status, loan_id: loan.id });
    }
    const date = Date.parse(term.repayment_date);
    if (date < loan.toPayAt + DAY_MS) problems.push({ name: `${at}.repayment_date`, reason: 'must not be earlier than earliest_to_repay_at' });
    if (date > loan.toRepayAt && loan.postponed) throw invalidTransition(`The repayment of loan ${loan.id} was already postponed once.`, { loan_id: loan.id });
    if (term.repayment_method === 'DIRECT_DEBIT' && !term.direct_debit) problems.push({ name: `${at}.direct_debit`, reason: 'required for DIRECT_DEBIT' });
    if (loan.repaymentMethod === 'DIRECT_DEBIT' && term.direct_debit && now >= loan.toRepayAt - DIRECT_DEBIT_LOCK_DAYS * DAY_MS) {
      throw invalidTransition(`The direct debit of loan ${loan.id} is already instructed: the payment cannot be cancelled anymore.`, { loan_id: loan.id });
    }
    return { loan, term, date };
  });
  if (problems.length > 0) throw validationFailed('Body', problems);
  const loans = changes.flatMap((change) => {
    if (!change) return [];
    const { loan, term, date } = change;
    if (date > loan.toRepayAt) loan.postponed = true;
    loan.toRepayAt = date;
    loan.repaymentMethod = term.repayment_method;
    loan.updatedAt = now;
    if (loan.status === 'TO_REPAY' && loan.repaymentMode === 'production') scheduleRepayment(ctx, tenant, loan);
    return [loan];
  });
  return paginate(loans, OLDEST_FIRST, request, (l) => loanView(ctx, tenant, l), true);
}

/**
 * `POST /loan/documents/{document_type}`: a link to an archive of the documents of that type of the loans
 * named by id and/or paid out in the window (`_from` ≥, `_to` <). ASSUMPTION (the format is not documented):
 * the archive is a text manifest, one document URL a line.
 */
export function loanDocumentsLink(ctx: EmulatorContext, tenant: TenantState, documentType: string, input: FetchLoanDocuments): { link: string } {
  const type = LoanDocumentTypeSchema.safeParse(documentType);
  if (!type.success) throw validationFailed('Path', [{ name: 'document_type', reason: `expected one of ${LoanDocumentTypeSchema.options.join(', ')}` }]);
  const ids = input.loan_ids ?? [];
  const unknown = ids.flatMap((id, i) => (tenant.loans.get(id) ? [] : [{ name: `loan_ids.${i}`, reason: 'unknown loan' }]));
  if (unknown.length > 0) throw validationFailed('Body', unknown);
  const from = input.to_pay_at_from ? Date.parse(input.to_pay_at_from) : undefined;
  const to = input.to_pay_at_to ? Date.parse(input.to_pay_at_to) : undefined;
  if (ids.length === 0 && from === undefined && to === undefined) {
    throw validationFailed('Body', [{ name: 'loan_ids', reason: 'give loan_ids or a to_pay_at window' }]);
  }
  const loans = tenant.loans.items.filter((l) => (ids.length === 0 || ids.includes(l.id))
    && (from === undefined || l.toPayAt >= from) && (to === undefined || l.toPayAt < to));
  const urls = loans.flatMap((l) => loanView(ctx, tenant, l).documents.filter((d) => d.document_type === type.data).map((d) => d.document_url));
  const id = randomUUID();
  tenant.documents.set(`archive-${id}`, Buffer.from(`${urls.join('\n')}\n`, 'utf8').toString('base64'));
  return { link: `${ctx.baseUrl}/_emulator/documents/archive-${id}.txt` };
}
