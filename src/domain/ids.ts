/**
 * Deterministic identities. The workflow ID derives from the platform's reference for the financing, so
 * a second start for the same invoice is refused while the first runs; every key sent to Defacto derives
 * from the workflow ID, so a retried or replayed step never creates a twin. Pure (no Node builtins).
 */
import type { LoanRequest } from './schemas';

const WORKFLOW_ID_PREFIX = 'loan-';

/** Raised when a generated-invoice request has no reference to derive its identity from. */
export class MissingRequestReferenceError extends Error {
  override readonly name = 'MissingRequestReferenceError';
  constructor() {
    super('requestReference is required when the invoice is generated (it is the identity of the financing)');
  }
}

/**
 * `loan-ref-<requestReference>` when the caller gives one, else `loan-inv-<invoice number>`.
 * @throws MissingRequestReferenceError for a generated invoice without a reference.
 */
export function loanWorkflowId(request: Pick<LoanRequest, 'requestReference' | 'invoice'>): string {
  if (request.requestReference) return `${WORKFLOW_ID_PREFIX}ref-${request.requestReference}`;
  if (request.invoice.generate !== true) return `${WORKFLOW_ID_PREFIX}inv-${request.invoice.invoice_number}`;
  throw new MissingRequestReferenceError();
}

/** The `salt_id` of `POST /loans` (Defacto's idempotency key) for the loan of this workflow. */
export function loanSaltId(workflowId: string): string {
  return `${workflowId}:loan`;
}

/**
 * The invoice number of a generated invoice: stable across retries, so `createInvoice` can look it up
 * before creating (the sandbox generator itself draws a random number on every call).
 */
export function generatedInvoiceNumber(workflowId: string): string {
  const suffix = workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : workflowId;
  return `FK-INVOICE-${suffix}`;
}
