/** The emulator-only controls the benchmark uses (contracts §3), over plain `fetch`. */

/** One route's counters from `GET /_emulator/stats`. */
export interface RouteStats {
  readonly count: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname} answered ${response.status}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Requests served per route since the last reset. */
export async function emulatorStats(baseUrl: string): Promise<Record<string, RouteStats>> {
  return (await call<{ routes: Record<string, RouteStats> }>(`${baseUrl}/_emulator/stats`)).routes;
}

/** Forgets the per-route counters. */
export async function resetEmulatorStats(baseUrl: string): Promise<void> {
  await call(`${baseUrl}/_emulator/stats`, { method: 'DELETE' });
}

/** Moves the emulator clock forward by `ms` and runs every step that became due. */
export async function advanceEmulatorClock(baseUrl: string, ms: number): Promise<void> {
  await call(`${baseUrl}/_emulator/clock/advance`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }),
  });
}

/** Webhook deliveries not finished yet (all tenants). */
export async function pendingWebhookDeliveries(baseUrl: string): Promise<number> {
  return (await call<{ pending: number }>(`${baseUrl}/_emulator/webhooks/deliveries?page_size=1`, {
    headers: { authorization: 'Bearer bench-probe' },
  })).pending;
}

/** Loans of a tenant by status. */
export async function loansByStatus(baseUrl: string, apiKey: string): Promise<Record<string, number>> {
  return (await call<{ loansByStatus: Record<string, number> }>(`${baseUrl}/_emulator/inventory`, {
    headers: { authorization: `Bearer ${apiKey}` },
  })).loansByStatus;
}

/** Routes of the Defacto API (the emulator's own controls and unmatched requests excluded). */
export function apiRoutes(stats: Record<string, RouteStats>): Record<string, RouteStats> {
  return Object.fromEntries(Object.entries(stats).filter(([route]) => !route.includes('/_emulator') && !route.includes('<unmatched>')));
}

/** Sum of `count` over the Defacto API routes. */
export function totalRequests(stats: Record<string, RouteStats>): number {
  return Object.values(apiRoutes(stats)).reduce((n, r) => n + r.count, 0);
}
