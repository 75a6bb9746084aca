/** The one fee rule of the emulator (digest §2.1), parameterised in assumptions.ts. */
import { DAY_MS, FEES_DAILY_RATE_PERCENT, MIN_FEE_DAYS } from './assumptions';

/** Billed days between two instants: whole days rounded up, at least `MIN_FEE_DAYS`. */
export function billedDays(fromMs: number, toMs: number): number {
  return Math.max(MIN_FEE_DAYS, Math.ceil((toMs - fromMs) / DAY_MS));
}

/** Fees in cents: amount × days × daily rate (percent) / 100, rounded to the cent. */
export function feesFor(amountCents: number, fromMs: number, toMs: number): number {
  return Math.round((amountCents * billedDays(fromMs, toMs) * FEES_DAILY_RATE_PERCENT) / 100);
}
