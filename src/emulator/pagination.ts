/**
 * Cursor pagination with the documented envelope (digest §6). A cursor names the boundary item by its
 * sort key and insertion `seq` (`<key>_<seq>`, like Defacto's `1504224000000_10`), never an offset, so a
 * page sequence neither repeats nor skips items while others are inserted.
 */
import type { Page } from '../defacto/wire';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './assumptions';
import { ProblemError } from './problems';
import type { StoredRecord } from './records';

/** Ordering of a list: a numeric sort key (ties broken by `seq`) and a direction. */
export interface SortSpec<T> {
  readonly key: (item: T) => number;
  readonly direction: 'asc' | 'desc';
  /** The key is the insertion `seq`: items already in insertion order need no sorting. */
  readonly bySeq?: true;
}

/** Newest first by insertion: the default order (§6). */
export const NEWEST_FIRST: SortSpec<StoredRecord> = { key: (r) => r.seq, direction: 'desc', bySeq: true };
/** Oldest first by insertion. */
export const OLDEST_FIRST: SortSpec<StoredRecord> = { key: (r) => r.seq, direction: 'asc', bySeq: true };

/** The paging part of a list request. */
export interface PageRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
}

interface Cursor { backward: boolean; key: number; seq: number }

function parseCursor(raw: string): Cursor {
  const match = /^(p?)(-?\d+(?:\.\d+)?)_(\d+)$/.exec(raw);
  if (!match) throw new ProblemError(422, 'validation_error', 'Query validation failed: 1 invalid field.', [{ name: 'cursor', reason: 'malformed cursor' }]);
  return { backward: match[1] === 'p', key: Number(match[2]), seq: Number(match[3]) };
}

/** Reads `page_size` (default 100, 1..1000) or throws a 422. */
export function pageSizeOf(query: PageRequest['query']): number {
  const raw = query.page_size;
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined || value === '') return DEFAULT_PAGE_SIZE;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new ProblemError(422, 'validation_error', 'Query validation failed: 1 invalid field.',
      [{ name: 'page_size', reason: `must be an integer between 1 and ${MAX_PAGE_SIZE}` }]);
  }
  return n;
}

/**
 * One page of `items`. `presorted: true` means `items` is in insertion order and the sort key is `seq`
 * (the common case): no copy is made and the boundary is found by binary search.
 */
export function paginate<T extends StoredRecord, V>(
  items: readonly T[],
  sort: SortSpec<T>,
  request: PageRequest,
  render: (item: T) => V,
  presorted = false,
): Page<V> {
  const pageSize = pageSizeOf(request.query);
  const rawCursor = first(request.query.cursor);
  const cursor = rawCursor ? parseCursor(rawCursor) : undefined;

  const ordered = orderedView(items, sort, presorted);
  const keyOf = (item: T): [number, number] => [sort.key(item), item.seq];
  const sign = sort.direction === 'asc' ? 1 : -1;
  const cmp = (a: [number, number], b: [number, number]): number =>
    sign * (a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1]);
  // Index of the first item strictly after `bound` in display order.
  const firstAfter = (bound: [number, number]): number => {
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(keyOf(ordered.at(mid)), bound) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Index of the first item not strictly before `bound`.
  const firstNotBefore = (bound: [number, number]): number => {
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(keyOf(ordered.at(mid)), bound) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  let start = 0;
  let end: number;
  if (cursor && cursor.backward) {
    end = firstNotBefore([cursor.key, cursor.seq]);
    start = Math.max(0, end - pageSize);
  } else {
    if (cursor) start = firstAfter([cursor.key, cursor.seq]);
    end = Math.min(ordered.length, start + pageSize);
  }
  const data: V[] = [];
  for (let i = start; i < end; i += 1) data.push(render(ordered.at(i)));
  const last = end > start ? ordered.at(end - 1) : undefined;
  const firstItem = end > start ? ordered.at(start) : undefined;
  return {
    data,
    count: data.length,
    page_size: pageSize,
    next_page: last && end < ordered.length ? link(request, `${sort.key(last)}_${last.seq}`, pageSize) : null,
    previous_page: firstItem && start > 0 ? link(request, `p${sort.key(firstItem)}_${firstItem.seq}`, pageSize) : null,
    total: ordered.length,
  };
}

interface OrderedView<T> { readonly length: number; at(index: number): T }

function orderedView<T extends StoredRecord>(items: readonly T[], sort: SortSpec<T>, presorted: boolean): OrderedView<T> {
  if (presorted) {
    return sort.direction === 'asc'
      ? { length: items.length, at: (i) => items[i]! }
      : { length: items.length, at: (i) => items[items.length - 1 - i]! };
  }
  const sign = sort.direction === 'asc' ? 1 : -1;
  const sorted = [...items].sort((a, b) => {
    const ka = sort.key(a);
    const kb = sort.key(b);
    return sign * (ka !== kb ? ka - kb : a.seq - b.seq);
  });
  return { length: sorted.length, at: (i) => sorted[i]! };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** Relative URL of another page: same path and filters, new cursor. */
function link(request: PageRequest, cursor: string, pageSize: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    if (name === 'cursor' || name === 'page_size' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  params.set('page_size', String(pageSize));
  params.set('cursor', cursor);
  return `${request.path}?${params.toString()}`;
}
