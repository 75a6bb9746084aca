/**
 * A borrower's owner, repayment methods and financial products (digest §3.10). Every borrower starts with
 * one main SCT repayment method to Defacto's collection account; a DIRECT_DEBIT method is READY at once in
 * the sandbox (`SANDBOX_MANDATE_READY_AT_ONCE`). Its single financial product mirrors its credit line.
 */
import { createHash, randomUUID } from 'node:crypto';
import type {
  BorrowerFinancialProduct, OwnerCreated, OwnerCreation, Page, RepaymentMethod, RepaymentMethodCreation,
} from '../defacto/wire';
import { FEES_DAILY_RATE_PERCENT, SANDBOX_MANDATE_READY_AT_ONCE } from './assumptions';
import type { EmulatorContext } from './context';
import { accountDetails } from './invoice-service';
import { NEWEST_FIRST, OLDEST_FIRST, paginate, type PageRequest } from './pagination';
import { invalidTransition, validationFailed } from './problems';
import type { BorrowerRecord, RepaymentMethodRecord } from './records';
import type { TenantState } from './store';
import { DEFACTO_REPAYMENT_TO } from './views';

/** `POST /borrower/{borrower_id}/owner`: records (or replaces) the person subscribing for the borrower. */
export function createOwner(ctx: EmulatorContext, borrower: BorrowerRecord, owner: OwnerCreation): OwnerCreated {
  if (borrower.status === 'DEACTIVATED') throw invalidTransition('A deactivated borrower cannot get a new owner.', { status: borrower.status });
  borrower.input = { ...borrower.input, owner };
  borrower.ownerId = randomUUID();
  borrower.updatedAt = ctx.clock.now();
  return { id: borrower.ownerId, email: owner.email ?? '', phone_number: owner.phone_number ?? '' };
}

function methodsOf(ctx: EmulatorContext, tenant: TenantState, borrower: BorrowerRecord): RepaymentMethodRecord[] {
  let methods = tenant.repaymentMethods.get(borrower.id);
  if (!methods) {
    methods = [{
      id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: borrower.createdAt, updatedAt: borrower.createdAt, borrowerId: borrower.id,
      paymentMethod: 'SCT', name: null, status: 'READY', isMain: true, accountToDebit: null, accountToCredit: DEFACTO_REPAYMENT_TO,
    }];
    tenant.repaymentMethods.set(borrower.id, methods);
  }
  return methods;
}

function repaymentMethodView(m: RepaymentMethodRecord): RepaymentMethod {
  return { payment_method: m.paymentMethod, status: m.status, is_main: m.isMain, account_to_debit: m.accountToDebit, account_to_credit: m.accountToCredit };
}

/** `GET /borrower/{borrower_id}/repayment-methods`: oldest first. */
export function listRepaymentMethods(
  ctx: EmulatorContext, tenant: TenantState, borrower: BorrowerRecord, request: PageRequest,
): Page<RepaymentMethod> {
  return paginate(methodsOf(ctx, tenant, borrower), OLDEST_FIRST, request, repaymentMethodView, true);
}

/**
 * `POST /borrower/{borrower_id}/repayment-methods`: adds the method; as default it becomes the main one;
 * with `apply_to_all_active_loans` the borrower's loans to repay switch to it (their `loan_to` never changes).
 */
export function addRepaymentMethod(
  ctx: EmulatorContext, tenant: TenantState, borrower: BorrowerRecord, input: RepaymentMethodCreation,
): RepaymentMethod {
  if (input.payment_method === 'DIRECT_DEBIT' && !input.from_account) {
    throw validationFailed('Body', [{ name: 'from_account', reason: 'required for DIRECT_DEBIT' }]);
  }
  const methods = methodsOf(ctx, tenant, borrower);
  const now = ctx.clock.now();
  const record: RepaymentMethodRecord = {
    id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, borrowerId: borrower.id,
    paymentMethod: input.payment_method, name: input.name ?? null,
    status: input.payment_method === 'SCT' || SANDBOX_MANDATE_READY_AT_ONCE ? 'READY' : 'PENDING_VALIDATION',
    isMain: input.is_default_repayment_method,
    accountToDebit: input.from_account ? accountDetails(input.from_account) : null,
    accountToCredit: input.payment_method === 'SCT' ? DEFACTO_REPAYMENT_TO : null,
  };
  if (record.isMain) for (const m of methods) m.isMain = false;
  methods.push(record);
  if (input.apply_to_all_active_loans) {
    for (const loan of tenant.loans.items) {
      if (loan.borrowerId !== borrower.id || (loan.status !== 'TO_REPAY' && loan.status !== 'TO_REPAY_FEES')) continue;
      loan.repaymentMethod = input.payment_method;
      loan.updatedAt = now;
    }
  }
  return repaymentMethodView(record);
}

/** Stable product id per borrower (one invoice-financing product each). */
function productId(borrowerId: string): string {
  const hex = createHash('sha256').update(`financial-product:${borrowerId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const PRODUCT_STATUS: Readonly<Record<string, BorrowerFinancialProduct['status']>> = {
  TO_SIGN: 'TO_SIGN', SIGNED: 'PENDING_USER_ACTION', SDD_SETUP: 'PENDING_USER_ACTION', ALL_PAYMENT_SETUP: 'PENDING_USER_ACTION',
  READY: 'READY', BLOCKED: 'BLOCKED', DEACTIVATED: 'DEACTIVATED', PROHIBITED: 'BLOCKED',
};

function productView(tenant: TenantState, borrower: BorrowerRecord): BorrowerFinancialProduct {
  const line = borrower.creditLineId ? tenant.creditLines.get(borrower.creditLineId) : undefined;
  const status = PRODUCT_STATUS[borrower.status] ?? 'CREATED';
  return {
    id: productId(borrower.id), borrower_id: borrower.id, status, status_reason: null, can_request_loan: status === 'READY' && line !== undefined,
    available_amount: line?.balanceAvailable ?? null, max_amount: line?.pool ?? null,
    amount_outstanding: line ? line.pool - line.balanceAvailable : null, amount_pending_validation: line?.balancePendingValidation ?? null,
    fees_daily_rate: FEES_DAILY_RATE_PERCENT, unlock_loan_request_link: null,
    financial_product: { name: 'Invoice financing', product_type: 'INVOICE_BASED_FINANCING', configuration: { contract_type: 'CREDIT_OPERATION' } },
  };
}

/** `GET /borrower/{borrower_id}/financial-products`: the borrower's invoice-financing product. */
export function listFinancialProducts(tenant: TenantState, borrower: BorrowerRecord, request: PageRequest): Page<BorrowerFinancialProduct> {
  return paginate([borrower], NEWEST_FIRST, request, (b) => productView(tenant, b), true);
}
