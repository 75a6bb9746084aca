/**
 * The answers of local activities (the lifecycle's reads), remembered briefly per workflow run and activity
 * ID. When Temporal refuses a workflow task's completion (`UNHANDLED_COMMAND`: a Defacto event was
 * signalled while the task ran, typically the webhook of the very status the task just read), the local
 * activities of that task leave no marker and run again, with the same IDs, in the retried task: the same
 * reads, moments later. Answering them from this memo spares Defacto those repeated calls. It changes
 * nothing the workflow can tell apart: the answer is the one the read gave at that same point of the run
 * moments earlier. Only successes are remembered (a failed read runs again), only in this process (a
 * retried task on another worker reads afresh), and only for {@link MEMO_TTL_MS}.
 */
import { Context } from '@temporalio/activity';

/** How long an answer is reused: a retried workflow task follows its refusal within moments. */
export const MEMO_TTL_MS = 30_000;
/** Bound on remembered answers (the oldest go first). */
export const MEMO_MAX_ENTRIES = 5_000;

interface Entry {
  readonly at: number;
  readonly value: unknown;
}

/** A memo shared by the wrapped activities of one worker process. */
export class LocalReadMemo {
  private readonly entries = new Map<string, Entry>();
  hits = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Wraps an activity: as a local activity, its answer is remembered and reused for the same run and ID. */
  wrap<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A): Promise<R> => {
      const { info } = Context.current();
      const runId = info.workflowExecution?.runId;
      if (!info.isLocal || !runId) return fn(...args);
      const key = `${runId}|${info.activityId}|${info.activityType}`;
      const cached = this.get(key);
      if (cached) {
        this.hits += 1;
        return cached.value as R;
      }
      const value = await fn(...args);
      this.set(key, value);
      return value;
    };
  }

  private get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at <= MEMO_TTL_MS) return entry;
    if (entry) this.entries.delete(key);
    return undefined;
  }

  private set(key: string, value: unknown): void {
    this.entries.set(key, { at: this.now(), value });
    while (this.entries.size > MEMO_MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}
