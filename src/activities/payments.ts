/** Payment and credit-line activities: what moved for a loan, and the borrower's balances. */
import type { DefactoClient } from '../defacto';
import type { CreditLineSummary, PaymentSummary } from '../domain/summaries';
import { creditLineSummary, paymentSummary } from './summaries';

/** Payment and credit-line activities bound to a client. */
export function paymentActivities(defacto: DefactoClient) {
  return {
    async listPayments({ loanId }: { readonly loanId: string }): Promise<PaymentSummary[]> {
      const payments = await defacto.payments.list({ loan_id: [loanId] }).all();
      return payments.map(paymentSummary);
    },

    async getCreditLines({ borrowerIdentifier }: { readonly borrowerIdentifier: string }): Promise<CreditLineSummary | null> {
      const lines = await defacto.creditLines.list({ borrower: [borrowerIdentifier] }).all();
      // The list may also hold the partner's own line: prefer the one whose default borrower is ours.
      const line = lines.find((l) => l.default_borrower?.identifier === borrowerIdentifier) ?? lines[0];
      return line ? creditLineSummary(line) : null;
    },
  };
}
