/**
 * The back office as the chaos harness uses it: real HTTP calls to the edge, each with a timeout, and
 * retried through everything chaos throws at them (the edge restarting, Temporal restarting, no worker
 * to answer a query). A start that got through but whose answer was lost shows up as 409 on the retry
 * and counts as started: the workflow ID is the financing's identity.
 */
import type { LoanProgress } from '../../src/domain/loan';
import type { LoanRequestInput } from '../../src/domain/schemas';
import type { OperatorAction } from './scenarios';

/** Raised when the edge refused a request for good (a 4xx that is not a duplicate). */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

/** Raised when a call kept failing until its deadline. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Back-office client of one edge. */
export class EdgeApi {
  /** Attempts that failed on the way (network errors, 5xx, timeouts), for the report. */
  retries = 0;

  constructor(private readonly baseUrl: () => string, private readonly token: string) {}

  private async call(method: string, path: string, json: unknown, timeoutMs: number): Promise<Answer> {
    const response = await fetch(`${this.baseUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      body = text;
    }
    return { status: response.status, body };
  }

  /** Calls until `accept` returns a value or `deadlineAt` passes; transport errors and 5xx are retried. */
  private async until<T>(deadlineAt: number, what: string, attempt: () => Promise<Answer>, accept: (a: Answer) => T | undefined): Promise<T> {
    let last = 'no attempt';
    for (let n = 0; Date.now() < deadlineAt; n += 1) {
      try {
        const answer = await attempt();
        const value = accept(answer);
        if (value !== undefined) return value;
        last = `HTTP ${answer.status}`;
      } catch (error) {
        if (error instanceof RefusedError) throw error;
        last = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      this.retries += 1;
      await pause(Math.min(2_000, 100 * 2 ** Math.min(n, 5)));
    }
    throw new DeadlineError(`${what}: still failing at the deadline (${last})`);
  }

  /** `POST /loans`; resolves with the workflow ID once the workflow exists. */
  startLoan(request: LoanRequestInput, deadlineAt: number): Promise<string> {
    return this.until(deadlineAt, 'POST /loans', () => this.call('POST', '/loans', request, 15_000), (answer) => {
      const body = answer.body as { workflowId?: string } | null;
      if ((answer.status === 202 || answer.status === 409) && typeof body?.workflowId === 'string') return body.workflowId;
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 409) {
        throw new RefusedError(`POST /loans refused the request: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      return undefined;
    });
  }

  /** `GET /loans/{id}` (a workflow query: needs a live worker). */
  progress(workflowId: string, deadlineAt: number): Promise<LoanProgress> {
    return this.until(deadlineAt, 'GET /loans/{id}', () => this.call('GET', `/loans/${encodeURIComponent(workflowId)}`, undefined, 10_000),
      (answer) => (answer.status === 200 ? (answer.body as LoanProgress) : undefined));
  }

  /**
   * Carries out an operator decision once the offer awaits one, exactly once from the loan's point of
   * view: a 409 after a lost answer is resolved by reading the progress (decision recorded, or loan ended).
   */
  async operate(workflowId: string, action: OperatorAction, deadlineAt: number, abandoned: () => boolean = () => false): Promise<'done' | 'loan-ended' | 'abandoned'> {
    for (;;) {
      if (abandoned()) return 'abandoned';
      const progress = await this.progress(workflowId, deadlineAt);
      if (progress.outcome) return progress.review?.decidedBy === 'operator' ? 'done' : 'loan-ended';
      if (progress.review?.decidedBy === 'operator' || progress.loan?.status === 'CANCELED') return 'done';
      if (progress.awaitingOperator) {
        const answer = await this.call('POST', `/loans/${encodeURIComponent(workflowId)}/${action}`, { reason: 'chaos harness' }, 20_000)
          .catch(() => undefined);
        if (answer?.status === 200) return 'done';
        this.retries += 1;
      }
      if (Date.now() >= deadlineAt) throw new DeadlineError(`operator ${action} on ${workflowId}: not carried out before the deadline`);
      await pause(500);
    }
  }
}
