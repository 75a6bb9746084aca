/** Minimal valid wire objects for client tests against the stub server. */
import type { ApiBorrower, ApiInvoice, LoanApi, Page, Webhook } from '../../src/defacto/wire';

const account = {
  account_number: 'FR7611111015593603018280926',
  account_number_type: 'iban',
  bank_identifier: 'FK2FACTO',
  bank_identifier_type: 'bic',
} as const;

/** A schema-valid loan in `status`. */
export function loan(id: string, status: LoanApi['status'] = 'TO_VALIDATE'): LoanApi {
  return {
    id, status, amount: 12_000, currency: 'EUR', loan_type: 'INVOICE_BASED_FINANCING',
    borrower: { identifier: '134872571', identifier_type: 'siren' },
    beneficiary: { identifier: '312416506', identifier_type: 'siren' },
    invoice_ids: [], loan_from: account, loan_from_references: [], loan_to: account, loan_to_references: [],
    repayment_method: 'SCT', repayment_from_references: [], repayment_to: account, repayment_to_references: [],
    to_pay_at: '2024-05-02T09:00:00+00:00', to_repay_at: '2024-06-01T00:00:00+00:00',
    earliest_to_repay_at: '2024-05-03T00:00:00+00:00', submitted_at: '2024-05-02T09:00:00.000000+00:00',
    repaid_amount: 0, repaid_nominal_amount: 0, paid_interests_amount: 0, deposits: {}, documents: [],
  };
}

/** A schema-valid borrower. */
export function borrower(id: string, identifier: string): ApiBorrower {
  return { id, identifier, identifier_type: 'siren', status: 'READY' };
}

/** A schema-valid invoice. */
export function invoice(id: string, invoiceNumber: string, status: ApiInvoice['status'] = 'VERIFIED'): ApiInvoice {
  return { id, invoice_number: invoiceNumber, net_amount: 10_000, status };
}

/** A schema-valid webhook subscription. */
export function webhook(id: string, toUrl: string): Webhook {
  return { id, name: `hook ${id}`, to_url: toUrl, event_types: ['Loan.CLOSED'] };
}

/** A page envelope around `data`. */
export function page<T>(data: T[], nextPage: string | null = null): Page<T> {
  return { data, count: data.length, page_size: 2, next_page: nextPage, previous_page: null, total: null };
}
