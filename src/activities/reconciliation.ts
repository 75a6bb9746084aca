/**
 * Reconciliation activities: Defacto's open loans, one page at a time, matched to the workflows that
 * follow them. Every call is a read except the adoption start, which is idempotent (its workflow ID is
 * derived from the loan, a running adoption is reused), so a retried page never adopts twice.
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowNotFoundError, type defineSearchAttributeKey, type SearchAttributeType } from '@temporalio/common';

/** A keyword search-attribute key. */
type KeywordKey = ReturnType<typeof defineSearchAttributeKey<typeof SearchAttributeType.KEYWORD>>;
import { cursorFromNextPage, type DefactoClient, type MinimalLoanApi } from '../defacto';
import type { Logger } from '../logging';
import { type LoanStatus } from '../domain/loan';
import { borrowerSummary, invoiceSummary, loanSnapshot } from './summaries';
import type {
  AdoptionRead, OrphanWorkflowStatus, ReconcilePageInput, ReconcilePageResult, ReconciliationActivities,
  ReconciliationFinding,
} from './reconciliation-types';

/** Statuses in which a loan still needs a workflow to follow it. */
export const OPEN_LOAN_STATUSES: readonly LoanStatus[] = [
  'SUBMITTED', 'PENDING_VALIDATION', 'TO_VALIDATE', 'VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'TO_REPAY_FEES',
];
/** Statuses whose amount is drawn on the borrower's credit line. */
const COMMITTED: readonly LoanStatus[] = ['VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'TO_REPAY_FEES'];
const TO_REPAY: readonly LoanStatus[] = ['TO_REPAY', 'TO_REPAY_FEES'];

/** The workflow ID of the adoption of `loanId` (mirrors `adoptedWorkflowId` of the workflow module). */
function adoptionId(loanId: string): string {
  return `loan-adopted-${loanId}`;
}

/** What reconciliation needs: Defacto, Temporal (visibility, describe, start) and the task queue of adoptions. */
export interface ReconciliationDependencies {
  readonly defacto: DefactoClient;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly log: Logger;
  /** The lifecycle's search-attribute keys (defined with the workflows; handed in by the worker). */
  readonly keys: {
    readonly loanId: KeywordKey;
    readonly loanStatus: KeywordKey;
    readonly lifecycleStep: KeywordKey;
  };
}

const quote = (value: string): string => `'${value.replace(/['\\]/g, '')}'`;

/** Reconciliation activities bound to their dependencies (wrap with the failure chokepoint and heartbeat). */
export function reconciliationActivities({ defacto, temporal, taskQueue, log, keys }: ReconciliationDependencies): ReconciliationActivities {
  /** Running workflows by the loan they follow, per the `LoanId` search attribute. */
  async function runningByLoan(loanIds: readonly string[]): Promise<Map<string, { workflowId: string; status: LoanStatus | null }>> {
    const found = new Map<string, { workflowId: string; status: LoanStatus | null }>();
    if (loanIds.length === 0) return found;
    const query = `ExecutionStatus = "Running" AND LoanId IN (${loanIds.map(quote).join(', ')})`;
    for await (const wf of temporal.workflow.list({ query })) {
      const loanId = wf.typedSearchAttributes.get(keys.loanId);
      if (loanId) found.set(loanId, { workflowId: wf.workflowId, status: (wf.typedSearchAttributes.get(keys.loanStatus) as LoanStatus | undefined) ?? null });
    }
    return found;
  }

  async function describeStatus(workflowId: string): Promise<OrphanWorkflowStatus | 'RUNNING'> {
    try {
      const { status } = await temporal.workflow.getHandle(workflowId).describe();
      const name = status.name;
      return name === 'RUNNING' || name === 'TERMINATED' || name === 'FAILED' || name === 'TIMED_OUT' || name === 'CANCELLED'
        || name === 'COMPLETED' || name === 'CONTINUED_AS_NEW' ? name : 'UNKNOWN';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'MISSING';
      throw error;
    }
  }

  async function adopt(loan: MinimalLoanApi, reason: string, options: ReconcilePageInput['adoptedLoan']): Promise<{ workflowId: string; started: boolean }> {
    const workflowId = adoptionId(loan.id);
    try {
      await temporal.workflow.start('adoptedLoanWorkflow', {
        taskQueue, workflowId,
        args: [{ loanId: loan.id, reason, loan: options }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        typedSearchAttributes: [
          { key: keys.loanId, value: loan.id }, { key: keys.loanStatus, value: loan.status }, { key: keys.lifecycleStep, value: 'CONDITIONS_REVIEWED' },
        ],
        staticSummary: `Adopted loan ${loan.id}`,
      });
      // Callers adopt only after describe found no running adoption: this start is a new one.
      return { workflowId, started: true };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
      throw error;
    }
  }

  async function creditLineDrift(identifier: string): Promise<ReconciliationFinding | null> {
    const lines = await defacto.creditLines.list({ borrower: [identifier] }).all();
    const line = lines[0];
    if (!line || line.pool_amount === null || line.pool_amount === undefined || line.balance_available === null || line.balance_available === undefined) return null;
    let outstandingCents = 0;
    for await (const loan of defacto.loans.list({ borrower: [identifier], status: [...COMMITTED], page_size: 100 })) outstandingCents += loan.amount;
    const lineUsedCents = line.pool_amount - line.balance_available;
    if (lineUsedCents === outstandingCents) return null;
    return { kind: 'credit-line-drift', borrowerIdentifier: identifier, creditLineId: line.id ?? null, lineUsedCents, outstandingCents };
  }

  return {
    async readLoanForAdoption({ loanId }): Promise<AdoptionRead> {
      const loan = await defacto.loans.get(loanId);
      const identifier = loan.borrower.identifier;
      const [borrower, invoice] = await Promise.all([
        identifier ? defacto.borrowers.findByIdentifier(identifier) : Promise.resolve(undefined),
        loan.invoice_ids[0] ? defacto.invoices.get(loan.invoice_ids[0]) : Promise.resolve(undefined),
      ]);
      return {
        loan: loanSnapshot(loan),
        borrower: borrower ? borrowerSummary(borrower, { method: 'GET', pathTemplate: '/borrowers' }) : null,
        invoice: invoice ? invoiceSummary(invoice, { method: 'GET', pathTemplate: '/invoice/{invoice_id}' }) : null,
      };
    },

    async reconcileLoanPage(input: ReconcilePageInput): Promise<ReconcilePageResult> {
      const page = await defacto.loans.page({
        status: [...OPEN_LOAN_STATUSES], sort_by: 'created_at:asc', page_size: input.pageSize,
        ...(input.cursor ? { cursor: input.cursor } : {}),
      });
      const nextCursor = cursorFromNextPage(page.next_page, { method: 'GET', pathTemplate: '/loans' }) ?? null;
      const running = await runningByLoan(page.data.map((l) => l.id));
      const findings: ReconciliationFinding[] = [];
      let adoptionsStarted = 0;
      const now = Date.now();
      const borrowers = new Set<string>();
      for (const loan of page.data) {
        if (loan.borrower.identifier) borrowers.add(loan.borrower.identifier);
        const metadataWorkflowId = typeof loan.metadata?.workflow_id === 'string' ? loan.metadata.workflow_id : null;
        let follower = running.get(loan.id) ?? null;
        if (!follower) {
          // Visibility lags: a workflow that has just started (or adopted) is asked directly.
          const candidates = [metadataWorkflowId, adoptionId(loan.id)].filter((c): c is string => c !== null);
          const statuses = await Promise.all(candidates.map(describeStatus));
          const runningAt = statuses.indexOf('RUNNING');
          if (runningAt >= 0) follower = { workflowId: candidates[runningAt] ?? '', status: null };
          else {
            const workflowStatus = (metadataWorkflowId ? statuses[0] : 'MISSING') as OrphanWorkflowStatus;
            let adoptedBy: string | null = null;
            if (input.adopt) {
              const adoption = await adopt(loan, `workflow ${metadataWorkflowId ?? '(none)'} ${workflowStatus}`, input.adoptedLoan);
              adoptedBy = adoption.workflowId;
              if (adoption.started) adoptionsStarted += 1;
              log.warn({ loanId: loan.id, workflowId: metadataWorkflowId, workflowStatus, adoptedBy }, 'orphan loan adopted');
            }
            findings.push({ kind: 'orphan', loanId: loan.id, loanStatus: loan.status, workflowId: metadataWorkflowId, workflowStatus, adoptedBy });
          }
        }
        if (follower && follower.status !== null && follower.status !== loan.status) {
          const events = await defacto.loans.events(loan.id);
          const sinceAt = events.at(-1)?.timestamp ?? null;
          if (sinceAt === null || now - Date.parse(sinceAt) > input.gracePeriodMs) {
            findings.push({
              kind: 'disagreement', loanId: loan.id, workflowId: follower.workflowId,
              workflowLoanStatus: follower.status, defactoStatus: loan.status, sinceAt,
            });
          }
        }
        const workflowId = follower?.workflowId ?? metadataWorkflowId;
        if (loan.status === 'TO_VALIDATE' && now - Date.parse(loan.submitted_at) > input.reviewDeadlineMs) {
          findings.push({ kind: 'review-overdue', loanId: loan.id, workflowId, submittedAt: loan.submitted_at });
        }
        if (TO_REPAY.includes(loan.status) && now - Date.parse(loan.to_repay_at) > input.repaymentFollowUpMs) {
          findings.push({ kind: 'repayment-late', loanId: loan.id, workflowId, toRepayAt: loan.to_repay_at });
        }
      }
      if (input.checkCreditLines) {
        for (const identifier of borrowers) {
          const drift = await creditLineDrift(identifier);
          if (drift) findings.push(drift);
        }
      }
      return { loansChecked: page.data.length, findings, adoptionsStarted, nextCursor };
    },
  };
}
