/**
 * Search tags: what a search attribute holds instead of a business identifier. Temporal indexes search
 * attributes in clear, so a borrower's identifier or an invoice number goes there only as a keyed hash
 * (HMAC-SHA-256 under the search-tag key, truncated to 128 bits): equal values give equal tags, so an
 * operator who knows the value can compute its tag and find the loan, while the index alone reveals
 * nothing (a plain hash of a 9-digit company number would be reversed by enumeration).
 */
import { createHmac } from 'node:crypto';

const TAG_PREFIX = 't1-';

/** The search tag of `value` under `key` (`t1-` + 32 hex digits); `kind` separates namespaces (borrower, invoice). */
export function searchTag(key: Buffer, kind: 'borrower' | 'invoice', value: string): string {
  return TAG_PREFIX + createHmac('sha256', key).update(`${kind}\u0000${value.trim()}`).digest('hex').slice(0, 32);
}
