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
  /** Memo of the workflow (a batch records the hash of the request it started). */
  readonly memo?: Record<string, unknown>;
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
      staticSummary: loanSummaryLine(started, invoiceNumber),
      staticDetails: loanStaticDetails(started),
      ...(options.memo ? { memo: options.memo } : {}),
    });
    return { workflowId, runId: handle.firstExecutionRunId, request: started, handle };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const existing = await client.workflow.getHandle(workflowId).describe().then((d) => d.status.name, () => 'unknown status');
    throw new DuplicateLoanError(workflowId, existing);
  }
}

/** One line an operator recognises: amount, currency, invoice number, borrower (encrypted at rest, like all user metadata). */
export function loanSummaryLine(request: LoanRequest, invoiceNumber: string): string {
  const amount = request.invoice.generate ? 'amount from the generated invoice' : `${(request.invoice.total_amount / 100).toFixed(2)} ${request.invoice.currency}`;
  const borrower = request.borrower.generate ? `generated borrower (${request.borrower.country})` : `${request.borrower.name} (${request.borrower.identifierType} ${request.borrower.identifier})`;
  return `Loan ${amount} · invoice ${invoiceNumber} · ${borrower}`;
}

/** The request as an operator reads it (markdown): the acceptance policy, the deadlines, the polling. */
export function loanStaticDetails(request: LoanRequest): string {
  const { acceptancePolicy: policy, deadlines, pollSchedule } = request.loan;
  const hours = (ms: number) => `${Math.round(ms / 3_600_000 * 10) / 10} h`;
  return [
    `**Request:** reference ${request.requestReference ?? '(from the invoice number)'} · invoice ${request.invoice.generate ? `generated (${request.invoice.scenario})` : request.invoice.invoice_number} · auto_validate ${request.loan.autoValidate}${request.loan.durationDays ? ` · ${request.loan.durationDays} days` : ''}`,
    `**Acceptance policy:** max fee rate ${policy.maxFeeRatePercent} % · max duration ${policy.maxDurationDays} days · operator approval ${policy.requireOperatorApproval ? 'required' : 'only outside the policy'}`,
    `**Deadlines:** operator review ${hours(deadlines.conditionsReviewMs)} (then the loan is canceled) · repayment follow-up ${hours(deadlines.repaymentFollowUpMs)} after the due date (then flagged late)`,
    `**Polling:** first look after ${pollSchedule.initialMs} ms, ×${pollSchedule.multiplier}, at most every ${pollSchedule.maxMs} ms`,
  ].join('\n\n'); // paragraphs: the Web UI's markdown joins single line breaks
}
