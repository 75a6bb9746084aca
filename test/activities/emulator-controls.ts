/**
 * Thin client of the emulator-only `/_emulator` controls used by the lifecycle tests: faults, inventory
 * (per tenant), virtual clock, simulated repayments, stats.
 */
import type { FaultRule } from '../../src/emulator/app';
import type { EmulatorInventory } from '../../src/emulator/routes/controls';

/** Counts of one tenant's resources, as `GET /_emulator/inventory` reports them. */
export type Inventory = EmulatorInventory;

/** Per-route request statistics. */
export interface RouteStats {
  readonly routes: Record<string, { readonly count: number; readonly errors: number }>;
}

/** Controls of one emulator, acting for one tenant (API key). */
export function emulatorControls(baseUrl: string, apiKey: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path} → HTTP ${response.status}: ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  return {
    addFaults: (rules: FaultRule[]) => call<unknown>('POST', '/_emulator/faults', { rules }),
    clearFaults: () => call<unknown>('DELETE', '/_emulator/faults'),
    inventory: () => call<Inventory>('GET', '/_emulator/inventory'),
    stats: () => call<RouteStats>('GET', '/_emulator/stats'),
    advanceClock: (ms: number) => call<{ now: string }>('POST', '/_emulator/clock/advance', { ms }),
    repay: (loanId: string) => call<{ status: string }>('POST', '/_emulator/repayments', { loan_id: loanId }),
    /** Repayment mode of this tenant's new loans: `production` waits for `repay` or `to_repay_at`. */
    setRepaymentMode: (repayment: 'sandbox' | 'production') => call<unknown>('POST', '/_emulator/settings', { repayment }),
  };
}

/** The type of {@link emulatorControls}. */
export type EmulatorControls = ReturnType<typeof emulatorControls>;
