/**
 * Back-office routes: start a loan workflow, follow it, steer it (approve, reject, cancel), ask for an
 * early-repayment link, fetch the borrower's contract link, and list loans by status. Every route sits behind the bearer token (added
 * by the app); every refusal is a problem+json body.
 */
import type { Client, WorkflowUpdateOptions } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DefactoClient } from '../../defacto/client';
import { LOAN_STATUSES, type LoanStatus } from '../../domain/loan';
import { LoanRequestSchema, type LoanRequest } from '../../domain/schemas';
import { MissingCallerKeyError, startLoanOnce } from '../../loans/idempotent-start';
import { runBatch } from '../../loans/batch';
import {
  approveConditionsUpdate, cancelLoanUpdate, progressQuery, rejectConditionsUpdate, repayNowUpdate, type ConditionsDecisionResult,
  type OperatorNote, type RepayNowRequest, type RepayNowResult,
} from '../../workflows/messages';
import { listLoans } from '../loan-directory';
import { HttpProblem, parseOrProblem } from '../problem';

/** What the loan routes need. */
export interface LoanRoutesOptions {
  readonly temporalClient: Client;
  readonly taskQueue: string;
  readonly defacto: DefactoClient;
  /** Temporal Web UI base URL, for `links.ui`. */
  readonly uiBaseUrl?: string | undefined;
  /** Key of the search tags of started loans. */
  readonly searchTagKey?: Buffer | undefined;
  /** Secret that signs listing cursors (the back-office token). */
  readonly cursorKey: string;
}

const WorkflowIdParams = z.object({ workflowId: z.string().min(1).max(1000) });
type Params = { Params: { workflowId: string } };

const OperatorNoteSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

/** Body of `POST /loans/{workflowId}/repay-now`: `{}` asks for the full amount due by the repayment date. */
const RepayNowBodySchema = z.strictObject({
  amountCents: z.number({ error: 'must be a positive integer (minor units)' })
    .int({ error: 'must be a positive integer (minor units)' })
    .positive({ error: 'must be a positive integer (minor units)' })
    .max(Number.MAX_SAFE_INTEGER, { error: 'must be a positive integer (minor units)' })
    .optional(),
});

/** The update ID of an early-repayment request from this API: one per caller key. */
export function repayNowUpdateId(callerKey: string): string {
  return `repay-now-${callerKey}`;
}

const isLoanStatus = (value: unknown): value is LoanStatus => (LOAN_STATUSES as readonly unknown[]).includes(value);

/** `?status=A&status=B`: zero or more loan statuses; a wrong one is named with the allowed values. */
const StatusFilter = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value, ctx): LoanStatus[] => {
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    if (!values.every(isLoanStatus)) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${LOAN_STATUSES.join(', ')}` });
      return z.NEVER;
    }
    return values;
  });

const ListQuerySchema = z.strictObject({
  status: StatusFilter,
  pageSize: z.coerce
    .number({ error: 'must be an integer from 1 to 100' })
    .int({ error: 'must be an integer from 1 to 100' })
    .min(1, { error: 'must be an integer from 1 to 100' })
    .max(100, { error: 'must be an integer from 1 to 100' })
    .default(20),
  cursor: z.string({ error: 'must be given once' }).max(4096, { error: 'too long for a cursor from this API' }).optional(),
});

/** Routes without query parameters refuse any (a typo such as `?stauts=` is not silently ignored). */
const NoQuery = z.strictObject({});
const BatchQuerySchema = z.strictObject({ maxInFlight: z.coerce.number().int().min(1).max(256).default(16) });

const CallerKeySchema = LoanRequestSchema.shape.requestReference.unwrap();

/**
 * The request with its caller key: `requestReference`, or the `Idempotency-Key` header (the same key
 * when both are sent). @throws HttpProblem (400) when there is none, or two that differ
 */
function withCallerKey(body: LoanRequest, header: string | string[] | undefined): LoanRequest {
  if (Array.isArray(header)) {
    throw new HttpProblem('validation', { detail: 'Send one Idempotency-Key', invalidParams: [{ name: 'header.idempotency-key', reason: 'must be given once' }] });
  }
  if (header === undefined) {
    if (body.requestReference) return body;
    throw new HttpProblem('validation', {
      detail: new MissingCallerKeyError().message,
      invalidParams: [{ name: 'requestReference', reason: 'required (or an Idempotency-Key header): the caller key of this start' }],
    });
  }
  const key = CallerKeySchema.safeParse(header);
  if (!key.success) {
    throw new HttpProblem('validation', { detail: 'The Idempotency-Key header is invalid', invalidParams: [{ name: 'header.idempotency-key', reason: key.error.issues[0]?.message ?? 'invalid' }] });
  }
  if (body.requestReference !== undefined && body.requestReference !== key.data) {
    throw new HttpProblem('validation', {
      detail: 'requestReference and the Idempotency-Key header name different keys',
      invalidParams: [{ name: 'header.idempotency-key', reason: 'must equal requestReference when both are sent' }],
    });
  }
  return { ...body, requestReference: key.data };
}

/** Links of a loan workflow: this API's resource and, when configured, the Temporal Web UI page. */
function linksOf(options: LoanRoutesOptions, workflowId: string, runId: string): { self: string; ui: string | null } {
  const ns = encodeURIComponent(options.temporalClient.options.namespace);
  const id = encodeURIComponent(workflowId);
  const ui = options.uiBaseUrl
    ? `${options.uiBaseUrl.replace(/\/+$/, '')}/namespaces/${ns}/workflows/${id}/${encodeURIComponent(runId)}/history`
    : null;
  return { self: `/loans/${id}`, ui };
}

type OperatorUpdate = typeof approveConditionsUpdate;

/** Runs an operator update; on a finished workflow (Temporal says "not found") the answer is 409, not 404. */
async function runUpdate(
  client: Client, workflowId: string, update: OperatorUpdate, note: OperatorNote,
): Promise<ConditionsDecisionResult>;
async function runUpdate(
  client: Client, workflowId: string, update: typeof repayNowUpdate, request: RepayNowRequest, options: Pick<WorkflowUpdateOptions, 'updateId'>,
): Promise<RepayNowResult>;
async function runUpdate(
  client: Client, workflowId: string, update: OperatorUpdate | typeof repayNowUpdate, input: OperatorNote | RepayNowRequest,
  options: Pick<WorkflowUpdateOptions, 'updateId'> = {},
): Promise<ConditionsDecisionResult | RepayNowResult> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await handle.executeUpdate(update as typeof repayNowUpdate, { args: [input as RepayNowRequest], ...options });
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    await handle.describe(); // Throws WorkflowNotFoundError (→ 404) when the workflow never existed.
    throw new HttpProblem('refused', { detail: 'The loan workflow has already finished', extensions: { refusal: 'LoanLifecycleEnded' } });
  }
}

/** Registers the back-office routes on an authenticated scope. */
export async function loanRoutes(app: FastifyInstance, options: LoanRoutesOptions): Promise<void> {
  const client = options.temporalClient;

  app.post('/loans', async (request, reply) => {
    parseOrProblem(NoQuery, request.query, 'query');
    // Validated before anything starts: a refused body starts no workflow.
    const body = parseOrProblem(LoanRequestSchema, request.body ?? {}, 'body');
    const loanRequest = withCallerKey(body, request.headers['idempotency-key']);
    const start = await startLoanOnce(client, loanRequest, { taskQueue: options.taskQueue, searchTagKey: options.searchTagKey });
    const links = linksOf(options, start.workflowId, start.runId);
    // 202: started now; 200: this same request started it before (a retry), nothing new was started.
    return reply
      .code(start.created ? 202 : 200)
      .header('location', links.self)
      .send({ workflowId: start.workflowId, runId: start.runId, created: start.created, links });
  });

  // One loan request per JSON line, each with its requestReference; bad lines are refused by number.
  app.post('/loans/batch', async (request) => {
    if (typeof request.body !== 'string') {
      throw new HttpProblem('malformed', { detail: 'Send the batch as application/x-ndjson: one loan request per line' });
    }
    const { maxInFlight } = parseOrProblem(BatchQuerySchema, request.query, 'query');
    const text = request.body;
    async function* lines(): AsyncGenerator<string> {
      let from = 0;
      while (from <= text.length) {
        const end = text.indexOf('\n', from);
        yield text.slice(from, end === -1 ? text.length : end);
        if (end === -1) return;
        from = end + 1;
      }
    }
    return runBatch(client, lines(), { taskQueue: options.taskQueue, searchTagKey: options.searchTagKey, format: 'jsonl', maxInFlight });
  });

  app.get('/loans', async (request) => {
    const query = parseOrProblem(ListQuerySchema, request.query, 'query');
    return listLoans(client, options.taskQueue, {
      statuses: query.status,
      pageSize: query.pageSize,
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      cursorKey: options.cursorKey,
    });
  });

  app.get<Params>('/loans/:workflowId', async (request) => {
    const { workflowId } = parseOrProblem(WorkflowIdParams, request.params, 'path');
    parseOrProblem(NoQuery, request.query, 'query');
    return client.workflow.getHandle(workflowId).query(progressQuery);
  });

  const operatorRoute = (action: string, update: OperatorUpdate): void => {
    app.post<Params>(`/loans/:workflowId/${action}`, async (request) => {
      const { workflowId } = parseOrProblem(WorkflowIdParams, request.params, 'path');
      parseOrProblem(NoQuery, request.query, 'query');
      const note = parseOrProblem(OperatorNoteSchema, request.body ?? {}, 'body');
      const result = await runUpdate(client, workflowId, update, note.reason !== undefined ? { reason: note.reason } : {});
      return { workflowId, ...result };
    });
  };
  operatorRoute('approve', approveConditionsUpdate);
  operatorRoute('reject', rejectConditionsUpdate);
  operatorRoute('cancel', cancelLoanUpdate);

  // POST /repay/now makes a new link on every call: the caller key names the request, so a retried request
  // (same Idempotency-Key) gets the same link and creates none. The link is temporary: never cached.
  app.post<Params>('/loans/:workflowId/repay-now', async (request, reply) => {
    const { workflowId } = parseOrProblem(WorkflowIdParams, request.params, 'path');
    parseOrProblem(NoQuery, request.query, 'query');
    const body = parseOrProblem(RepayNowBodySchema, request.body ?? {}, 'body');
    const header = request.headers['idempotency-key'];
    const key = CallerKeySchema.safeParse(header);
    if (!key.success) {
      throw new HttpProblem('validation', {
        detail: 'Send an Idempotency-Key: each early-repayment request creates a new link at Defacto, the key makes a retry return the same one',
        invalidParams: [{ name: 'header.idempotency-key', reason: header === undefined ? 'required' : Array.isArray(header) ? 'must be given once' : key.error.issues[0]?.message ?? 'invalid' }],
      });
    }
    const result = await runUpdate(client, workflowId, repayNowUpdate, body.amountCents !== undefined ? { amountCents: body.amountCents } : {}, {
      updateId: repayNowUpdateId(key.data),
    });
    return reply.header('cache-control', 'no-store').send({ workflowId, ...result });
  });

  app.get<Params>('/loans/:workflowId/contract', async (request, reply) => {
    const { workflowId } = parseOrProblem(WorkflowIdParams, request.params, 'path');
    parseOrProblem(NoQuery, request.query, 'query');
    const progress = await client.workflow.getHandle(workflowId).query(progressQuery);
    const borrowerId = progress.borrower?.id;
    if (!borrowerId) throw new HttpProblem('refused', { detail: 'The borrower is not registered yet', extensions: { refusal: 'BorrowerNotRegistered' } });
    // Pre-signed and short-lived: fetched on every call, never stored, never logged, never cached.
    const borrower = await options.defacto.borrowers.get(borrowerId);
    const url = borrower.contract_s3_url;
    if (!url) throw new HttpProblem('notFound', { detail: 'Defacto has no contract for this borrower yet' });
    return reply.header('cache-control', 'no-store').send({ workflowId, borrowerId, url });
  });
}
