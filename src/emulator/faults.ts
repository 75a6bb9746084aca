/**
 * Fault injection, off by default and deterministic for a given seed: HTTP faults per route template
 * (`'POST /loans'`, `'GET /loan/{loan_id}'`) or global (`'*'` / no route), and webhook faults.
 */
import { z } from 'zod';

/** One fault rule (contracts §3). `count` makes it apply to the next N matching requests only. */
export const FaultRuleSchema = z.object({
  route: z.string().min(1).optional(),
  kind: z.enum(['status', 'rate_limit', 'latency', 'reset', 'lost_response', 'webhook_duplicate', 'webhook_reorder']),
  status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  retryAfterS: z.number().nonnegative().optional(),
  latencyMs: z.number().int().nonnegative().max(120_000).optional(),
  rate: z.number().min(0).max(1).optional(),
  count: z.number().int().positive().optional(),
});
/** A fault rule as accepted by `POST /_emulator/faults` and `buildEmulator({ faults })`. */
export type FaultRule = z.infer<typeof FaultRuleSchema>;
/** Kinds that act on an HTTP request. */
export type HttpFaultKind = 'status' | 'rate_limit' | 'latency' | 'reset' | 'lost_response';
/** Kinds that act on webhook deliveries. */
export type WebhookFaultKind = 'webhook_duplicate' | 'webhook_reorder';

/** What to do with one request: an added delay, then at most one terminal fault. */
export interface RequestFaults {
  readonly latencyMs: number;
  readonly terminal?: FaultRule & { kind: 'status' | 'rate_limit' | 'reset' | 'lost_response' };
}

/** Deterministic PRNG (mulberry32): same seed, same sequence of draws. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface LiveRule {
  rule: FaultRule;
  remaining: number;
}

/** The rule book. Rules are checked in insertion order; exhausted one-shot rules disappear. */
export class FaultInjector {
  private rules: LiveRule[] = [];
  private random: () => number;

  constructor(seed = 1, rules: readonly FaultRule[] = []) {
    this.random = seededRandom(seed);
    this.add(rules);
  }

  /** Appends rules. */
  add(rules: readonly FaultRule[]): void {
    for (const rule of rules) this.rules.push({ rule, remaining: rule.count ?? Number.POSITIVE_INFINITY });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The active rules, with how many applications remain for one-shot rules. */
  list(): Array<FaultRule & { remaining?: number }> {
    return this.rules.map(({ rule, remaining }) =>
      Number.isFinite(remaining) ? { ...rule, remaining } : { ...rule });
  }

  /** True when no rule exists (fast path for every request). */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Draws the faults of one request to `routeKey` (`'<METHOD> <template>'`). */
  forRequest(routeKey: string): RequestFaults {
    let latencyMs = 0;
    let terminal: RequestFaults['terminal'];
    for (const live of [...this.rules]) {
      const { rule } = live;
      if (rule.kind === 'webhook_duplicate' || rule.kind === 'webhook_reorder') continue;
      if (rule.route !== undefined && rule.route !== '*' && rule.route !== routeKey) continue;
      if (rule.kind !== 'latency' && terminal) continue;
      if (!this.draw(live)) continue;
      if (rule.kind === 'latency') latencyMs += rule.latencyMs ?? 0;
      else terminal = { ...rule, kind: rule.kind };
    }
    return terminal ? { latencyMs, terminal } : { latencyMs };
  }

  /** Whether a webhook fault of this kind applies to the next delivery. */
  webhookFault(kind: WebhookFaultKind): boolean {
    for (const live of [...this.rules]) {
      if (live.rule.kind === kind && this.draw(live)) return true;
    }
    return false;
  }

  private draw(live: LiveRule): boolean {
    if (live.remaining <= 0) return false;
    const rate = live.rule.rate ?? 1;
    if (rate < 1 && this.random() >= rate) return false;
    live.remaining -= 1;
    if (live.remaining <= 0) this.rules = this.rules.filter((r) => r !== live);
    return true;
  }
}
