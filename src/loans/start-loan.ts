/**
 * Starts a loan lifecycle from a validated request: one workflow under its deterministic ID, a duplicate
 * refused. The one way to start a loan, used by the starter CLI, the back-office API and the demo.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { searchTag } from '../codec/search-tags';
import { generatedInvoiceNumber, loanWorkflowId } from '../domain/ids';
import type { LoanRequest } from '../domain/schemas';
import { loanLifecycleWorkflow } from '../workflows';
import { BorrowerIdentifierKey, InvoiceNumberKey, LifecycleStepKey } from '../workflows/search-attributes';

/** A second start for a financing whose workflow exists (running, or completed: its loan is settled). */
export class DuplicateLoanError extends Error {
  override readonly name = 'DuplicateLoanError';
  constructor(readonly workflowId: string, readonly existingStatus: string) {
    super(`a loan workflow already exists for this financing: ${workflowId} (${existingStatus}); nothing was started`);
  }
}

/** What `startLoan` needs besides the request. */
export interface StartLoanOptions {
  readonly taskQueue: string;
  /**
   * Key of the search tags (`config.dataProtection.searchTagKey`). With it, `InvoiceNumber` and
   * `BorrowerIdentifier` hold keyed tags of those values (never the values); without it, neither is set.
   */
  readonly searchTagKey?: Buffer | undefined;
}

/** A started lifecycle. */
export interface StartedLoan {
  readonly workflowId: string;
  readonly runId: string;
  /** The request as started (with the generated `requestReference`, if one was needed). */
  readonly request: LoanRequest;
  readonly handle: WorkflowHandle<typeof loanLifecycleWorkflow>;
}

/** Gives a generated-invoice request without a reference a fresh one (its identity for idempotency). */
export function withRequestReference(request: LoanRequest): LoanRequest {
  if (request.requestReference || request.invoice.generate !== true) return request;
  return { ...request, requestReference: `demo-${randomUUID().slice(0, 8)}` };
}

/**
 * Starts `loanLifecycleWorkflow` under `loan-…` (derived from the invoice number or the request
 * reference). A running workflow, or a completed one, with that ID refuses the start (a failed one may
 * be restarted: its `salt_id` then finds the same loan).
 * @throws DuplicateLoanError
 */
export async function startLoan(client: Client, request: LoanRequest, options: StartLoanOptions): Promise<StartedLoan> {
  const started = withRequestReference(request);
  const workflowId = loanWorkflowId(started);
  const invoiceNumber = started.invoice.generate ? generatedInvoiceNumber(workflowId) : started.invoice.invoice_number;
  const searchAttributes: SearchAttributePair[] = [{ key: LifecycleStepKey, value: 'BORROWER_REGISTERED' }];
  const tagKey = options.searchTagKey;
  if (tagKey) {
    searchAttributes.push({ key: InvoiceNumberKey, value: searchTag(tagKey, 'invoice', invoiceNumber) });
    if (!started.borrower.generate) {
      searchAttributes.push({ key: BorrowerIdentifierKey, value: searchTag(tagKey, 'borrower', started.borrower.identifier) });
    }
  }
  try {
    const handle = await client.workflow.start(loanLifecycleWorkflow, {
      taskQueue: options.taskQueue,
      workflowId,
      args: [started],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: searchAttributes,
      staticSummary: `Loan for invoice ${invoiceNumber}`,
    });
    return { workflowId, runId: handle.firstExecutionRunId, request: started, handle };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const existing = await client.workflow.getHandle(workflowId).describe().then((d) => d.status.name, () => 'unknown status');
    throw new DuplicateLoanError(workflowId, existing);
  }
}

