/**
 * The null loan's activities: the lifecycle's activity interface with no Defacto behind it. Each returns
 * at once a canned result shaped like the emulator's best case (borrower READY at the first read, loan
 * at its end state at the first poll), so the SAME workflow code takes its shortest path and the run
 * measures what Temporal alone costs for our shape. Stateless: the scenario travels in the ids.
 */
import type { LoanActivities } from '../activities';
import type { LoanStatus, Scenario } from '../domain/loan';
import type { BorrowerSummary, InvoiceSummary, LoanSnapshot, PaymentSummary } from '../domain/summaries';

const DAY_MS = 86_400_000;
const AMOUNT_CENTS = 12_000;
const FEES_CENTS = 6;

/** Where each scenario's loan stands at its first poll. */
const END_STATUS: Readonly<Record<Scenario, LoanStatus>> = {
  SUCCESS: 'CLOSED',
  SUCCESS_ONE_DAY_LATER: 'CLOSED',
  FAIL: 'ISSUE_DETECTED',
  REJECT: 'DECLINED',
  CANCEL: 'CANCELED',
};

function scenarioOf(id: string): Scenario {
  const match = /^(?:inv|loan)~([A-Z_]+)~/.exec(id);
  const value = match?.[1];
  return value && value in END_STATUS ? (value as Scenario) : 'SUCCESS';
}

function borrower(identifier: string, status: BorrowerSummary['status'], signedAt: string | null): BorrowerSummary {
  return { id: `bor-${identifier}`, identifier, identifierType: 'siren', name: 'Null Loan SAS', status, statusReason: null, signedAt };
}

function loan(id: string, status: LoanStatus, toPayAt: string, toRepayAt: string): LoanSnapshot {
  const closed = status === 'CLOSED';
  return {
    id, status, amountCents: AMOUNT_CENTS, currency: 'EUR', feesEstimatedCents: FEES_CENTS, toPayAt, toRepayAt,
    paidAt: closed || status === 'ISSUE_DETECTED' ? toPayAt : null,
    closedAt: closed ? toPayAt : null,
    repaidAmountCents: closed ? AMOUNT_CENTS + FEES_CENTS : 0,
    repaidNominalCents: closed ? AMOUNT_CENTS : 0,
    paidInterestsCents: closed ? FEES_CENTS : 0,
    denialReason: status === 'DECLINED' ? 'CREDIT_RISK_NOT_ELIGIBLE' : null,
  };
}

function payment(id: string, type: string, status: PaymentSummary['status']): PaymentSummary {
  return {
    id, type, status, amountCents: AMOUNT_CENTS, currency: 'EUR', paidAt: status === 'PAID' ? new Date().toISOString() : null,
    failureReason: status === 'FAILED' ? 'SANDBOX_SCENARIO_FAIL' : null,
  };
}

/** Canned activities; `calls` counts invocations by activity name (for the report). */
export function nullActivities(calls: Map<string, number> = new Map()): LoanActivities {
  let seq = 0;
  const count = (name: string): void => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
  };
  const invoice = (invoiceNumber: string, scenario: Scenario, seller: string | null): InvoiceSummary => {
    const now = Date.now();
    return {
      id: `inv~${scenario}~${invoiceNumber}`, invoiceNumber, status: 'SUBMITTED', amountCents: AMOUNT_CENTS, currency: 'EUR',
      issuedAt: new Date(now).toISOString(), dueAt: new Date(now + 30 * DAY_MS).toISOString(),
      sellerIdentifier: seller, buyerIdentifier: 'NULLBUYER',
    };
  };
  return {
    async generateBusiness({ country }) {
      count('generateBusiness');
      seq += 1;
      return { identifier: `NULL${process.pid}${seq}${Date.now()}`, identifierType: 'siren', name: 'Null Loan SAS', country };
    },
    async createBorrower({ business, signedAt }) {
      count('createBorrower');
      return borrower(business.identifier, signedAt ? 'SIGNED' : 'TO_SIGN', signedAt);
    },
    async signBorrower({ borrowerId, signedAt }) {
      count('signBorrower');
      return borrower(borrowerId.replace(/^bor-/, ''), 'SIGNED', signedAt);
    },
    async getBorrower({ borrowerId }) {
      count('getBorrower');
      return borrower(borrowerId.replace(/^bor-/, ''), 'READY', new Date().toISOString());
    },
    async getContractLink() {
      count('getContractLink');
      return { available: true, expiresAt: null };
    },
    async generateInvoice(input) {
      count('generateInvoice');
      return invoice(input.invoiceNumber, input.scenario, input.seller.identifier);
    },
    async createInvoice({ payload }) {
      count('createInvoice');
      return invoice(payload.invoice_number, 'SUCCESS', payload.seller.identifier);
    },
    async requestLoan(input) {
      count('requestLoan');
      const id = `loan~${scenarioOf(input.invoiceId)}~${input.saltId}`;
      return loan(id, 'SUBMITTED', input.toPayAt, input.toRepayAt);
    },
    async getLoan({ loanId }) {
      count('getLoan');
      const now = Date.now();
      return loan(loanId, END_STATUS[scenarioOf(loanId)], new Date(now).toISOString(), new Date(now + 30 * DAY_MS).toISOString());
    },
    async validateLoan({ loanId }) {
      count('validateLoan');
      const now = Date.now();
      return loan(loanId, 'VALIDATED', new Date(now).toISOString(), new Date(now + 30 * DAY_MS).toISOString());
    },
    async cancelLoan({ loanId }) {
      count('cancelLoan');
      const now = Date.now();
      return loan(loanId, 'CANCELED', new Date(now).toISOString(), new Date(now + 30 * DAY_MS).toISOString());
    },
    async listLoanEvents() {
      count('listLoanEvents');
      return { count: 7, statuses: ['SUBMITTED', 'VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'CLOSED'] };
    },
    async listPayments({ loanId }) {
      count('listPayments');
      if (scenarioOf(loanId) === 'FAIL') return [payment(`pay-${loanId}`, 'LOAN_PAYMENT', 'FAILED')];
      return [payment(`pay-${loanId}`, 'LOAN_PAYMENT', 'PAID'), payment(`rep-${loanId}`, 'REPAYMENT_FULL', 'PAID')];
    },
    async getCreditLines({ borrowerIdentifier }) {
      count('getCreditLines');
      return { id: `cl-${borrowerIdentifier}`, currency: 'EUR', poolAmountCents: 5_000_000, balanceAvailableCents: 5_000_000, feesDailyRate: 0.05 };
    },
    async checkEligibility() {
      count('checkEligibility');
      return { isEligible: true, reasonCodes: [] };
    },
    async translateDenialCode({ code }) {
      count('translateDenialCode');
      return { code, language: 'en', text: 'The credit risk of the business is not eligible.' };
    },
    async repayNow({ loanId }) {
      count('repayNow');
      return { url: `https://null-loan.invalid/pay/${loanId}` };
    },
  };
}
