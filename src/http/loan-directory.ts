/**
 * Loans as Temporal's visibility store sees them: a page of loan workflows filtered by the `LoanStatus`
 * search attribute, with an opaque cursor, and the workflow that owns a Defacto loan id. Visibility is
 * eventually consistent: a loan appears (or changes status) here a moment after its workflow acts.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { LoanStatus } from '../domain/loan';
import {
  CurrencyKey, InvoiceNumberKey, LifecycleStepKey, LoanAmountCentsKey, LoanIdKey, LoanStatusKey,
} from '../workflows/search-attributes';
import { HttpProblem } from './problem';

/** Workflow type of the loan lifecycle (the exported workflow function's name). */
export const LOAN_WORKFLOW_TYPE = 'loanLifecycleWorkflow';

/** Execution statuses by their numeric code in Temporal's API (`WorkflowExecutionStatus`). */
const EXECUTION_STATUS = ['UNSPECIFIED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'] as const;

/** One loan workflow in a listing: identity, execution status and the search attributes it published. */
export interface LoanListItem {
  readonly workflowId: string;
  readonly runId: string;
  readonly executionStatus: string;
  readonly startedAt: string | null;
  readonly closedAt: string | null;
  readonly loanStatus: string | null;
  readonly lifecycleStep: string | null;
  readonly loanId: string | null;
  /** The invoice number's search tag (never the number: search attributes are stored in clear). */
  readonly invoiceTag: string | null;
  readonly amountCents: number | null;
  readonly currency: string | null;
}

/** A page of loans and the cursor of the next one (`null` on the last page). */
export interface LoanPage {
  readonly items: readonly LoanListItem[];
  readonly nextCursor: string | null;
}

/** Filters of {@link listLoans}. */
export interface LoanListFilter {
  readonly statuses?: readonly LoanStatus[];
  readonly pageSize: number;
  readonly cursor?: string;
}

// Values reach the query only after enum validation; quoting still escapes defensively.
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The visibility query of loan workflows on `taskQueue`, optionally with one of `statuses`. */
export function loanListQuery(taskQueue: string, statuses: readonly LoanStatus[] = []): string {
  const clauses = [`WorkflowType = ${quote(LOAN_WORKFLOW_TYPE)}`, `TaskQueue = ${quote(taskQueue)}`];
  if (statuses.length > 0) clauses.push(`${LoanStatusKey.name} IN (${statuses.map(quote).join(', ')})`);
  return clauses.join(' AND ');
}

function decodeCursor(cursor: string | undefined): Buffer {
  if (cursor === undefined || cursor === '') return Buffer.alloc(0);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new HttpProblem('validation', { invalidParams: [{ name: 'query.cursor', reason: 'not a cursor from this API' }] });
  }
  return Buffer.from(cursor, 'base64url');
}

function attribute(fields: Record<string, Payload> | null | undefined, name: string): unknown {
  const payload = fields?.[name];
  if (!payload) return null;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

interface RawTimestamp {
  readonly seconds?: { toNumber(): number } | number | null;
  readonly nanos?: number | null;
}

function isoOf(ts: RawTimestamp | null | undefined): string | null {
  if (!ts || ts.seconds == null) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

/** One page of loan workflows, newest first, filtered by `LoanStatus`. */
export async function listLoans(client: Client, taskQueue: string, filter: LoanListFilter): Promise<LoanPage> {
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: loanListQuery(taskQueue, filter.statuses),
    pageSize: filter.pageSize,
    nextPageToken: decodeCursor(filter.cursor),
  });
  const items = response.executions.map((execution): LoanListItem => {
    const fields = execution.searchAttributes?.indexedFields;
    const amount = attribute(fields, LoanAmountCentsKey.name);
    return {
      workflowId: execution.execution?.workflowId ?? '',
      runId: execution.execution?.runId ?? '',
      executionStatus: (EXECUTION_STATUS as readonly string[])[execution.status ?? 0] ?? 'UNKNOWN',
      startedAt: isoOf(execution.startTime),
      closedAt: isoOf(execution.closeTime),
      loanStatus: asString(attribute(fields, LoanStatusKey.name)),
      lifecycleStep: asString(attribute(fields, LifecycleStepKey.name)),
      loanId: asString(attribute(fields, LoanIdKey.name)),
      invoiceTag: asString(attribute(fields, InvoiceNumberKey.name)),
      amountCents: typeof amount === 'number' ? amount : null,
      currency: asString(attribute(fields, CurrencyKey.name)),
    };
  });
  const token = response.nextPageToken;
  return { items, nextCursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null };
}
