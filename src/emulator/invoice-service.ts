/**
 * Invoices (digest §3.11, §3.12, §4.2): created as drafts (`TO_SUBMIT`) or submitted and, in the
 * sandbox, verified at once; PATCH only while editable; submit checks the fields a loan needs.
 */
import { randomUUID } from 'node:crypto';
import type {
  AccountCreation, AccountDetails, ApiInvoice, CounterpartyCreation, InvoiceCreation, InvoicePatch, InvalidParam, Page, RelationType,
} from '../defacto/wire';
import { SANDBOX_BIC } from '../defacto/wire';
import { ENFORCE_ONE_IBAN_PER_COUNTERPARTY } from './assumptions';
import type { EmulatorContext } from './context';
import { listPage } from './list-filters';
import { INVOICE_LIST } from './lists';
import type { PageRequest } from './pagination';
import { invalidTransition, notFound, ProblemError, validationFailed } from './problems';
import { isSandboxIban, normalizeIban } from './scenario';
import type { CounterpartyRef, InvoiceRecord } from './records';
import { pushIndex, type TenantState } from './store';
import { canPatchInvoice, invoiceMachine, loanHoldsInvoice } from './state-machines';
import { knownCounterparty } from './counterparty-service';
import { moveInvoice } from './transitions';
import { invoiceView } from './views';

/** The tenant's invoice, or a 404 problem. */
export function invoiceOr404(tenant: TenantState, id: string): InvoiceRecord {
  const invoice = tenant.invoices.get(id);
  if (!invoice) throw notFound('invoice', id);
  return invoice;
}

/** `GET /invoices`. */
export function listInvoices(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<ApiInvoice> {
  return listPage(INVOICE_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.invoices.items, (i) => invoiceView(ctx, i));
}

/** `PATCH /invoice/{invoice_id}`: only while the invoice is editable (§3.12). */
export function editInvoice(ctx: EmulatorContext, tenant: TenantState, invoice: InvoiceRecord, patch: InvoicePatch): void {
  if (!canPatchInvoice(invoice.status)) {
    throw invalidTransition(`An invoice can be edited only in TO_SUBMIT or TO_EDIT; this one is ${invoice.status}.`, { status: invoice.status });
  }
  patchInvoice(ctx, tenant, invoice, patch);
}

/** `DELETE /invoice/{invoice_id}`: refused while an active loan finances it or its status forbids it. */
export function deleteInvoice(ctx: EmulatorContext, tenant: TenantState, invoice: InvoiceRecord): void {
  const activeLoan = invoice.loanIds.some((id) => {
    const loan = tenant.loans.get(id);
    return loan !== undefined && loanHoldsInvoice(loan.status) && loan.status !== 'CLOSED';
  });
  if (activeLoan || !invoiceMachine.can(invoice.status, 'DELETE')) {
    throw invalidTransition(activeLoan ? 'This invoice is financed by an active loan.' : `An invoice in ${invoice.status} cannot be deleted.`,
      { status: invoice.status });
  }
  moveInvoice(ctx, tenant, invoice, 'DELETE');
}

/** `POST /invoice/{invoice_id}/submit` with its optional patch body. */
export function submitEditedInvoice(ctx: EmulatorContext, tenant: TenantState, invoice: InvoiceRecord, patch: InvoicePatch): void {
  if (!invoiceMachine.can(invoice.status, 'SUBMIT')) {
    throw invalidTransition(`An invoice can be submitted only in TO_SUBMIT or TO_EDIT; this one is ${invoice.status}.`, { status: invoice.status });
  }
  patchInvoice(ctx, tenant, invoice, patch);
  submitInvoice(ctx, tenant, invoice);
}

/** Normalises an account as read back (`APILightAccountDetails`). */
export function accountDetails(account: AccountCreation): AccountDetails {
  return {
    account_number: normalizeIban(account.account_number),
    account_number_type: account.account_number_type ?? 'iban',
    bank_identifier: account.bank_identifier ?? SANDBOX_BIC,
    bank_identifier_type: account.bank_identifier_type ?? 'bic',
  };
}

function counterpartyRef(
  ctx: EmulatorContext, tenant: TenantState, input: CounterpartyCreation | null | undefined, relation: RelationType,
): CounterpartyRef | null {
  if (!input) return null;
  const identifier = input.identifier ?? '';
  const known = knownCounterparty(ctx, tenant, input, relation);
  return {
    id: known.id, businessId: known.businessId, identifier, identifierType: input.identifier_type ?? null,
    name: input.name ?? null, vatNumber: input.vat_number ?? null, input,
  };
}

/** One scenario IBAN belongs to one seller (§8); throws a 400 when another seller already uses it. */
function claimIban(tenant: TenantState, account: AccountDetails | null, seller: CounterpartyRef | null): void {
  if (!ENFORCE_ONE_IBAN_PER_COUNTERPARTY || !account || !isSandboxIban(account.account_number)) return;
  const owner = seller?.identifier ?? '';
  const current = tenant.ibanOwner.get(account.account_number);
  if (current !== undefined && current !== owner) {
    throw new ProblemError(400, 'bad_request', 'This sandbox IBAN already belongs to another counterparty.',
      [{ name: 'to_account.account_number', reason: 'IBAN already used by another counterparty' }]);
  }
  tenant.ibanOwner.set(account.account_number, owner);
}

/** Creates an invoice; `is_draft` true keeps it `TO_SUBMIT`, otherwise it is submitted and verified. */
export function createInvoice(
  ctx: EmulatorContext, tenant: TenantState, input: InvoiceCreation, options: { forceSubmit?: boolean } = {},
): InvoiceRecord {
  const now = ctx.clock.now();
  const seller = counterpartyRef(ctx, tenant, input.seller, 'SUPPLIER');
  const toAccount = input.to_account ? accountDetails(input.to_account) : null;
  claimIban(tenant, toAccount, seller);
  const isDraft = options.forceSubmit ? false : input.is_draft === true;
  if (!isDraft) {
    const missing = missingForSubmit({ ...input, buyer: input.buyer ?? null, seller: input.seller ?? null });
    if (missing.length > 0) throw validationFailed('Body', missing);
  }
  const documentId = randomUUID();
  tenant.documents.set(documentId, input.document);
  const invoice: InvoiceRecord = {
    id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, status: 'TO_SUBMIT',
    invoiceNumber: input.invoice_number ?? null, issuedAt: input.issued_at ?? null, dueAt: input.due_at ?? null,
    currency: input.currency ?? 'EUR', netAmount: input.net_amount ?? null, taxAmount: input.tax_amount ?? null,
    totalAmount: input.total_amount ?? null, toPayAmount: input.to_pay_amount ?? input.total_amount ?? null,
    buyer: counterpartyRef(ctx, tenant, input.buyer, 'DEBTOR'), seller, toAccount, isDraft, documentId, loanIds: [],
    metadata: input.metadata ?? null,
  };
  tenant.invoices.add(invoice);
  if (invoice.invoiceNumber !== null) pushIndex(tenant.invoicesByNumber, invoice.invoiceNumber, invoice.id);
  if (isDraft) {
    moveInvoice(ctx, tenant, invoice, 'CREATE_DRAFT', true);
  } else {
    moveInvoice(ctx, tenant, invoice, 'SUBMIT', true);
    moveInvoice(ctx, tenant, invoice, 'VERIFY');
  }
  return invoice;
}

/** Fields a submitted invoice must have (§3.12: 422 with the list of missing fields). */
export function missingForSubmit(fields: {
  invoice_number?: string | null | undefined; issued_at?: string | null | undefined; due_at?: string | null | undefined;
  total_amount?: number | null | undefined; buyer?: unknown; seller?: unknown;
}): InvalidParam[] {
  const required = ['invoice_number', 'issued_at', 'due_at', 'total_amount', 'buyer', 'seller'] as const;
  return required
    .filter((name) => fields[name] === null || fields[name] === undefined)
    .map((name) => ({ name, reason: 'field required to submit the invoice' }));
}

/** Applies a PATCH body (only fields present are changed). */
export function patchInvoice(ctx: EmulatorContext, tenant: TenantState, invoice: InvoiceRecord, patch: InvoicePatch): void {
  if (patch.invoice_number != null && patch.invoice_number !== invoice.invoiceNumber) {
    if (invoice.invoiceNumber !== null) {
      const ids = tenant.invoicesByNumber.get(invoice.invoiceNumber)?.filter((id) => id !== invoice.id) ?? [];
      if (ids.length > 0) tenant.invoicesByNumber.set(invoice.invoiceNumber, ids);
      else tenant.invoicesByNumber.delete(invoice.invoiceNumber);
    }
    invoice.invoiceNumber = patch.invoice_number;
    pushIndex(tenant.invoicesByNumber, patch.invoice_number, invoice.id);
  }
  if (patch.issued_at != null) invoice.issuedAt = patch.issued_at;
  if (patch.due_at != null) invoice.dueAt = patch.due_at;
  if (patch.currency != null) invoice.currency = patch.currency;
  if (patch.net_amount != null) invoice.netAmount = patch.net_amount;
  if (patch.tax_amount != null) invoice.taxAmount = patch.tax_amount;
  if (patch.total_amount != null) {
    // Without its own value, the amount to pay follows the total (as on creation).
    const follows = invoice.toPayAmount === null || invoice.toPayAmount === invoice.totalAmount;
    invoice.totalAmount = patch.total_amount;
    if (follows) invoice.toPayAmount = patch.total_amount;
  }
  if (patch.to_pay_amount != null) invoice.toPayAmount = patch.to_pay_amount;
  if (patch.buyer != null) invoice.buyer = counterpartyRef(ctx, tenant, patch.buyer, 'DEBTOR');
  if (patch.seller != null) invoice.seller = counterpartyRef(ctx, tenant, patch.seller, 'SUPPLIER');
  if (patch.to_account != null) {
    const account = accountDetails(patch.to_account);
    claimIban(tenant, account, invoice.seller);
    invoice.toAccount = account;
  }
  if (patch.metadata != null) invoice.metadata = patch.metadata;
  invoice.updatedAt = ctx.clock.now();
}

/** Submits a draft (or an invoice Defacto sent back for edit); the sandbox verifies it at once. */
export function submitInvoice(ctx: EmulatorContext, tenant: TenantState, invoice: InvoiceRecord): void {
  const missing = missingForSubmit({
    invoice_number: invoice.invoiceNumber, issued_at: invoice.issuedAt, due_at: invoice.dueAt,
    total_amount: invoice.totalAmount, buyer: invoice.buyer, seller: invoice.seller,
  });
  if (missing.length > 0) throw validationFailed('Invoice', missing);
  moveInvoice(ctx, tenant, invoice, 'SUBMIT');
  invoice.isDraft = false;
  moveInvoice(ctx, tenant, invoice, 'VERIFY');
}
