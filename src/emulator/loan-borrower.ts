/**
 * Who borrows (digest §3.13): the explicit `borrower`, else the first registered business among the
 * invoice's seller and buyer (`BORROWER_LOOKUP_ORDER`).
 */
import type { BorrowerRecord, BusinessRef, LoanRecord } from './records';
import type { TenantState } from './store';

/** A borrower as embedded in a loan. */
export function borrowerRef(borrower: BorrowerRecord): BusinessRef {
  return {
    id: borrower.businessId,
    identifier: borrower.input.identifier,
    identifierType: borrower.input.identifier_type ?? null,
    name: borrower.input.name ?? null,
    vatNumber: borrower.input.vat_number ?? null,
  };
}

/** Binds the loan to the first registered borrower among its candidates; returns whether one was found. */
export function resolveBorrower(tenant: TenantState, loan: LoanRecord): boolean {
  for (const identifier of loan.borrowerCandidates) {
    const id = tenant.borrowerByIdentifier.get(identifier);
    const borrower = id ? tenant.borrowers.get(id) : undefined;
    if (borrower) {
      loan.borrowerId = borrower.id;
      loan.borrower = borrowerRef(borrower);
      return true;
    }
  }
  return false;
}
