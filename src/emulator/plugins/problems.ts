/**
 * One problem+json renderer for the whole emulator: the error handler (typed `ProblemError`, refused state
 * transitions, Fastify's own 4xx) and the not-found handler. Nothing sent here carries a stack trace.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError, problemBody, type ProblemSlug } from '../problems';
import { TransitionRefusedError } from '../state-machines';

/** Problem slug of an HTTP status the emulator answers without a more specific slug. */
export const SLUG_BY_STATUS: Readonly<Record<number, ProblemSlug>> = {
  400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large',
  415: 'unsupported_media_type', 422: 'validation_error', 429: 'rate_limited', 500: 'server_error', 501: 'not_implemented',
  502: 'bad_gateway', 503: 'service_unavailable', 504: 'gateway_timeout',
};

/** Sends `error` as a problem body whose `instance` is the request path. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: ProblemError): FastifyReply {
  return reply.code(error.status).type('application/json; charset=utf-8').send(problemBody(error, request.url.split('?')[0] ?? '/'));
}

function problemOf(error: FastifyError | Error): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof TransitionRefusedError) {
    return new ProblemError(400, 'invalid_transition', error.message, [], { entity: error.entity, status: error.from });
  }
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) return new ProblemError(status, SLUG_BY_STATUS[status] ?? 'bad_request', error.message);
  return undefined;
}

/** Registers the error and not-found handlers at the root. */
export const problemsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const problem = problemOf(error);
    if (problem) return sendProblem(reply, request, problem);
    request.log.error({ err: error }, 'emulator handler failed');
    return sendProblem(reply, request, new ProblemError(500, 'server_error', 'Unexpected emulator error.'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new ProblemError(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`)));
}, { name: 'emulator-problems' });
