/**
 * Runs a batch of loans with bounded concurrency and records each one's end-to-end latency and outcome,
 * whatever drives them (Temporal workflows or the direct baseline).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { runPool } from './pool';
import type { ProgressSink } from './progress';

/** One loan, driven to its end. */
export type LoanRunner = (index: number) => Promise<{ readonly status: string }>;

/** What a batch did. */
export interface LoanBatch {
  readonly count: number;
  readonly durationMs: number;
  /** Latency of each loan that ended (start → outcome). */
  readonly latenciesMs: number[];
  /** Outcomes by status; failures counted under `FAILED`. */
  readonly outcomes: Record<string, number>;
  readonly failed: number;
  /** A few failure messages (the first of each kind). */
  readonly failureExamples: string[];
}

function describe(error: unknown): string {
  if (error instanceof WorkflowFailedError) return `workflow failed: ${error.cause?.message ?? error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs `count` loans, at most `concurrency` at once, showing progress under `label`. */
export async function runLoans(
  count: number,
  concurrency: number,
  runner: LoanRunner,
  progress: ProgressSink,
  label: string,
): Promise<LoanBatch> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const examples = new Map<string, string>();
  progress.begin(label, count);
  const started = performance.now();
  const settled = await runPool(
    count,
    concurrency,
    async (index) => {
      const t0 = performance.now();
      const { status } = await runner(index);
      latencies.push(performance.now() - t0);
      outcomes[status] = (outcomes[status] ?? 0) + 1;
      return status;
    },
    ({ done, inFlight, failed }) => progress.update({ done, total: count, inFlight, failed }),
  );
  const durationMs = performance.now() - started;
  let failed = 0;
  for (const s of settled) {
    if (s.ok) continue;
    failed += 1;
    const text = describe(s.error);
    const kind = text.slice(0, 40);
    if (!examples.has(kind)) examples.set(kind, text.slice(0, 300));
  }
  if (failed > 0) outcomes['FAILED'] = failed;
  progress.end(`${label}: ${count - failed}/${count} ended in ${(durationMs / 1000).toFixed(1)} s`);
  return { count, durationMs, latenciesMs: latencies, outcomes, failed, failureExamples: [...examples.values()].slice(0, 5) };
}
