/** Webhook subscriptions (digest §3.22): create, list, patch (full or partial), delete. */
import { randomUUID } from 'node:crypto';
import { CreateWebhookSchema } from '../../defacto/wire';
import { NEWEST_FIRST, paginate } from '../pagination';
import { notFound } from '../problems';
import type { TenantState, WebhookRecord } from '../store';
import { webhookView } from '../views';
import { body, pageRequest, param, queryOne, rawQuery, tenantOf, type RouteDeps } from './common';

const WebhookPatchSchema = CreateWebhookSchema.partial();

function webhookOr404(tenant: TenantState, id: string): WebhookRecord {
  const hook = tenant.webhooks.get(id);
  if (!hook) throw notFound('webhook', id);
  return hook;
}

/** Registers the webhook subscription routes. */
export function webhookRoutes({ app, ctx }: RouteDeps): void {
  app.post('/webhooks', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    const input = body(CreateWebhookSchema, request);
    const now = ctx.clock.now();
    const hook = tenant.webhooks.add({
      id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now,
      name: input.name, toUrl: input.to_url, eventTypes: [...new Set(input.event_types)],
    });
    return reply.code(201).send(webhookView(hook));
  });

  app.get('/webhooks', async (request) => {
    const tenant = tenantOf(ctx, request);
    const url = queryOne(rawQuery(request), 'to_url');
    const items = url === undefined ? tenant.webhooks.items : tenant.webhooks.items.filter((h) => h.toUrl === url);
    return paginate(items, NEWEST_FIRST, pageRequest(request), webhookView, true);
  });

  app.patch('/webhook/:webhook_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    const hook = webhookOr404(tenant, param(request, 'webhook_id'));
    const patch = body(WebhookPatchSchema, request);
    if (patch.name !== undefined) hook.name = patch.name;
    if (patch.to_url !== undefined) hook.toUrl = patch.to_url;
    if (patch.event_types !== undefined) hook.eventTypes = [...new Set(patch.event_types)];
    hook.updatedAt = ctx.clock.now();
    return webhookView(hook);
  });

  app.delete('/webhook/:webhook_id', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    const hook = webhookOr404(tenant, param(request, 'webhook_id'));
    tenant.webhooks.remove(hook.id);
    return reply.code(204).send();
  });
}
