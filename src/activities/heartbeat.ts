/**
 * Heartbeats while an activity waits on Defacto, so that when its worker dies (SIGKILL, OOM, a lost host)
 * Temporal retries the activity elsewhere after the heartbeat timeout, seconds, rather than after the
 * start-to-close timeout sized for Defacto's slowest answers.
 */
import { Context } from '@temporalio/activity';

/** How often a running activity heartbeats; the activity options' `heartbeatTimeout` is a few of these. */
export const HEARTBEAT_INTERVAL_MS = 2_000;

/** Wraps an activity so it heartbeats every {@link HEARTBEAT_INTERVAL_MS} until it settles (not when run as a local activity). */
export function withHeartbeat<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const context = Context.current();
    // A local activity has no server-side heartbeat (its workflow task heartbeats instead).
    if (context.info.isLocal) return fn(...args);
    const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}

/** Applies `wrap` to every function of an activity object, keeping names and types. */
export function mapActivities<T extends object>(
  activities: T,
  wrap: (fn: (...args: unknown[]) => Promise<unknown>) => (...args: unknown[]) => Promise<unknown>,
): T {
  const entries = Object.entries(activities as Record<string, (...args: unknown[]) => Promise<unknown>>);
  return Object.fromEntries(entries.map(([name, fn]) => [name, wrap(fn)])) as T;
}
