/**
 * gRPC status codes the edge reacts to in Temporal's answers (numbers from the gRPC spec; grpc-js is not
 * a direct dependency), and the code of an error, found on it or on one of its causes.
 */
import { isGrpcServiceError } from '@temporalio/client';

export const GrpcStatus = {
  UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14,
} as const;

/** The gRPC status code of `error` or of one of its first causes (the client wraps some errors). */
export function grpcCode(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}
