/**
 * Every operation of Defacto's OpenAPI document (77), by family, and whether the emulator emulates it.
 * The rest answer 501 with a problem naming the operation (never a bare 404), so a client learns at once
 * that the emulator, not its request, is the limit. Tests compare this table with the document.
 */

/** Families of operations. */
export type OperationFamily =
  | 'lending' | 'counterparties' | 'onboarding' | 'repayment' | 'recollection'
  | 'cards' | 'billing' | 'business-data' | 'segments' | 'subscriptions';

/** One operation: method, OpenAPI path template, family, and whether the emulator emulates it. */
export interface Operation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly family: OperationFamily;
  readonly emulated: boolean;
}

const op = (method: Operation['method'], path: string, family: OperationFamily, emulated = true): Operation =>
  ({ method, path, family, emulated });

/** The 77 operations. */
export const OPERATIONS: readonly Operation[] = [
  // Lending (digest §3.0)
  op('GET', '/hello', 'lending'),
  op('GET', '/sandbox/business-generator', 'lending'),
  op('GET', '/sandbox/iban-generator', 'lending'),
  op('POST', '/sandbox/invoice-generator', 'lending'),
  op('POST', '/sandbox/business-eligible', 'lending'),
  op('POST', '/borrowers', 'lending'),
  op('GET', '/borrowers', 'lending'),
  op('GET', '/borrower/{borrower_id}', 'lending'),
  op('POST', '/borrower/{borrower_id}/sign', 'lending'),
  op('POST', '/borrower/{borrower_id}/deactivate', 'lending'),
  op('POST', '/borrower/{borrower_id}/owner', 'lending'),
  op('GET', '/borrower/{borrower_id}/repayment-methods', 'lending'),
  op('POST', '/borrower/{borrower_id}/repayment-methods', 'lending'),
  op('GET', '/borrower/{borrower_id}/financial-products', 'lending'),
  op('POST', '/invoices', 'lending'),
  op('POST', '/invoices/upload', 'lending'),
  op('GET', '/invoices', 'lending'),
  op('GET', '/invoice/{invoice_id}', 'lending'),
  op('PATCH', '/invoice/{invoice_id}', 'lending'),
  op('DELETE', '/invoice/{invoice_id}', 'lending'),
  op('POST', '/invoice/{invoice_id}/submit', 'lending'),
  op('POST', '/loans', 'lending'),
  op('GET', '/loans', 'lending'),
  op('GET', '/loan/{loan_id}', 'lending'),
  op('PATCH', '/loan/{loan_id}', 'lending'),
  op('POST', '/loan/{loan_id}/validate', 'lending'),
  op('POST', '/loan/{loan_id}/cancel', 'lending'),
  op('GET', '/loan/{loan_id}/events', 'lending'),
  op('PUT', '/loan/repayment-terms', 'lending'),
  op('POST', '/loan/documents/{document_type}', 'lending'),
  op('GET', '/payments', 'lending'),
  op('GET', '/installments', 'lending'),
  op('GET', '/credit_lines', 'lending'),
  op('GET', '/credit_line', 'lending'),
  op('GET', '/credit_line/{credit_line_id}', 'lending'),
  op('POST', '/webhooks', 'lending'),
  op('GET', '/webhooks', 'lending'),
  op('PATCH', '/webhook/{webhook_id}', 'lending'),
  op('DELETE', '/webhook/{webhook_id}', 'lending'),
  op('POST', '/eligibility/borrower', 'lending'),
  op('POST', '/eligibility/beneficiary', 'lending'),
  op('GET', '/eligibility/reasons', 'lending'),
  op('GET', '/translation/denial-code/{code}', 'lending'),
  op('GET', '/events', 'lending'),
  // Lending-adjacent
  op('GET', '/counterparties', 'counterparties'),
  op('POST', '/counterparties', 'counterparties'),
  op('GET', '/counterparty/{counterparty_id}', 'counterparties'),
  op('POST', '/onboardings', 'onboarding'),
  op('GET', '/onboarding/{onboarding_id}', 'onboarding'),
  op('GET', '/business/public-data', 'onboarding'),
  op('POST', '/repay/now', 'repayment'),
  op('GET', '/recollection-cases', 'recollection'),
  op('POST', '/recollection-cases', 'recollection'),
  op('GET', '/recollection-case/{recollection_case_id}', 'recollection'),
  op('PUT', '/recollection-case/{recollection_case_id}', 'recollection'),
  op('POST', '/recollection-case/{recollection_case_id}/installment-plans', 'recollection'),
  op('POST', '/recollection-case/{recollection_case_id}/installment-plans/compute', 'recollection'),
  op('GET', '/installment-plan/{installment_plan_id}', 'recollection'),
  op('POST', '/installment-plans', 'recollection'),
  // Not emulated
  op('GET', '/cards', 'cards', false),
  op('GET', '/cards/{card_id}', 'cards', false),
  op('GET', '/cards/{card_id}/entries', 'cards', false),
  op('GET', '/cards/{card_id}/entries/export', 'cards', false),
  op('PATCH', '/cards/{card_id}/status', 'cards', false),
  op('POST', '/cards/{card_id}/ephemeral-key', 'cards', false),
  op('GET', '/bills', 'billing', false),
  op('POST', '/bill/{bill_id}/sent', 'billing', false),
  op('GET', '/referrer/{referrer_id}', 'billing', false),
  op('POST', '/referrer/{referrer_id}/upload-invoice/{revenue_share_id}', 'billing', false),
  op('POST', '/business/data/accounts', 'business-data', false),
  op('POST', '/business/data/account-transactions', 'business-data', false),
  op('POST', '/business/data/invoices', 'business-data', false),
  op('POST', '/business/data/batch-upload', 'business-data', false),
  op('POST', '/business/data/batch-upload/{batch_id}/close', 'business-data', false),
  op('GET', '/business/data-request/data-type/{data_type}', 'business-data', false),
  op('GET', '/business/{business_id}/segment', 'segments', false),
  op('POST', '/subscription/{subscription_id}/activate', 'subscriptions', false),
];

/** `'{param}'` path template → Fastify's `':param'`. */
export const fastifyPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');
