/** Webhook subscription shapes and the event payload POSTed to subscribers. */
import { z } from 'zod';
import { DateTimeSchema } from './common';
import { EntityTypeSchema, WebhookEventTypeSchema } from './enums';

/** Body of `POST /webhooks` and `PATCH /webhook/{id}` (OAS `CreateWebhook`). */
export const CreateWebhookSchema = z.object({
  name: z.string().min(1),
  to_url: z.url(),
  event_types: z.array(WebhookEventTypeSchema).min(1),
});
/** Body of `POST /webhooks`. */
export type CreateWebhook = z.infer<typeof CreateWebhookSchema>;

/** A webhook subscription as read back (OAS `Webhook`); `id` may be absent (errata 9). */
export const WebhookSchema = z.object({
  id: z.string().nullish(),
  name: z.string(),
  to_url: z.string(),
  event_types: z.array(WebhookEventTypeSchema),
});
/** A webhook subscription as read back. */
export type Webhook = z.infer<typeof WebhookSchema>;

/**
 * The JSON body Defacto POSTs to a subscriber (from the guides; unsigned). `id` is the entity's id and
 * `entity_state` the resource as its GET returns it; consumers dedupe on (`id`, `status`, `timestamp`).
 */
export const WebhookEventSchema = z.object({
  entity_type: EntityTypeSchema,
  transition_name: z.string().nullish(),
  status: z.string(),
  timestamp: DateTimeSchema,
  id: z.string(),
  event_type: WebhookEventTypeSchema,
  entity_state: z.record(z.string(), z.unknown()),
});
/** The JSON body Defacto POSTs to a subscriber. */
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
