/**
 * Loans as Temporal's visibility store sees them: a page of loan workflows filtered by the `LoanStatus`
 * search attribute, with an opaque cursor, and the workflow that owns a Defacto loan id. Visibility is
 * eventually consistent: a loan appears (or changes status) here a moment after its workflow acts.
 */
import { createHmac } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { LoanStatus } from '../domain/loan';
import {
  CurrencyKey, InvoiceNumberKey, LifecycleStepKey, LoanAmountCentsKey, LoanIdKey, LoanStatusKey,
} from '../workflows/search-attributes';
import { GrpcStatus, grpcCode } from './grpc-status';
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
  /** Secret that signs cursors (the back-office token: every replica of the edge shares it). */
  readonly cursorKey: string;
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

/** First bytes of every cursor: the format version. */
const CURSOR_MAGIC = Buffer.from('L1');
const CURSOR_MAC_BYTES = 16;

function cursorMac(key: string, query: string, token: Uint8Array): Buffer {
  return createHmac('sha256', key).update(query).update('\0').update(token).digest().subarray(0, CURSOR_MAC_BYTES);
}

/**
 * The opaque cursor of the page after this one: Temporal's page token, prefixed with a format version
 * and an HMAC of the token and the listing's query. A forged, truncated or altered cursor, or a cursor
 * of another filter, is refused here with a 400 and never reaches Temporal (whose client retries an
 * unreadable token for many seconds before failing).
 */
export function encodeCursor(key: string, query: string, token: Uint8Array): string {
  return Buffer.concat([CURSOR_MAGIC, cursorMac(key, query, token), token]).toString('base64url');
}

function refusedCursor(reason: string): HttpProblem {
  return new HttpProblem('validation', {
    detail: 'The cursor is not one this API returned for this listing: start again without it',
    invalidParams: [{ name: 'query.cursor', reason }],
  });
}

/** Temporal's page token inside a cursor of {@link encodeCursor}; an empty token for no cursor. */
export function decodeCursor(key: string, query: string, cursor: string | undefined): Buffer {
  if (cursor === undefined || cursor === '') return Buffer.alloc(0);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw refusedCursor('not a cursor from this API (not base64url)');
  const raw = Buffer.from(cursor, 'base64url');
  const head = CURSOR_MAGIC.length + CURSOR_MAC_BYTES;
  if (raw.length <= head || !raw.subarray(0, CURSOR_MAGIC.length).equals(CURSOR_MAGIC)) throw refusedCursor('not a cursor from this API');
  const token = raw.subarray(head);
  if (!raw.subarray(CURSOR_MAGIC.length, head).equals(cursorMac(key, query, token))) {
    throw refusedCursor('altered, or issued for another status filter');
  }
  return token;
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
  const query = loanListQuery(taskQueue, filter.statuses);
  const nextPageToken = decodeCursor(filter.cursorKey, query, filter.cursor);
  const list = (token: Uint8Array, pageSize: number) => client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace, query, pageSize, nextPageToken: token,
  });
  let response;
  try {
    response = await list(nextPageToken, filter.pageSize);
  } catch (error) {
    const code = grpcCode(error);
    // Temporal answers an unreadable page token with INVALID_ARGUMENT (the dev server with UNKNOWN).
    if (nextPageToken.length === 0 || (code !== GrpcStatus.INVALID_ARGUMENT && code !== GrpcStatus.UNKNOWN)) throw error;
    // The cursor is one of ours, yet Temporal cannot read the token inside (from before a change of
    // the visibility store, or forged by a holder of the key). An UNKNOWN answer may also be a
    // server failure: only when the same listing without the token succeeds is the cursor to blame.
    if (code === GrpcStatus.UNKNOWN) await list(new Uint8Array(0), 1).catch(() => Promise.reject(error));
    throw refusedCursor('not accepted by Temporal (forged, or too old)');
  }
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
  return { items, nextCursor: token && token.length > 0 ? encodeCursor(filter.cursorKey, query, token) : null };
}
