/**
 * Declarative list filters. Each list of the API is described once by a table: query parameter → how to
 * read and check it → how it selects items. `parseListQuery` validates every parameter of a request at
 * once (one 422 naming every bad one) and returns a predicate plus the sort to apply; handlers never
 * read query parameters of a list by hand.
 */
import { DAY_MS } from './assumptions';
import type { Page } from '../defacto/wire';
import { NEWEST_FIRST, paginate, type PageRequest, type SortSpec } from './pagination';
import { validationFailed } from './problems';
import type { InvalidParam } from '../defacto/wire';
import type { StoredRecord } from './records';

/** Raw query object as Fastify parses it (repeated keys become arrays). */
export type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

/** What a filter may consult besides the item: the caller's data and the emulator clock. */
export interface FilterContext<D> {
  readonly data: D;
  readonly now: number;
}

type Text = string | null | undefined;

/** How one query parameter selects items. */
export type Filter<T, D> =
  /** Repeatable; the item matches when one of its values is among the given ones (`allowed` checks them). */
  | { readonly kind: 'any_of'; readonly get: (item: T, data: D) => Text | readonly Text[]; readonly allowed?: readonly string[] }
  /** ISO date-time bound on a timestamp: `from` ≥, `after` >, `before` <; items without one never match. */
  | { readonly kind: 'from' | 'before' | 'after'; readonly get: (item: T, data: D) => number | null | readonly (number | null)[] }
  /** `true|false`, compared with the item's flag. */
  | { readonly kind: 'flag'; readonly get: (item: T, data: D) => boolean }
  /** Case-insensitive substring over the item's searchable fields. */
  | { readonly kind: 'text'; readonly get: (item: T, data: D) => readonly Text[] }
  /** Non-negative integer N: the timestamp lies within the next N days (from now inclusive, now + N days exclusive). */
  | { readonly kind: 'within_days'; readonly get: (item: T) => number | null }
  /** A filter on something the emulator never produces: any value matches nothing (`check` validates it first). */
  | { readonly kind: 'never'; readonly check?: 'date' | 'bool' }
  /** A boolean whose `true` matches nothing the emulator produces, and `false` everything. */
  | { readonly kind: 'never_true' }
  /** A boolean whose `false` matches nothing the emulator produces, and `true` everything (e.g. `include_loans`). */
  | { readonly kind: 'always_true' }
  /** Validated and accepted, with no effect on the emulator's data. */
  | { readonly kind: 'no_effect'; readonly check: 'bool' | 'date' };

/** A list: its filters, its sorts (the first is the default unless `defaultSort`), and optional index look-ups. */
export interface ListSpec<T, D> {
  readonly filters: Readonly<Record<string, Filter<T, D>>>;
  readonly sorts?: Readonly<Record<string, SortSpec<T>>>;
  readonly defaultSort?: string;
  /** Candidates when a parameter is given, found by index instead of a scan (they must still pass every filter). */
  readonly indexes?: Readonly<Record<string, (values: readonly string[], data: D) => readonly T[]>>;
  /** Parameters the request must give (422 `field required` otherwise). */
  readonly required?: readonly string[];
  /** Parameters that must not be combined. */
  readonly exclusive?: readonly (readonly [string, string])[];
}

/** The outcome of parsing a list request. */
export interface ListQuery<T> {
  /** Items to consider, in insertion order (an index look-up or `all`). */
  readonly candidates: readonly T[];
  /** Null when no filter is active (every candidate matches). */
  readonly predicate: ((item: T) => boolean) | null;
  /** The sort to apply, or null for insertion order, newest first. */
  readonly sort: SortSpec<T> | null;
}

function values(query: RawQuery, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function last(query: RawQuery, name: string): string | undefined {
  const all = values(query, name);
  return all[all.length - 1];
}

const isBool = (v: string): boolean => v === 'true' || v === 'false';
const isDate = (v: string): boolean => !Number.isNaN(Date.parse(v));

function asArray<V>(value: V | readonly V[]): readonly V[] {
  return Array.isArray(value) ? (value as readonly V[]) : [value as V];
}

type Complain = (name: string, reason: string) => void;

/** The test of one given filter, or undefined when it selects everything (or is invalid: `bad` was called). */
function compile<T, D>(
  name: string, filter: Filter<T, D>, given: readonly string[], context: FilterContext<D>, bad: Complain,
): ((item: T) => boolean) | undefined {
  const one = given[given.length - 1]!;
  const { data } = context;
  const checked = (check: 'date' | 'bool' | undefined): boolean => {
    if (check === 'date' && !isDate(one)) { bad(name, 'expected an ISO 8601 date-time'); return false; }
    if (check === 'bool' && !isBool(one)) { bad(name, 'expected true or false'); return false; }
    return true;
  };
  switch (filter.kind) {
    case 'any_of': {
      const { allowed } = filter;
      const wrong = allowed ? given.filter((v) => !allowed.includes(v)) : [];
      for (const v of wrong) bad(name, `invalid value '${v.slice(0, 40)}'; expected one of ${allowed!.join(', ')}`);
      const wanted = new Set(given);
      return (item) => asArray(filter.get(item, data)).some((v) => v != null && wanted.has(v));
    }
    case 'from':
    case 'after':
    case 'before': {
      if (!checked('date')) return undefined;
      const bound = Date.parse(one);
      const inRange = filter.kind === 'from' ? (v: number) => v >= bound
        : filter.kind === 'after' ? (v: number) => v > bound : (v: number) => v < bound;
      return (item) => asArray(filter.get(item, data)).some((v) => v !== null && inRange(v));
    }
    case 'flag': {
      if (!checked('bool')) return undefined;
      const wanted = one === 'true';
      return (item) => filter.get(item, data) === wanted;
    }
    case 'text': {
      const text = one.toLowerCase();
      return (item) => filter.get(item, data).some((field) => field?.toLowerCase().includes(text) ?? false);
    }
    case 'within_days': {
      if (!/^\d+$/.test(one)) { bad(name, 'expected a non-negative integer'); return undefined; }
      const from = context.now;
      const to = from + Number(one) * DAY_MS;
      return (item) => { const v = filter.get(item); return v !== null && v >= from && v < to; };
    }
    case 'never':
      return checked(filter.check) ? () => false : undefined;
    case 'never_true':
    case 'always_true':
      if (!checked('bool')) return undefined;
      return (filter.kind === 'never_true') === (one === 'true') ? () => false : undefined;
    case 'no_effect':
      checked(filter.check);
      return undefined;
  }
}

function sortOf<T, D>(spec: ListSpec<T, D>, query: RawQuery, bad: Complain): SortSpec<T> | null {
  const sorts = spec.sorts ?? {};
  const names = Object.keys(sorts);
  const sortBy = last(query, 'sort_by');
  if (sortBy !== undefined && names.length > 0) {
    if (names.includes(sortBy)) return sorts[sortBy]!;
    bad('sort_by', `invalid value '${sortBy.slice(0, 40)}'; expected one of ${names.join(', ')}`);
    return null;
  }
  return spec.defaultSort !== undefined ? sorts[spec.defaultSort] ?? null : null;
}

/** Validates every filter of `spec` in `query` and builds the predicate; throws one 422 naming each bad parameter. */
export function parseListQuery<T, D>(
  spec: ListSpec<T, D>, query: RawQuery, context: FilterContext<D>, all: readonly T[],
): ListQuery<T> {
  const problems: InvalidParam[] = [];
  const bad: Complain = (name, reason) => { problems.push({ name, reason }); };
  const tests: ((item: T) => boolean)[] = [];
  for (const [name, filter] of Object.entries(spec.filters)) {
    const given = values(query, name);
    const test = given.length === 0 ? undefined : compile(name, filter, given, context, bad);
    if (test) tests.push(test);
  }
  for (const name of spec.required ?? []) {
    if (values(query, name).length === 0) bad(name, 'field required');
  }
  for (const [a, b] of spec.exclusive ?? []) {
    if (values(query, a).length > 0 && values(query, b).length > 0) bad(a, `cannot be combined with ${b}`);
  }
  const sort = sortOf(spec, query, bad);
  if (problems.length > 0) throw validationFailed('Query', problems);

  let candidates = all;
  for (const [name, lookup] of Object.entries(spec.indexes ?? {})) {
    const given = values(query, name);
    if (given.length > 0) { candidates = lookup(given, context.data); break; }
  }
  const predicate = tests.length === 0 ? null : (item: T) => tests.every((test) => test(item));
  return { candidates, predicate, sort };
}

/** The items of a parsed list query, in insertion order. */
export function selected<T>(list: ListQuery<T>): readonly T[] {
  return list.predicate ? list.candidates.filter(list.predicate) : list.candidates;
}

/** One page of a list request: filters parsed and checked once, then sorted and paginated. */
export function listPage<T extends StoredRecord, D, V>(
  spec: ListSpec<T, D>, request: PageRequest, context: FilterContext<D>, all: readonly T[], render: (item: T) => V,
): Page<V> {
  const list = parseListQuery(spec, request.query, context, all);
  const items = selected(list);
  const sort = list.sort ?? NEWEST_FIRST;
  return paginate(items, sort, request, render, list.sort === null || list.sort.bySeq === true);
}
