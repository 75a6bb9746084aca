/**
 * Per-route request statistics for `/_emulator/stats`: count, errors (status ≥ 400 or dropped
 * connection) and latency percentiles over the most recent samples (a fixed-size ring per route).
 */

const SAMPLES_PER_ROUTE = 8_192;

interface RouteStats {
  count: number;
  errors: number;
  samples: Float64Array;
  filled: number;
  next: number;
}

/** Summary of one route. */
export interface RouteSummary {
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

/** Collects request outcomes keyed by `'<METHOD> <route template>'`. */
export class RouteStatsRecorder {
  private routes = new Map<string, RouteStats>();

  /** Records one request. */
  record(routeKey: string, latencyMs: number, failed: boolean): void {
    let stats = this.routes.get(routeKey);
    if (!stats) {
      stats = { count: 0, errors: 0, samples: new Float64Array(SAMPLES_PER_ROUTE), filled: 0, next: 0 };
      this.routes.set(routeKey, stats);
    }
    stats.count += 1;
    if (failed) stats.errors += 1;
    stats.samples[stats.next] = latencyMs;
    stats.next = (stats.next + 1) % SAMPLES_PER_ROUTE;
    stats.filled = Math.min(SAMPLES_PER_ROUTE, stats.filled + 1);
  }

  /** Every route's summary. */
  summary(): { routes: Record<string, RouteSummary> } {
    const routes: Record<string, RouteSummary> = {};
    for (const [key, s] of this.routes) {
      const sorted = Array.from(s.samples.subarray(0, s.filled)).sort((a, b) => a - b);
      routes[key] = { count: s.count, errors: s.errors, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
    }
    return { routes };
  }

  /** Forgets everything. */
  reset(): void {
    this.routes = new Map();
  }
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 1000) / 1000;
}
