/**
 * Webhook delivery (digest §7): every event goes to each subscription of the tenant whose `event_types`
 * include it, in order per (subscription, entity), at least once: a non-2xx or a timeout is retried with
 * bounded exponential backoff. Duplicate and reorder faults come from the fault injector.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import type { WebhookEvent, WebhookEventType } from '../defacto/wire';
import { WEBHOOK_DELIVERY_HISTORY, WEBHOOK_REORDER_HOLD_MS } from './assumptions';
import type { FaultInjector } from './faults';
import type { TenantState } from './store';

/** Retry policy of deliveries. */
export interface WebhookRetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

/** One delivery of one event to one subscription, as shown by `GET /_emulator/webhooks/deliveries`. */
export interface DeliveryRecord {
  readonly id: string;
  readonly webhook_id: string;
  readonly url: string;
  readonly event_type: WebhookEventType;
  readonly entity_id: string;
  readonly entity_status: string;
  status: 'pending' | 'delivering' | 'retrying' | 'delivered' | 'failed';
  attempts: number;
  delivered: boolean;
  duplicate: boolean;
  last_response_status: number | null;
  created_at: string;
  delivered_at: string | null;
}

interface Delivery {
  readonly record: DeliveryRecord;
  readonly body: string;
}

interface EntityQueue {
  readonly items: Delivery[];
  running: boolean;
  held: Delivery | undefined;
  holdTimer: NodeJS.Timeout | undefined;
}

/** Sends webhook events; one FIFO queue per (subscription, entity). */
export class WebhookDispatcher {
  private readonly queues = new Map<string, EntityQueue>();
  private readonly history = new Map<string, DeliveryRecord[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Keep-alive connections to the receivers; destroying it on stop aborts the requests in flight. */
  private readonly agent: Agent;
  private inFlight = 0;
  private stopped = false;

  constructor(
    private readonly faults: FaultInjector,
    private readonly retry: WebhookRetryPolicy,
  ) {
    // A delivery times out when connecting, or waiting for the answer's headers or for a chunk of its body, takes longer than timeoutMs.
    this.agent = new Agent({ connect: { timeout: retry.timeoutMs }, headersTimeout: retry.timeoutMs, bodyTimeout: retry.timeoutMs });
  }

  /** Whether any subscription of the tenant listens to `eventType` (lets callers skip building payloads). */
  wants(tenant: TenantState, eventType: WebhookEventType): boolean {
    for (const hook of tenant.webhooks.items) if (hook.eventTypes.includes(eventType)) return true;
    return false;
  }

  /** Queues `event` for every matching subscription of the tenant. */
  publish(tenant: TenantState, event: WebhookEvent): void {
    if (this.stopped) return;
    const body = JSON.stringify(event);
    for (const hook of tenant.webhooks.items) {
      if (!hook.eventTypes.includes(event.event_type)) continue;
      const delivery = this.newDelivery(tenant.key, hook.id, hook.toUrl, event, body, false);
      this.enqueue(`${hook.id}:${event.id}`, delivery);
      if (this.faults.webhookFault('webhook_duplicate')) {
        this.enqueue(`${hook.id}:${event.id}`, this.newDelivery(tenant.key, hook.id, hook.toUrl, event, body, true));
      }
    }
  }

  /** Deliveries of one tenant (or of all tenants), oldest first. */
  deliveries(tenantKey?: string): DeliveryRecord[] {
    if (tenantKey !== undefined) return [...(this.history.get(tenantKey) ?? [])];
    return [...this.history.values()].flat().sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** Number of deliveries not finished yet. */
  pendingCount(): number {
    let n = this.inFlight;
    for (const q of this.queues.values()) n += q.items.length + (q.held ? 1 : 0);
    return n;
  }

  /** Forgets history and pending deliveries. */
  reset(): void {
    for (const q of this.queues.values()) if (q.holdTimer) clearTimeout(q.holdTimer);
    this.queues.clear();
    this.history.clear();
  }

  /** Stops for good: pending retries are dropped and requests in flight aborted. */
  stop(): void {
    this.stopped = true;
    this.reset();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    void this.agent.destroy().catch(() => undefined);
  }

  private newDelivery(
    tenantKey: string, webhookId: string, url: string, event: WebhookEvent, body: string, duplicate: boolean,
  ): Delivery {
    const record: DeliveryRecord = {
      id: randomUUID(), webhook_id: webhookId, url, event_type: event.event_type, entity_id: event.id,
      entity_status: event.status, status: 'pending', attempts: 0, delivered: false, duplicate,
      last_response_status: null, created_at: new Date().toISOString(), delivered_at: null,
    };
    let list = this.history.get(tenantKey);
    if (!list) { list = []; this.history.set(tenantKey, list); }
    list.push(record);
    if (list.length > WEBHOOK_DELIVERY_HISTORY) {
      const dropAt = list.findIndex((r) => r.status === 'delivered' || r.status === 'failed');
      if (dropAt >= 0) list.splice(dropAt, 1);
    }
    return { record, body };
  }

  private enqueue(key: string, delivery: Delivery): void {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { items: [], running: false, held: undefined, holdTimer: undefined };
      this.queues.set(key, queue);
    }
    if (queue.held) {
      // Reorder fault: the newer event overtakes the held one.
      const held = queue.held;
      queue.held = undefined;
      if (queue.holdTimer) clearTimeout(queue.holdTimer);
      queue.items.push(delivery, held);
    } else if (!delivery.record.duplicate && this.faults.webhookFault('webhook_reorder')) {
      queue.held = delivery;
      const q = queue;
      q.holdTimer = setTimeout(() => {
        if (q.held) { q.items.push(q.held); q.held = undefined; }
        this.drain(key, q);
      }, WEBHOOK_REORDER_HOLD_MS);
      q.holdTimer.unref();
      return;
    } else {
      queue.items.push(delivery);
    }
    this.drain(key, queue);
  }

  private drain(key: string, queue: EntityQueue): void {
    if (queue.running || this.stopped) return;
    const next = queue.items.shift();
    if (!next) {
      if (!queue.held) this.queues.delete(key);
      return;
    }
    queue.running = true;
    this.inFlight += 1;
    void this.deliver(next).finally(() => {
      this.inFlight -= 1;
      queue.running = false;
      this.drain(key, queue);
    });
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { record } = delivery;
    while (!this.stopped) {
      record.attempts += 1;
      record.status = 'delivering';
      const status = await this.post(record.url, delivery.body);
      record.last_response_status = status;
      if (status !== null && status >= 200 && status < 300) {
        record.status = 'delivered';
        record.delivered = true;
        record.delivered_at = new Date().toISOString();
        return;
      }
      if (record.attempts >= this.retry.attempts) {
        record.status = 'failed';
        return;
      }
      record.status = 'retrying';
      const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (record.attempts - 1));
      await this.sleep(delay);
    }
  }

  /** The response status, or null on a network error or timeout. */
  private async post(url: string, body: string): Promise<number | null> {
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Defacto-Webhooks/emulator' },
        body,
      });
      // Read to the end, so that the connection can carry the next delivery.
      await response.body.dump().catch(() => undefined);
      return response.statusCode;
    } catch {
      return null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.timers.delete(timer); resolve(); }, ms);
      this.timers.add(timer);
    });
  }
}
