/** Runs tasks with at most `concurrency` in flight, reporting after each one settles. */

/** One task's settlement. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Runs `task(0) … task(count - 1)` with at most `concurrency` at once; a failure is recorded, never
 * thrown, so one bad loan does not end the run. Results are in index order.
 */
export async function runPool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
  onSettled?: (progress: { done: number; inFlight: number; failed: number }) => void,
): Promise<Settled<T>[]> {
  const results: Settled<T>[] = new Array<Settled<T>>(count);
  let next = 0;
  let done = 0;
  let failed = 0;
  let inFlight = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      inFlight += 1;
      try {
        results[index] = { ok: true, value: await task(index) };
      } catch (error) {
        results[index] = { ok: false, error };
        failed += 1;
      }
      inFlight -= 1;
      done += 1;
      onSettled?.({ done, inFlight, failed });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, () => lane()));
  return results;
}
