/**
 * Error and not-found handling of the whole app: every refusal leaves as `application/problem+json`,
 * unexpected failures as a bare 500 whose details stay in the log (error class and route, no payload).
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from '../error-mapping';
import { HttpProblem, PROBLEM_CONTENT_TYPE, type ProblemBody } from '../problem';

/** The request path without its query string; routes with secrets in the path are reported by template. */
function instanceOf(request: FastifyRequest): string {
  const template = request.routeOptions.url;
  if (template?.includes(':token')) return template;
  return request.url.split('?')[0] ?? request.url;
}

function send(reply: FastifyReply, status: number, body: ProblemBody, headers: Readonly<Record<string, string>> = {}): FastifyReply {
  return reply.code(status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Installs the problem+json error handler and not-found handler on the root instance. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const problem = toProblem(error);
    if (problem) {
      if (problem.status >= 500) {
        request.log.warn({ err: { name: error.name, message: error.message }, route: request.routeOptions.url }, 'request failed');
      }
      return send(reply, problem.status, problem.body(instanceOf(request)), problem.options.headers);
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return send(reply, status, { type: 'about:blank', title: STATUS_CODES[status] ?? 'Client error', status, instance: instanceOf(request) });
    }
    request.log.error({ err: { name: error.name, message: error.message, stack: error.stack }, route: request.routeOptions.url }, 'unexpected error');
    return send(reply, 500, new HttpProblem('internal').body(instanceOf(request)));
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, new HttpProblem('notFound', { detail: 'No such route' }).body(request.url.split('?')[0] ?? '/')),
  );
}
