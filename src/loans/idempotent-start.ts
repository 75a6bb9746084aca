/**
 * Idempotent starts by caller key, the one rule of every entry point that takes loan requests from
 * outside (`POST /loans`, the starter, batches): the caller key is the request's `requestReference`
 * (its workflow ID is `loan-ref-<key>`); the started workflow records the hash of its request in its
 * memo. The same key with the same request finds the existing workflow (nothing is started twice); the
 * same key with another request is refused; no key is refused before anything starts.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { LoanRequest } from '../domain/schemas';
import { DuplicateLoanError, startLoan, type StartLoanOptions } from './start-loan';

/** Memo key holding the hash of the request a workflow was started with. */
export const REQUEST_HASH_MEMO = 'requestHash';

/** Hash of a validated request (key order independent). */
export function requestHash(request: LoanRequest): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical(request))).digest('hex').slice(0, 32);
}

/** A request without its caller key (`requestReference`); nothing was started. */
export class MissingCallerKeyError extends Error {
  override readonly name = 'MissingCallerKeyError';
  constructor() {
    super('requestReference is required: it is the caller key that makes a retried start find the loan it started');
  }
}

/** The caller key was already used for a different request; nothing was started. */
export class CallerKeyReusedError extends Error {
  override readonly name = 'CallerKeyReusedError';
  constructor(readonly workflowId: string, readonly requestReference: string) {
    super(`requestReference ${requestReference} is already used by ${workflowId} for a different request; nothing was started`);
  }
}

/** The answer of {@link startLoanOnce}: a new workflow, or the one this same request started before. */
export interface LoanStart {
  readonly created: boolean;
  readonly workflowId: string;
  /** The run now current (the existing workflow may have continued as new). */
  readonly runId: string;
}

/** The request hash recorded by the chain of `workflowId` (its first run holds it if a later run lacks it). */
async function recordedHash(client: Client, workflowId: string): Promise<{ readonly hash: unknown; readonly runId: string }> {
  const described = await client.workflow.getHandle(workflowId).describe();
  const hash = described.memo?.[REQUEST_HASH_MEMO];
  if (hash !== undefined) return { hash, runId: described.runId };
  const firstRunId = described.raw.workflowExecutionInfo?.firstRunId;
  if (!firstRunId || firstRunId === described.runId) return { hash: undefined, runId: described.runId };
  const first = await client.workflow.getHandle(workflowId, firstRunId).describe();
  return { hash: first.memo?.[REQUEST_HASH_MEMO], runId: described.runId };
}

/**
 * Starts the loan of `request` once per caller key.
 * @throws MissingCallerKeyError without `requestReference`
 * @throws CallerKeyReusedError when the key started a different request
 */
export async function startLoanOnce(client: Client, request: LoanRequest, options: StartLoanOptions): Promise<LoanStart> {
  const key = request.requestReference;
  if (!key) throw new MissingCallerKeyError();
  const hash = requestHash(request);
  try {
    const started = await startLoan(client, request, { ...options, memo: { ...options.memo, [REQUEST_HASH_MEMO]: hash } });
    return { created: true, workflowId: started.workflowId, runId: started.runId };
  } catch (error) {
    if (!(error instanceof DuplicateLoanError)) throw error;
    const recorded = await recordedHash(client, error.workflowId);
    if (recorded.hash !== hash) throw new CallerKeyReusedError(error.workflowId, key);
    return { created: false, workflowId: error.workflowId, runId: recorded.runId };
  }
}
