/**
 * The workflow checks its own input: a loan started from the Temporal Web UI ("Start Workflow") or
 * `temporal workflow start --input …` carries whatever JSON the operator typed. The same schema as the
 * starter and the HTTP edge applies (defaults included); a bad input fails the workflow at once, before
 * any call to Defacto, with a named, non-retryable failure naming every invalid field.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { parseLoanRequest, type LoanRequest } from '../domain/schemas';

/** Failure type of a workflow started with an invalid request. */
export const INVALID_LOAN_REQUEST = 'InvalidLoanRequest';

/**
 * The request with its defaults applied.
 * @throws ApplicationFailure of type {@link INVALID_LOAN_REQUEST} (non-retryable); its details hold the
 * `{ path, message }` of each invalid field (never the submitted values).
 */
export function validatedRequest(input: unknown): LoanRequest {
  const parsed = parseLoanRequest(input);
  if (parsed.ok) return parsed.value;
  throw ApplicationFailure.create({
    type: INVALID_LOAN_REQUEST,
    message: `${parsed.error.message} (nothing was sent to Defacto; docs/operations.md shows a valid input)`,
    details: [parsed.error.issues],
    nonRetryable: true,
  });
}
