/**
 * Recollection cases and installment plans (digest §3.26, OAS "Recollection" and `POST /installment-plans`).
 * A case gathers a registered borrower's late loans; `/compute` proposes a plan without storing anything; a plan
 * (from a case or standalone) letters exactly what each of its loans owes and is `DRAFT` until it is activated one
 * step later (`PROPOSED`), when the plans it replaces are cancelled. See `RECOLLECTABLE_LOAN_STATUSES`,
 * `DEFAULT_INSTALLMENT_*`, `MAX_INSTALLMENTS` and `INSTALLMENT_PLAN_ACTIVATION_STEPS` in `assumptions.ts`.
 */
import { randomUUID } from 'node:crypto';
import type {
  InstallmentPeriod, InstallmentPlan, InstallmentPlanComputation, InstallmentPlanCreation, InvalidParam, Page, RecollectionAction,
  RecollectionCase, RecollectionCaseCreation, RecollectionCaseUpdate, RecollectionInstallmentPlan, RecollectionInstallmentPlanCreated,
} from '../defacto/wire';
import { IdentifierTypeSchema } from '../defacto/wire';
import {
  DAY_MS, DEFAULT_INSTALLMENT_PAYMENT_METHOD, DEFAULT_INSTALLMENT_PERIOD, INSTALLMENT_PLAN_ACTIVATION_STEPS, MAX_INSTALLMENTS,
  RECOLLECTABLE_LOAN_STATUSES,
} from './assumptions';
import { isoTimestamp } from './clock';
import type { EmulatorContext } from './context';
import { listPage, type ListSpec } from './list-filters';
import type { PageRequest } from './pagination';
import { invalidTransition, notFound, validationFailed } from './problems';
import type { InstallmentPlanRecord, InstallmentRecord, LoanRecord, RecollectionActionRecord, RecollectionCaseRecord } from './records';
import type { TenantState } from './store';

/** What a loan still owes a plan: principal plus fees estimated to `to_repay_at`, minus what was repaid. */
export function owedByLoan(loan: LoanRecord): number {
  return Math.max(0, loan.amount + loan.feesEstimated - loan.repaidAmount);
}

/** The tenant's recollection case, or a 404 problem. */
export function recollectionCaseOr404(tenant: TenantState, id: string): RecollectionCaseRecord {
  const found = tenant.recollectionCases.get(id);
  if (!found) throw notFound('recollection case', id);
  return found;
}

/** The tenant's installment plan, or a 404 problem. */
export function installmentPlanOr404(tenant: TenantState, id: string): InstallmentPlanRecord {
  const found = tenant.installmentPlans.get(id);
  if (!found) throw notFound('installment plan', id);
  return found;
}

function actionView(a: RecollectionActionRecord): RecollectionAction {
  return {
    id: a.id, action_name: a.name, action_status: a.status, action_status_date: isoTimestamp(a.statusAt),
    action_status_details: null, original_due_at: isoTimestamp(a.dueAt), short_description: a.shortDescription,
  };
}

/** `ApiRecollectionCase`. */
export function recollectionCaseView(c: RecollectionCaseRecord): RecollectionCase {
  return {
    id: c.id, agent: c.agent, debtor_business: { identifier: c.debtor.identifier, identifier_type: c.debtor.identifierType },
    loan_ids: [...c.loanIds], next_action: actionView(c.nextAction), past_actions: c.pastActions.map(actionView),
    strategies: c.planIds.map((id, i) => ({ id, is_active: i === c.planIds.length - 1, strategy_type: 'INSTALLMENT_PLAN' as const })),
    recollection_notes: c.notes,
  };
}

/** `ApiInstallmentPlan`. */
export function installmentPlanView(p: InstallmentPlanRecord): InstallmentPlan {
  return {
    id: p.id, business_identifier: { identifier: p.business.identifier, identifier_type: p.business.identifierType },
    loan_ids: [...p.loanIds], installments: p.installments.map((i) => ({ id: i.id, amount: i.amount, date: isoTimestamp(i.date), status: i.status })),
  };
}

/**
 * Checks that each named loan exists, is the debtor's and is disbursed and not repaid. Unknown loans and loans of
 * another business are 422 naming `field.N`; a loan in another status is a 400 `invalid_transition`.
 */
function recollectableLoans(
  tenant: TenantState, ids: readonly string[], nameOf: (index: number) => string, debtorIdentifier: string | null,
): LoanRecord[] {
  const problems: InvalidParam[] = [];
  const loans: LoanRecord[] = [];
  ids.forEach((id, i) => {
    const loan = tenant.loans.get(id);
    if (!loan) { problems.push({ name: nameOf(i), reason: `no loan with id ${id}` }); return; }
    const owner = loan.borrowerId ? tenant.borrowers.get(loan.borrowerId)?.input.identifier : undefined;
    if (debtorIdentifier !== null && owner !== debtorIdentifier) {
      problems.push({ name: nameOf(i), reason: 'the loan is not owed by the debtor business' });
      return;
    }
    loans.push(loan);
  });
  if (problems.length > 0) throw validationFailed('Body', problems);
  const closed = loans.filter((l) => !RECOLLECTABLE_LOAN_STATUSES.includes(l.status));
  if (closed.length > 0) {
    throw invalidTransition(`Only loans to repay can be recollected (${RECOLLECTABLE_LOAN_STATUSES.join(', ')}); `
      + closed.map((l) => `${l.id} is ${l.status}`).join(', ') + '.', { loans: closed.map((l) => ({ loan_id: l.id, status: l.status })) });
  }
  return loans;
}

/** `POST /recollection-cases`: the debtor must be a borrower of the tenant and owe every loan. */
export function createRecollectionCase(ctx: EmulatorContext, tenant: TenantState, input: RecollectionCaseCreation): RecollectionCase {
  const { debtor_business: debtor } = input;
  if (!tenant.borrowerByIdentifier.has(debtor.identifier)) {
    throw validationFailed('Body', [{ name: 'debtor_business.identifier', reason: `no borrower with identifier ${debtor.identifier}` }]);
  }
  const duplicates = input.loan_ids.flatMap((id, i) => (input.loan_ids.indexOf(id) < i ? [{ name: `loan_ids.${i}`, reason: 'listed twice' }] : []));
  if (duplicates.length > 0) throw validationFailed('Body', duplicates);
  recollectableLoans(tenant, input.loan_ids, (i) => `loan_ids.${i}`, debtor.identifier);
  const now = ctx.clock.now();
  const record = tenant.recollectionCases.add({
    id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, agent: input.agent,
    debtor: { identifier: debtor.identifier, identifierType: debtor.identifier_type }, loanIds: [...input.loan_ids],
    nextAction: {
      id: randomUUID(), name: input.next_action.action_name, status: 'SCHEDULED', statusAt: now,
      dueAt: Date.parse(input.next_action.due_at), shortDescription: input.next_action.short_description ?? null,
    },
    pastActions: [], planIds: [], notes: null,
  });
  return recollectionCaseView(record);
}

/** `PUT /recollection-case/{id}`: replaces the case's notes. */
export function updateRecollectionCase(ctx: EmulatorContext, c: RecollectionCaseRecord, input: RecollectionCaseUpdate): RecollectionCase {
  c.notes = input.recollection_notes;
  c.updatedAt = ctx.clock.now();
  return recollectionCaseView(c);
}

const RECOLLECTION_CASE_LIST: ListSpec<RecollectionCaseRecord, TenantState> = {
  filters: {
    identifier: { kind: 'any_of', get: (c) => c.debtor.identifier },
    identifier_type: { kind: 'any_of', get: (c) => c.debtor.identifierType, allowed: IdentifierTypeSchema.options },
  },
  required: ['identifier', 'identifier_type'],
};

/** `GET /recollection-cases?identifier=&identifier_type=`: the debtor's cases. */
export function listRecollectionCases(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<RecollectionCase> {
  return listPage(RECOLLECTION_CASE_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.recollectionCases.items, recollectionCaseView);
}

/** Calendar `date` plus `k` periods (months keep the day of month, clamped to the month's end). */
function addPeriods(start: number, period: InstallmentPeriod, k: number): number {
  if (period === 'weekly') return start + k * 7 * DAY_MS;
  if (period === 'biweekly') return start + k * 14 * DAY_MS;
  const date = new Date(start);
  const day = date.getUTCDate();
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + k, 1, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.getTime();
}

/** A date on a Saturday or Sunday moves to the next Monday. */
function businessDay(ms: number): number {
  const weekday = new Date(ms).getUTCDay();
  return weekday === 6 ? ms + 2 * DAY_MS : weekday === 0 ? ms + DAY_MS : ms;
}

/** Splits `total` into `n` integer parts differing by at most one, the larger ones first. */
function split(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i < total % n ? 1 : 0));
}

/** `POST /recollection-case/{id}/installment-plans/compute`: a proposal for the case's debt; nothing is stored. */
export function computeInstallmentPlan(
  ctx: EmulatorContext, tenant: TenantState, c: RecollectionCaseRecord, input: InstallmentPlanComputation,
): RecollectionInstallmentPlan {
  const n = input.number_of_installment;
  const start = Date.parse(input.start_date);
  const problems: InvalidParam[] = [];
  if (n > MAX_INSTALLMENTS) problems.push({ name: 'number_of_installment', reason: `at most ${MAX_INSTALLMENTS} installments` });
  if (start < startOfToday(ctx)) problems.push({ name: 'start_date', reason: 'must not be in the past' });
  if (problems.length > 0) throw validationFailed('Body', problems);
  const loans = recollectableLoans(tenant, c.loanIds, () => 'recollection_case_id', null).sort((a, b) => a.toRepayAt - b.toRepayAt || a.seq - b.seq);
  const owed = loans.map((l) => ({ loanId: l.id, left: owedByLoan(l) })).filter((o) => o.left > 0);
  const debt = owed.reduce((sum, o) => sum + o.left, 0);
  if (debt < n) {
    throw validationFailed('Body', [{ name: 'number_of_installment', reason: `the case owes ${debt} cents: at most ${debt} installments` }]);
  }
  const fees = split(input.recollection_fees ?? 0, n);
  const period = input.period ?? DEFAULT_INSTALLMENT_PERIOD;
  let cursor = 0;
  const installments = split(debt, n).map((share, k) => {
    const lettering: { loan_id: string; amount: number }[] = [];
    let left = share;
    while (left > 0) {
      const loan = owed[cursor]!;
      const take = Math.min(left, loan.left);
      lettering.push({ loan_id: loan.loanId, amount: take });
      loan.left -= take;
      left -= take;
      if (loan.left === 0) cursor += 1;
    }
    return {
      amount: share + fees[k]!, date: isoTimestamp(businessDay(addPeriods(start, period, k))), loans: lettering, recollection_fees: fees[k]!,
    };
  });
  return { payment_method: input.repayment_method ?? DEFAULT_INSTALLMENT_PAYMENT_METHOD, installments };
}

function startOfToday(ctx: EmulatorContext): number {
  const now = ctx.clock.now();
  return now - (now % DAY_MS);
}

interface PlanInstallment {
  readonly amount: number;
  readonly date: string;
  readonly loans: readonly { readonly loan_id: string; readonly amount: number }[];
  readonly recollection_fees?: number | undefined;
  readonly reference?: string | null | undefined;
}

/**
 * Checks a plan's installments: each `amount` is its loans' amounts plus its recollection fees, dates are not in
 * the past and strictly increasing, and every loan is lettered exactly what it owes. Returns the loans, in order.
 */
function checkPlan(
  ctx: EmulatorContext, tenant: TenantState, installments: readonly PlanInstallment[], allowed: readonly string[] | null,
): LoanRecord[] {
  const problems: InvalidParam[] = [];
  const lettered = new Map<string, number>();
  const firstSeenAt = new Map<string, string>();
  let previous = -Infinity;
  installments.forEach((inst, i) => {
    const lettering = inst.loans.reduce((sum, l) => sum + l.amount, 0);
    const fees = inst.recollection_fees ?? 0;
    if (inst.amount !== lettering + fees) {
      problems.push({ name: `installments.${i}.amount`, reason: `must equal its loans' amounts plus recollection fees (${lettering + fees})` });
    }
    const date = Date.parse(inst.date);
    if (date < startOfToday(ctx)) problems.push({ name: `installments.${i}.date`, reason: 'must not be in the past' });
    else if (date <= previous) problems.push({ name: `installments.${i}.date`, reason: 'must be after the previous installment' });
    previous = Math.max(previous, date);
    inst.loans.forEach((share, j) => {
      if (allowed !== null && !allowed.includes(share.loan_id)) {
        problems.push({ name: `installments.${i}.loans.${j}.loan_id`, reason: 'not a loan of this recollection case' });
      }
      lettered.set(share.loan_id, (lettered.get(share.loan_id) ?? 0) + share.amount);
      if (!firstSeenAt.has(share.loan_id)) firstSeenAt.set(share.loan_id, `installments.${i}.loans.${j}.loan_id`);
    });
  });
  if (problems.length > 0) throw validationFailed('Body', problems);
  const ids = [...lettered.keys()];
  const loans = recollectableLoans(tenant, ids, (i) => firstSeenAt.get(ids[i]!)!, null);
  const wrong = loans.filter((l) => lettered.get(l.id) !== owedByLoan(l));
  if (wrong.length > 0) {
    throw validationFailed('Body', wrong.map((l) => ({
      name: 'installments', reason: `loan ${l.id} owes ${owedByLoan(l)} cents; the installments repay ${lettered.get(l.id)}`,
    })));
  }
  return loans;
}

/** Stores a plan in DRAFT and schedules its activation. */
function addPlan(
  ctx: EmulatorContext, tenant: TenantState, plan: Omit<InstallmentPlanRecord, 'id' | 'seq' | 'createdAt' | 'updatedAt' | 'installments'>,
  installments: readonly PlanInstallment[],
): InstallmentPlanRecord {
  const now = ctx.clock.now();
  const record = tenant.installmentPlans.add({
    ...plan, id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now,
    installments: installments.map((i): InstallmentRecord => ({
      id: randomUUID(), amount: i.amount, date: Date.parse(i.date), status: 'DRAFT',
      loans: i.loans.map((l) => ({ loanId: l.loan_id, amount: l.amount })), recollectionFees: i.recollection_fees ?? 0, reference: i.reference ?? null,
    })),
  });
  ctx.clock.schedule(ctx.timing.stepDelayMs * INSTALLMENT_PLAN_ACTIVATION_STEPS, () => activatePlan(ctx, tenant, record));
  return record;
}

/** DRAFT → PROPOSED; the unpaid installments of older plans on the same loans are cancelled. */
function activatePlan(ctx: EmulatorContext, tenant: TenantState, plan: InstallmentPlanRecord): void {
  if (!plan.installments.every((i) => i.status === 'DRAFT')) return;
  const now = ctx.clock.now();
  for (const other of tenant.installmentPlans.items) {
    if (other === plan || other.seq > plan.seq || !other.loanIds.some((id) => plan.loanIds.includes(id))) continue;
    for (const i of other.installments) if (i.status !== 'PAID') i.status = 'CANCELED';
    other.updatedAt = now;
  }
  for (const i of plan.installments) i.status = 'PROPOSED';
  plan.updatedAt = now;
}

/** `POST /recollection-case/{id}/installment-plans`: a plan for the case's loans, which becomes its active strategy. */
export function createRecollectionInstallmentPlan(
  ctx: EmulatorContext, tenant: TenantState, c: RecollectionCaseRecord, input: RecollectionInstallmentPlan,
): RecollectionInstallmentPlanCreated {
  const loans = checkPlan(ctx, tenant, input.installments, c.loanIds);
  const plan = addPlan(ctx, tenant, {
    business: c.debtor, loanIds: loans.map((l) => l.id), paymentMethod: input.payment_method, recollectionCaseId: c.id, saltId: null,
  }, input.installments);
  c.planIds.push(plan.id);
  c.updatedAt = plan.createdAt;
  return { installment_plan_id: plan.id, recollection_case: recollectionCaseView(c) };
}

/**
 * `POST /installment-plans`: a plan for loans of one borrower, deduplicated on `salt_id` (default: the sorted loan
 * ids): a known salt returns the existing plan unchanged.
 */
export function createInstallmentPlan(ctx: EmulatorContext, tenant: TenantState, input: InstallmentPlanCreation): InstallmentPlan {
  const loanIds = [...new Set(input.installments.flatMap((i) => i.loans.map((l) => l.loan_id)))];
  const salt = input.salt_id ?? [...loanIds].sort().join(',');
  const known = tenant.installmentPlanBySalt.get(salt);
  const existing = known ? tenant.installmentPlans.get(known) : undefined;
  if (existing) return installmentPlanView(existing);
  const loans = checkPlan(ctx, tenant, input.installments, null);
  const owners = new Set(loans.map((l) => l.borrowerId));
  const borrower = owners.size === 1 && loans[0]!.borrowerId ? tenant.borrowers.get(loans[0]!.borrowerId) : undefined;
  if (!borrower) {
    throw validationFailed('Body', [{ name: 'installments', reason: 'every loan of a plan must be owed by the same registered borrower' }]);
  }
  if (input.payment_method === 'DIRECT_DEBIT' && !input.from_account && !borrower.input.account_number) {
    throw validationFailed('Body', [{ name: 'from_account', reason: 'required for DIRECT_DEBIT when the borrower has no account' }]);
  }
  const plan = addPlan(ctx, tenant, {
    business: { identifier: borrower.input.identifier, identifierType: borrower.input.identifier_type ?? 'siren' },
    loanIds: loans.map((l) => l.id), paymentMethod: input.payment_method, recollectionCaseId: null, saltId: salt,
  }, input.installments);
  tenant.installmentPlanBySalt.set(salt, plan.id);
  return installmentPlanView(plan);
}
