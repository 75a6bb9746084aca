/**
 * The one place where failures of the layers behind the edge (Temporal client, Defacto client, Fastify's
 * own parsing) become problem details. Routes simply throw; the error handler calls {@link toProblem}.
 */
import { QueryNotRegisteredError, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { DefactoError } from '../defacto/errors';
import { classify, isRetryable } from '../defacto/retry-policy';
import { CallerKeyReusedError } from '../loans/idempotent-start';
import { DuplicateLoanError } from '../loans/start-loan';
import { GrpcStatus, grpcCode } from './grpc-status';
import { HttpProblem } from './problem';

/** Fastify's body-parsing error codes and the problem each becomes. */
const FASTIFY_CODES: Readonly<Record<string, () => HttpProblem>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new HttpProblem('unsupportedMediaType', { detail: 'Send application/json' }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new HttpProblem('malformed', { detail: 'The JSON body is empty' }),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new HttpProblem('malformed', { detail: 'The body is not valid JSON' }),
};

/**
 * The problem for a thrown error, or `undefined` when it is an unexpected bug (answered as a bare 500).
 * Details come only from our own workflow code or fixed texts, never from request or response payloads.
 */
export function toProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof CallerKeyReusedError) {
    return new HttpProblem('callerKeyReused', {
      detail: `requestReference ${error.requestReference} already started ${error.workflowId} with a different request; nothing was started`,
      extensions: { workflowId: error.workflowId },
    });
  }
  if (error instanceof DuplicateLoanError) {
    return new HttpProblem('alreadyStarted', {
      detail: `A loan workflow already exists for this financing (${error.existingStatus})`,
      extensions: { workflowId: error.workflowId },
    });
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return new HttpProblem('alreadyStarted', {
      detail: 'A loan workflow with this identity already exists',
      extensions: { workflowId: error.workflowId },
    });
  }
  if (error instanceof WorkflowNotFoundError) {
    return new HttpProblem('notFound', { detail: 'No loan workflow with this ID' });
  }
  if (error instanceof QueryNotRegisteredError) {
    return new HttpProblem('notFound', { detail: 'This workflow is not a loan workflow' });
  }
  if (error instanceof WorkflowUpdateFailedError) {
    // Validator refusals and handler failures both mean "not in this state": the cause is ours, and
    // carries a named type (NoDecisionPending, LoanNotCancellable, a Defacto refusal…).
    const cause = error.cause;
    const type = cause instanceof ApplicationFailure && cause.type ? cause.type : 'UpdateRefused';
    return new HttpProblem('refused', {
      detail: cause?.message ?? 'The workflow refused the request',
      extensions: { refusal: type },
    });
  }
  if (error instanceof DefactoError) {
    return isRetryable(classify(error))
      ? new HttpProblem('unavailable', { detail: 'Defacto is temporarily unavailable', headers: { 'retry-after': '5' } })
      : new HttpProblem('upstream', { detail: `Defacto answered ${error.status ?? 'without a status'}` });
  }
  const code = grpcCode(error);
  if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED || code === GrpcStatus.RESOURCE_EXHAUSTED) {
    return new HttpProblem('unavailable', { detail: 'Temporal is temporarily unavailable', headers: { 'retry-after': '5' } });
  }
  if (error instanceof ServiceError && code === GrpcStatus.INVALID_ARGUMENT) {
    return new HttpProblem('validation', { detail: 'Temporal refused the request arguments' });
  }
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    const make = FASTIFY_CODES[error.code];
    if (make) return make();
  }
  return undefined;
}
