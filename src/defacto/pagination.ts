/**
 * Cursor pagination over Defacto list endpoints. Only the cursor is taken from `next_page`: the client
 * keeps its own path, filters and host, so a `next_page` pointing elsewhere can never receive the API key.
 */
import type { z } from 'zod';
import { DefactoContractError, type CallSite } from './errors';
import type { QueryParams, Send } from './transport';
import type { Page } from './wire';

/** Every item of every page, lazily; iterating again starts again from the first page. */
export interface Paginated<T> extends AsyncIterable<T> {
  /** The pages themselves, in order. */
  pages(): AsyncIterable<Page<T>>;
  /** Every item of every page, collected. */
  all(): Promise<T[]>;
}

/**
 * The cursor carried by `next_page`, which Defacto documents both as a link
 * (`/loans?page_size=100&cursor=X`, possibly absolute) and as a bare cursor. `undefined` = last page.
 * Throws a contract error for a link without a `cursor` parameter (following it would loop).
 */
export function cursorFromNextPage(nextPage: string | null | undefined, site: CallSite): string | undefined {
  if (nextPage === null || nextPage === undefined) return undefined;
  const value = nextPage.trim();
  if (value === '') return undefined;
  const looksLikeLink = value.startsWith('/') || /^https?:\/\//i.test(value) || value.includes('?');
  if (!looksLikeLink) return value;
  const cursor = new URL(value, 'http://relative.invalid').searchParams.get('cursor');
  if (cursor === null || cursor === '') {
    throw new DefactoContractError(`${site.method} ${site.pathTemplate} returned a next_page link without a cursor`, {
      ...site,
      invalidParams: [{ name: 'next_page', reason: 'no cursor parameter' }],
    });
  }
  return cursor;
}

/** Fetches one page given the cursor of the previous one (`undefined` for the first page). */
export type PageFetcher<T> = (cursor: string | undefined) => Promise<Page<T>>;

/** Builds a {@link Paginated} from a page fetcher; a repeated cursor is a contract error, not an endless loop. */
export function paginate<T>(fetchPage: PageFetcher<T>, site: CallSite): Paginated<T> {
  async function* pages(): AsyncGenerator<Page<T>> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await fetchPage(cursor);
      yield page;
      const next = cursorFromNextPage(page.next_page, site);
      if (next === undefined) return;
      if (seen.has(next)) {
        throw new DefactoContractError(`${site.method} ${site.pathTemplate} returned the same next_page cursor twice`, {
          ...site,
          invalidParams: [{ name: 'next_page', reason: 'repeated cursor' }],
        });
      }
      seen.add(next);
      cursor = next;
    }
  }
  async function* items(): AsyncGenerator<T> {
    for await (const page of pages()) yield* page.data;
  }
  return {
    pages,
    [Symbol.asyncIterator]: items,
    async all() {
      const out: T[] = [];
      for await (const item of items()) out.push(item);
      return out;
    },
  };
}

/** A GET list endpoint: its path and parameters, its filters and the schema of one page. */
export interface ListEndpoint<T> {
  pathTemplate: string;
  params?: Readonly<Record<string, string>>;
  query?: QueryParams;
  schema: z.ZodType<Page<T>>;
  /** The page's name in Defacto's OpenAPI document, for contract errors. */
  name: string;
}

/** Every item of a GET list endpoint through `send`, the cursor added to its filters page by page. */
export function listEndpoint<T>(send: Send, endpoint: ListEndpoint<T>): Paginated<T> {
  const { pathTemplate, params = {}, query = {}, schema, name } = endpoint;
  return paginate(
    (cursor) => send({ method: 'GET', pathTemplate, params, query: { ...query, cursor }, response: { kind: 'json', schema, name }, idempotent: true }),
    { method: 'GET', pathTemplate },
  );
}

/** The first item of `items` satisfying `match`, stopping the paging as soon as it is found. */
export async function findFirst<T>(items: AsyncIterable<T>, match: (item: T) => boolean): Promise<T | undefined> {
  for await (const item of items) if (match(item)) return item;
  return undefined;
}
