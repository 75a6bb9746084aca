/** Loan endpoints (digest §3.13–§3.19). */
import { LoanPatchSchema, LoanStatusSchema, LoanTypeSchema } from '../../defacto/wire';
import { DAY_MS } from '../assumptions';
import { feesFor } from '../fees';
import { cancelLoan, scheduleRepayment, validateLoan } from '../loan-engine';
import { PostLoanBodySchema, requestLoan } from '../loan-request';
import { OLDEST_FIRST, paginate, type SortSpec } from '../pagination';
import { notFound, ProblemError, validationFailed } from '../problems';
import { scenarioOfIban } from '../scenario';
import { patchableLoanFields } from '../state-machines';
import { accountDetails } from '../invoice-service';
import type { LoanRecord, RepaymentMode, StoredRecord, TenantState } from '../store';
import { loanEventView, loanView, minimalLoanView } from '../views';
import {
  body, checkQuery, pageRequest, param, queryDate, queryList, queryOne, rawQuery, tenantOf, type RouteDeps,
} from './common';

const SORTS: Record<string, SortSpec<LoanRecord>> = {
  'created_at:asc': { key: (l) => l.seq, direction: 'asc' },
  'created_at:desc': { key: (l) => l.seq, direction: 'desc' },
  'to_pay_at:asc': { key: (l) => l.toPayAt, direction: 'asc' },
  'to_pay_at:desc': { key: (l) => l.toPayAt, direction: 'desc' },
  'to_repay_at:asc': { key: (l) => l.toRepayAt, direction: 'asc' },
  'to_repay_at:desc': { key: (l) => l.toRepayAt, direction: 'desc' },
};

function loanOr404(tenant: TenantState, id: string): LoanRecord {
  const loan = tenant.loans.get(id);
  if (!loan) throw notFound('loan', id);
  return loan;
}

/** Registers the loan routes. */
export function loanRoutes({ app, ctx }: RouteDeps): void {
  app.post('/loans', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    const parsed = body(PostLoanBodySchema, request);
    const header = request.headers['x-emulator-repayment-mode'];
    const mode: RepaymentMode | undefined = header === 'production' || header === 'sandbox' ? header : undefined;
    const { loan, status } = requestLoan(ctx, tenant, request.body, parsed, mode);
    return reply.code(status).send(loanView(ctx, tenant, loan));
  });

  app.get('/loans', async (request) => {
    const tenant = tenantOf(ctx, request);
    const q = rawQuery(request);
    const dateFilters = ['to_pay_at', 'to_repay_at', 'contractual_repayment_date'].flatMap((f) => [`${f}_from`, `${f}_to`]);
    checkQuery(q, {
      enums: { status: LoanStatusSchema.options, loan_type: LoanTypeSchema.options, sort_by: Object.keys(SORTS) },
      dates: dateFilters, booleans: ['guarantee_called', 'postponed'], ints: ['to_repay_at_within_days'],
    });
    const ids = queryList(q, 'id');
    const borrowers = queryList(q, 'borrower');
    const statuses = queryList(q, 'status');
    const types = queryList(q, 'loan_type');
    const text = queryOne(q, 'query')?.toLowerCase();
    const within = queryOne(q, 'to_repay_at_within_days');
    const now = ctx.clock.now();
    const ranges: Array<[(l: LoanRecord) => number | null, number | undefined, number | undefined]> = [
      [(l) => l.toPayAt, queryDate(q, 'to_pay_at_from'), queryDate(q, 'to_pay_at_to')],
      [(l) => l.toRepayAt, within !== undefined ? now : queryDate(q, 'to_repay_at_from'),
        within !== undefined ? now + Number(within) * DAY_MS : queryDate(q, 'to_repay_at_to')],
      [(l) => l.contractualRepaymentAt, queryDate(q, 'contractual_repayment_date_from'), queryDate(q, 'contractual_repayment_date_to')],
    ];
    // The emulator never calls guarantees nor postpones repayments.
    const none = queryOne(q, 'guarantee_called') === 'true' || queryOne(q, 'postponed') === 'true';
    const activeRanges = ranges.filter(([, from, to]) => from !== undefined || to !== undefined);
    let items: readonly LoanRecord[] = tenant.loans.items;
    if (none) items = [];
    else if (ids.length + borrowers.length + statuses.length + types.length + activeRanges.length > 0 || text) {
      items = items.filter((l) => (ids.length === 0 || ids.includes(l.id))
        && (borrowers.length === 0 || borrowers.includes(l.borrower.identifier))
        && (statuses.length === 0 || statuses.includes(l.status))
        && (types.length === 0 || types.includes(l.loanType))
        && activeRanges.every(([get, from, to]) => {
          const v = get(l);
          return v !== null && (from === undefined || v >= from) && (to === undefined || v < to);
        })
        && (!text || matchesText(tenant, l, text)));
    }
    const sortBy = queryOne(q, 'sort_by') ?? 'created_at:desc';
    const sort = SORTS[sortBy] ?? SORTS['created_at:desc']!;
    return paginate(items, sort, pageRequest(request), (l) => minimalLoanView(ctx, l), sortBy.startsWith('created_at'));
  });

  app.get('/loan/:loan_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    return loanView(ctx, tenant, loanOr404(tenant, param(request, 'loan_id')));
  });

  app.patch('/loan/:loan_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    const loan = loanOr404(tenant, param(request, 'loan_id'));
    const patch = body(LoanPatchSchema, request);
    const given = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    const allowed = patchableLoanFields(loan.status);
    const refused = allowed === 'any' ? [] : given.filter((k) => !allowed.includes(k));
    if (refused.length > 0) {
      throw new ProblemError(400, 'invalid_transition', `These fields cannot be changed while the loan is ${loan.status}.`,
        refused.map((name) => ({ name, reason: `not editable in status ${loan.status}` })), { status: loan.status });
    }
    applyLoanPatch(loan, patch);
    if (loan.status === 'TO_REPAY' && patch.to_repay_at && loan.repaymentMode === 'production') scheduleRepayment(ctx, tenant, loan);
    loan.updatedAt = ctx.clock.now();
    return loanView(ctx, tenant, loan);
  });

  app.post('/loan/:loan_id/validate', async (request) => {
    const tenant = tenantOf(ctx, request);
    const loan = loanOr404(tenant, param(request, 'loan_id'));
    validateLoan(ctx, tenant, loan);
    return loanView(ctx, tenant, loan);
  });

  app.post('/loan/:loan_id/cancel', async (request) => {
    const tenant = tenantOf(ctx, request);
    const loan = loanOr404(tenant, param(request, 'loan_id'));
    cancelLoan(ctx, tenant, loan);
    return loanView(ctx, tenant, loan);
  });

  app.get('/loan/:loan_id/events', async (request) => {
    const tenant = tenantOf(ctx, request);
    const loan = loanOr404(tenant, param(request, 'loan_id'));
    const events: (StoredRecord & { index: number })[] = loan.events.map((e, i) => ({
      id: String(i + 1), seq: i + 1, createdAt: e.at, updatedAt: e.at, index: i,
    }));
    return paginate(events, OLDEST_FIRST, pageRequest(request), (e) => loanEventView(loan.id, loan.events[e.index]!), true);
  });

  function applyLoanPatch(loan: LoanRecord, patch: ReturnType<typeof LoanPatchSchema.parse>): void {
    const toPayAt = patch.to_pay_at ? Date.parse(patch.to_pay_at) : loan.toPayAt;
    const toRepayAt = patch.to_repay_at ? Date.parse(patch.to_repay_at) : loan.toRepayAt;
    const problems: { name: string; reason: string }[] = [];
    if (toRepayAt <= toPayAt) problems.push({ name: 'to_repay_at', reason: 'must be after to_pay_at' });
    if (loan.status === 'TO_REPAY' && patch.to_repay_at && toRepayAt < loan.toPayAt + DAY_MS) {
      problems.push({ name: 'to_repay_at', reason: 'must not be earlier than earliest_to_repay_at' });
    }
    if (patch.amount != null && patch.amount <= 0) problems.push({ name: 'amount', reason: 'must be positive' });
    if (problems.length > 0) throw validationFailed('Body', problems);
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
}

function matchesText(tenant: TenantState, loan: LoanRecord, text: string): boolean {
  const numbers = loan.invoiceIds.map((id) => tenant.invoices.get(id)?.invoiceNumber ?? '');
  return [loan.id, loan.status, String(loan.amount), String(loan.feesEstimated), loan.beneficiary.name ?? '', loan.borrower.name ?? '', ...numbers]
    .some((field) => field.toLowerCase().includes(text));
}

