/**
 * `POST /webhooks/defacto/{token}`: Defacto's webhook deliveries. Defacto does not sign webhooks, so
 * the secret is the last path segment; it is compared in constant time before the body is even parsed,
 * and a wrong token gets a bare 401. Valid events are routed to their workflow before answering (a
 * signal is one fast round trip), so a 2xx means the workflow has it.
 */
import type { FastifyInstance } from 'fastify';
import { WebhookEventSchema } from '../../defacto/wire';
import { secretMatches } from '../plugins/bearer-auth';
import { parseOrProblem } from '../problem';
import { routeDefactoEvent, type WebhookRouterDeps } from '../webhook-router';

/** Path of the receiver; `:token` is the shared secret (never logged: logs use the route template). */
export const WEBHOOK_ROUTE = '/webhooks/defacto/:token';

/** The public URL Defacto must call for `baseUrl` and `token`. */
export function webhookUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/webhooks/defacto/${encodeURIComponent(token)}`;
}

/** Options of {@link webhookRoutes}. */
export interface WebhookRoutesOptions extends WebhookRouterDeps {
  /** The expected token; when unset every delivery is refused. */
  readonly webhookToken: string | undefined;
}

function refusalReason(status: number): 'unauthorized' | 'malformed' | 'error' | undefined {
  if (status === 401) return 'unauthorized';
  if (status >= 500) return 'error';
  if (status >= 400) return 'malformed';
  return undefined;
}

/** Registers the webhook receiver. */
export async function webhookRoutes(app: FastifyInstance, options: WebhookRoutesOptions): Promise<void> {
  app.post<{ Params: { token: string } }>(
    WEBHOOK_ROUTE,
    {
      onRequest: async (request, reply) => {
        options.metrics?.webhooksReceived.inc();
        if (!secretMatches(request.params.token, options.webhookToken)) {
          // Nothing else said: no problem body, no hint whether the route or the token was wrong.
          return reply.code(401).send();
        }
        return undefined;
      },
      // Every refusal, whichever step refused it (token, JSON parser, schema, routing failure).
      onResponse: async (_request, reply) => {
        const reason = refusalReason(reply.statusCode);
        if (reason) options.metrics?.webhooksRefused.inc({ reason });
      },
    },
    async (request, reply) => {
      const receivedAt = new Date();
      const event = parseOrProblem(WebhookEventSchema, request.body, 'body');
      const result = await routeDefactoEvent(options, event, receivedAt);
      return reply.code(202).send({ outcome: result.outcome });
    },
  );
}
