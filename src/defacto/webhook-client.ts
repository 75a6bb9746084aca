/** Webhook-subscription methods of the Defacto client. */
import { findFirst, listEndpoint, type Paginated } from './pagination';
import { jsonResponse, type Send } from './transport';
import { pageSchema, WebhookSchema, type CreateWebhook, type Webhook } from './wire';

/** Paging of `GET /webhooks` (the API declares no filters). */
export interface WebhookListQuery { page_size?: number | undefined }
/** Fields of `PATCH /webhook/{webhook_id}` (any subset). */
export type WebhookPatch = { [K in keyof CreateWebhook]?: CreateWebhook[K] | undefined };

/** Webhook subscriptions and look-up by URL. */
export interface WebhookMethods {
  create(body: CreateWebhook): Promise<Webhook>;
  list(q?: WebhookListQuery): Paginated<Webhook>;
  update(id: string, patch: WebhookPatch): Promise<Webhook>;
  delete(id: string): Promise<void>;
  findByUrl(url: string): Promise<Webhook | undefined>;
}

const WebhookPage = pageSchema(WebhookSchema);

/** The webhook methods over `send`. */
export function webhookMethods(send: Send): WebhookMethods {
  return {
    create: (body) =>
      send({ method: 'POST', pathTemplate: '/webhooks', body, response: jsonResponse(WebhookSchema, 'Webhook'), idempotent: false }),
    list: (q = {}) => listEndpoint(send, { pathTemplate: '/webhooks', query: { ...q }, schema: WebhookPage, name: 'page of Webhook' }),
    update: (id, patch) =>
      send({
        method: 'PATCH', pathTemplate: '/webhook/{webhook_id}', params: { webhook_id: id }, body: patch,
        response: jsonResponse(WebhookSchema, 'Webhook'), idempotent: true,
      }),
    delete: (id) =>
      send({
        method: 'DELETE', pathTemplate: '/webhook/{webhook_id}', params: { webhook_id: id },
        response: { kind: 'empty' }, idempotent: true,
      }),
    findByUrl: (url) => findFirst(listEndpoint(send, { pathTemplate: '/webhooks', schema: WebhookPage, name: 'page of Webhook' }), (w) => w.to_url === url),
  };
}
