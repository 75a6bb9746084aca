/**
 * Options of the emulator and the context every handler and step shares: store, clock, faults, stats,
 * webhook dispatcher and timing.
 */
import type { Logger } from '../logging';
import { REALISTIC_TIMING, WEBHOOK_RETRY } from './assumptions';
import { EmulatorClock } from './clock';
import { FaultInjector, seededRandom, type FaultRule } from './faults';
import { RouteStatsRecorder } from './stats';
import type { RepaymentMode } from './records';
import { EmulatorStore, type TenantState } from './store';
import { WebhookDispatcher, type WebhookRetryPolicy } from './webhook-dispatcher';

/** Delays of automatic steps, in emulator-clock milliseconds. */
export interface Timing {
  readonly decisionDelayMs: number;
  readonly stepDelayMs: number;
}

/** Options of `buildEmulator` (contracts §3); all optional. */
export interface EmulatorOptions {
  /** `'instant'`: every automatic step right away (still asynchronously); default `'realistic'`. */
  timing?: 'instant' | 'realistic' | Timing;
  /** `'sandbox'` (default): automatic repayment per scenario; `'production'`: only on request or at `to_repay_at`. */
  repayment?: RepaymentMode;
  /** Virtual clock start. */
  clock?: { startAt?: string };
  /** Seed of every random draw (faults, generated data). */
  seed?: number;
  /** Fault rules active from the start. */
  faults?: FaultRule[];
  /** Webhook retry policy overrides. */
  webhookRetry?: Partial<WebhookRetryPolicy>;
  /** A pino logger for Fastify, or `false` (default: no request logging). */
  logger?: Logger | false;
}

function timingOf(option: EmulatorOptions['timing']): Timing {
  if (option === 'instant') return { decisionDelayMs: 0, stepDelayMs: 0 };
  if (option === undefined || option === 'realistic') return REALISTIC_TIMING;
  return option;
}

/** Shared state of one emulator instance. */
export class EmulatorContext {
  readonly store = new EmulatorStore();
  readonly clock: EmulatorClock;
  readonly faults: FaultInjector;
  readonly stats = new RouteStatsRecorder();
  readonly dispatcher: WebhookDispatcher;
  readonly timing: Timing;
  readonly repayment: RepaymentMode;
  readonly random: () => number;
  /** Origin used in absolute links (document URLs); follows the Host of the latest request. */
  baseUrl = 'http://127.0.0.1:4010';

  constructor(options: EmulatorOptions = {}) {
    const seed = options.seed ?? 1;
    this.clock = new EmulatorClock(options.clock ?? {});
    this.faults = new FaultInjector(seed, options.faults ?? []);
    this.random = seededRandom(seed ^ 0x5eed);
    this.timing = timingOf(options.timing);
    this.repayment = options.repayment ?? 'sandbox';
    this.dispatcher = new WebhookDispatcher(this.faults, { ...WEBHOOK_RETRY, ...options.webhookRetry });
  }

  /** Repayment mode of new loans of a tenant (tenant setting, else the instance option). */
  repaymentModeOf(tenant: TenantState): RepaymentMode {
    return tenant.repaymentMode ?? this.repayment;
  }

  /** Forgets all state, pending steps and deliveries (faults and stats are kept). */
  reset(): void {
    this.store.reset();
    this.clock.clear();
    this.dispatcher.reset();
  }

  /** Stops timers and deliveries (app close). */
  stop(): void {
    this.clock.stop();
    this.dispatcher.stop();
  }
}
