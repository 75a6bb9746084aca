/**
 * Money is integer minor units (cents) plus an ISO currency, as Defacto sends it. Pure: workflows
 * import this module.
 */

/** Currencies Defacto lends in. */
export const CURRENCIES = ['EUR', 'GBP'] as const;
/** One of {@link CURRENCIES}. */
export type Currency = (typeof CURRENCIES)[number];

/** An amount in cents with its currency. */
export interface Money {
  readonly amountCents: number;
  readonly currency: Currency;
}

/** True when `value` is a whole, non-negative number of cents. */
export function isCents(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Renders `12345, 'EUR'` as `123.45 EUR`; exact for any safe integer (no floating point division). */
export function formatMoney(amountCents: number, currency: Currency | string): string {
  const sign = amountCents < 0 ? '-' : '';
  const abs = Math.abs(amountCents);
  const units = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${units}.${cents} ${currency}`;
}

/**
 * Total fees as a percentage of the principal (e.g. 216 on 12 000 → 1.8). Returns `Infinity` for a
 * zero principal, so a policy check on it fails closed.
 */
export function feeRatePercent(feesCents: number, principalCents: number): number {
  if (principalCents <= 0) return Number.POSITIVE_INFINITY;
  return Math.round((feesCents / principalCents) * 100 * 10_000) / 10_000;
}
