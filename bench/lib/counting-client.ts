/**
 * A {@link DefactoClient} that counts the calls made through it (by `resource.method`), so the report
 * can tell the HTTP edge's Defacto calls (the webhook router's reads) from the worker's: the emulator's
 * stats count both on the same routes.
 */
import type { DefactoClient } from '../../src/defacto';

/** Calls by `resource.method`, e.g. `loans.get`. */
export type CallCounts = Map<string, number>;

/** Wraps `client`; every call of a resource method increments `counts`. */
export function countingClient(client: DefactoClient, counts: CallCounts): DefactoClient {
  const resources = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value === 'function') return (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof value !== 'object' || value === null) return value;
      let wrapped = resources.get(property);
      if (!wrapped) {
        const resource = value as Record<PropertyKey, unknown>;
        wrapped = new Proxy(resource, {
          get(inner, method) {
            const fn: unknown = Reflect.get(inner, method, inner);
            if (typeof fn !== 'function') return fn;
            return (...args: unknown[]) => {
              const key = `${String(property)}.${String(method)}`;
              counts.set(key, (counts.get(key) ?? 0) + 1);
              return (fn as (...a: unknown[]) => unknown).apply(inner, args);
            };
          },
        });
        resources.set(property, wrapped);
      }
      return wrapped;
    },
  });
}

/** Total of `counts`. */
export function totalCalls(counts: CallCounts): number {
  let n = 0;
  for (const v of counts.values()) n += v;
  return n;
}
