/**
 * Loan activities: request (idempotent through `salt_id`), read, validate, cancel, event log. Validate and
 * cancel are made idempotent by reading the loan back when Defacto refuses them: if the first attempt
 * went through and only its reply was lost, the loan already is where we wanted it, or further (a CANCEL
 * scenario cancels right after validation); the workflow then follows whatever status it finds.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  DefactoBadRequestError, DefactoConflictError, DefactoValidationError, IdentifierTypeSchema, type DefactoClient,
  type LoanApi,
} from '../defacto';
import type { Logger } from '../logging';
import { PAST_REVIEW, type LoanStatus } from '../domain/loan';
import type { LoanEventsSummary, LoanSnapshot } from '../domain/summaries';
import type { RequestLoanInput } from './types';
import { loanSnapshot } from './summaries';

function isStateRefusal(error: unknown): boolean {
  return error instanceof DefactoBadRequestError || error instanceof DefactoConflictError || error instanceof DefactoValidationError;
}

/** Runs a state change; on a refusal, succeeds anyway when the loan already reached one of `reached`. */
async function idempotentTransition(
  defacto: DefactoClient,
  loanId: string,
  call: () => Promise<LoanApi>,
  reached: readonly LoanStatus[],
): Promise<LoanSnapshot> {
  try {
    return loanSnapshot(await call());
  } catch (error) {
    if (!isStateRefusal(error)) throw error;
    const loan = await defacto.loans.get(loanId);
    if (reached.includes(loan.status)) return loanSnapshot(loan);
    throw error;
  }
}

/** Loan activities bound to a client. */
export function loanActivities(defacto: DefactoClient, log: Logger) {
  return {
    async requestLoan(input: RequestLoanInput): Promise<LoanSnapshot> {
      const findLoanOf = async (workflowId: string, borrower: string, invoiceId: string): Promise<string | undefined> => {
        for await (const loan of defacto.loans.list({ borrower: [borrower] })) {
          if (loan.metadata?.workflow_id === workflowId && loan.invoice_ids.includes(invoiceId)) return loan.id;
        }
        return undefined;
      };
      // The account to be paid comes from the invoice, read here so no IBAN enters workflow history.
      const invoice = await defacto.invoices.get(input.invoiceId);
      const account = invoice.to_account_details;
      if (!account) {
        throw ApplicationFailure.create({
          type: 'InvoiceWithoutAccount', nonRetryable: true,
          message: 'the invoice has no account to be paid (to_account): a loan needs one as loan_to',
        });
      }
      const identifierType = IdentifierTypeSchema.safeParse(input.borrower.identifierType);
      const loan = await defacto.loans.request({
        amount: input.amountCents,
        currency: input.currency,
        to_pay_at: input.toPayAt,
        to_repay_at: input.toRepayAt,
        loan_to: {
          account_number: account.account_number,
          account_number_type: account.account_number_type,
          bank_identifier: account.bank_identifier,
          bank_identifier_type: account.bank_identifier_type,
        },
        invoice_ids: [input.invoiceId],
        borrower: { identifier: input.borrower.identifier, ...(identifierType.success ? { identifier_type: identifierType.data } : {}) },
        auto_validate: input.autoValidate,
        salt_id: input.saltId,
        metadata: { workflow_id: input.workflowId },
      }).catch(async (error: unknown) => {
        // Same salt_id, different body: this workflow asked before with other dates (a reset re-ran the
        // request). The loan it made then is the one.
        if (!(error instanceof DefactoConflictError) || !error.problemType?.endsWith('idempotency_conflict')) throw error;
        const earlier = await findLoanOf(input.workflowId, input.borrower.identifier, input.invoiceId);
        if (!earlier) throw error;
        return defacto.loans.get(earlier);
      });
      log.info({ workflowId: input.workflowId, loanId: loan.id, status: loan.status }, 'loan requested');
      return loanSnapshot(loan);
    },

    async getLoan({ loanId }: { readonly loanId: string }): Promise<LoanSnapshot> {
      return loanSnapshot(await defacto.loans.get(loanId));
    },

    async validateLoan({ loanId }: { readonly loanId: string }): Promise<LoanSnapshot> {
      const loan = await idempotentTransition(defacto, loanId, () => defacto.loans.validate(loanId), PAST_REVIEW);
      log.info({ loanId, status: loan.status }, 'loan validated');
      return loan;
    },

    async cancelLoan({ loanId }: { readonly loanId: string }): Promise<LoanSnapshot> {
      const loan = await idempotentTransition(defacto, loanId, () => defacto.loans.cancel(loanId), ['CANCELED']);
      log.info({ loanId, status: loan.status }, 'loan canceled');
      return loan;
    },

    async listLoanEvents({ loanId }: { readonly loanId: string }): Promise<LoanEventsSummary> {
      const events = await defacto.loans.events(loanId);
      return { count: events.length, statuses: events.map((e) => e.status) };
    },
  };
}
