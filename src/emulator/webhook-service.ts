/** Webhook subscriptions (digest §3.22): create, list, patch (full or partial), delete. */
import { randomUUID } from 'node:crypto';
import type { CreateWebhook, Page, Webhook } from '../defacto/wire';
import type { EmulatorContext } from './context';
import { listPage } from './list-filters';
import { WEBHOOK_LIST } from './lists';
import type { PageRequest } from './pagination';
import { notFound } from './problems';
import type { WebhookRecord } from './records';
import type { TenantState } from './store';
import { webhookView } from './views';

/** The tenant's subscription, or a 404 problem. */
export function webhookOr404(tenant: TenantState, id: string): WebhookRecord {
  const hook = tenant.webhooks.get(id);
  if (!hook) throw notFound('webhook', id);
  return hook;
}

/** `POST /webhooks`. */
export function createWebhook(ctx: EmulatorContext, tenant: TenantState, input: CreateWebhook): Webhook {
  const now = ctx.clock.now();
  return webhookView(tenant.webhooks.add({
    id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now,
    name: input.name, toUrl: input.to_url, eventTypes: [...new Set(input.event_types)],
  }));
}

/** `GET /webhooks`. */
export function listWebhooks(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<Webhook> {
  return listPage(WEBHOOK_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.webhooks.items, webhookView);
}

/** `PATCH /webhook/{webhook_id}`: only the fields given change. */
export function patchWebhook(ctx: EmulatorContext, hook: WebhookRecord, patch: { [K in keyof CreateWebhook]?: CreateWebhook[K] | undefined }): Webhook {
  if (patch.name !== undefined) hook.name = patch.name;
  if (patch.to_url !== undefined) hook.toUrl = patch.to_url;
  if (patch.event_types !== undefined) hook.eventTypes = [...new Set(patch.event_types)];
  hook.updatedAt = ctx.clock.now();
  return webhookView(hook);
}
