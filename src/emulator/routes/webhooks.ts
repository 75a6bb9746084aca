/** Webhook subscriptions (digest §3.22): parse, delegate to the webhook services. */
import { CreateWebhookSchema } from '../../defacto/wire';
import { createWebhook, listWebhooks, patchWebhook, webhookOr404 } from '../webhook-service';
import { body, pageRequest, param, tenantOf, type RouteDeps } from './common';

const WebhookPatchSchema = CreateWebhookSchema.partial();

/** Registers the webhook subscription routes. */
export function webhookRoutes({ app, ctx }: RouteDeps): void {
  app.post('/webhooks', async (request, reply) =>
    reply.code(201).send(createWebhook(ctx, tenantOf(ctx, request), body(CreateWebhookSchema, request))));

  app.get('/webhooks', async (request) => listWebhooks(ctx, tenantOf(ctx, request), pageRequest(request)));

  app.patch('/webhook/:webhook_id', async (request) => {
    const hook = webhookOr404(tenantOf(ctx, request), param(request, 'webhook_id'));
    return patchWebhook(ctx, hook, body(WebhookPatchSchema, request));
  });

  app.delete('/webhook/:webhook_id', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    tenant.webhooks.remove(webhookOr404(tenant, param(request, 'webhook_id')).id);
    return reply.code(204).send();
  });
}
