/**
 * When the edge signals: at once to an idle workflow, never to one that has finished, and to a busy one
 * (a task or an activity under way) once it is idle, waiting in between for it to finish (one long poll
 * of at most `closeWaitMs`), and signalling anyway once it has been busy for `maxWaitMs`.
 */
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { GrpcStatus } from '../../src/http/grpc-status';
import { awaitSignalWindow, workflowClosesWithin, type SignalTiming, type WorkflowState } from '../../src/http/signal-timing';

const TIMING: SignalTiming = { closeWaitMs: 80, maxWaitMs: 200 };
const IDLE: WorkflowState = { closed: false, busy: false };
const BUSY: WorkflowState = { closed: false, busy: true };
const CLOSED: WorkflowState = { closed: true, busy: false };

/**
 * A workflow that answers `states` to its looks in turn (the last one for ever) and finishes after
 * `closesAfterMs` of waiting (never when absent), on a fake clock the waits advance.
 */
function scripted(states: readonly WorkflowState[], closesAfterMs = Number.POSITIVE_INFINITY) {
  let clock = 0;
  let peeks = 0;
  const waits: number[] = [];
  return {
    watch: {
      peek: () => Promise.resolve(states[Math.min(peeks++, states.length - 1)] ?? IDLE),
      closesWithin: (ms: number) => {
        waits.push(ms);
        const closes = clock + ms >= closesAfterMs;
        clock = closes ? closesAfterMs : clock + ms;
        return Promise.resolve(closes);
      },
    },
    now: () => clock,
    get peeks() { return peeks; },
    waits,
  };
}

async function windowOf(states: readonly WorkflowState[], closesAfterMs?: number) {
  const workflow = scripted(states, closesAfterMs);
  const window = await awaitSignalWindow(workflow.watch, TIMING, workflow.now);
  return { window, peeks: workflow.peeks, waits: workflow.waits };
}

describe('the signal window', () => {
  it('is open at once when the workflow is idle', async () => {
    expect(await windowOf([IDLE])).toEqual({ window: 'open', peeks: 1, waits: [] });
  });

  it('is closed when the workflow has finished or does not exist', async () => {
    expect(await windowOf([CLOSED])).toEqual({ window: 'closed', peeks: 1, waits: [] });
  });

  it('closes as soon as a busy workflow finishes: one look and one wait, however long the wait', async () => {
    expect(await windowOf([BUSY], 30)).toEqual({ window: 'closed', peeks: 1, waits: [80] });
  });

  it('opens when a busy workflow goes to sleep instead: looked at again after each wait', async () => {
    expect(await windowOf([BUSY, BUSY, IDLE])).toEqual({ window: 'open', peeks: 3, waits: [80, 80] });
  });

  it('closes when the workflow finishes during a later wait', async () => {
    expect(await windowOf([BUSY, BUSY], 120)).toEqual({ window: 'closed', peeks: 2, waits: [80, 80] });
  });

  it('opens anyway once the workflow has been busy for maxWaitMs (a long activity, a worker died holding a task)', async () => {
    const { window, waits } = await windowOf([BUSY]);
    expect(window).toBe('open');
    expect(waits).toEqual([80, 80, 40]);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(TIMING.maxWaitMs);
  });
});

/** A client whose `GetWorkflowExecutionHistory` fails with gRPC status `code` (as grpc-js reports it). */
function refusingClient(code: number): { client: Client; deadlines: number[] } {
  const deadlines: number[] = [];
  const refusal = Object.assign(new Error(`${code} refused`), { code, details: 'refused', metadata: {} });
  const client = {
    options: { namespace: 'default' },
    connection: {
      withDeadline: (deadline: number, fn: () => Promise<unknown>) => { deadlines.push(deadline); return fn(); },
    },
    workflowService: { getWorkflowExecutionHistory: () => Promise.reject(refusal) },
  };
  return { client: client as unknown as Client, deadlines };
}

describe('the close wait', () => {
  it('asks for a deadline a second past the wait: Temporal ends a long poll that long before the deadline', async () => {
    const { client, deadlines } = refusingClient(GrpcStatus.DEADLINE_EXCEEDED);
    const before = Date.now();
    expect(await workflowClosesWithin(client, 'wf', 500)).toBe(false);
    expect(deadlines[0]! - before).toBeGreaterThanOrEqual(1_500);
    expect(deadlines[0]! - before).toBeLessThan(1_600);
  });

  it('counts a workflow Temporal does not know as finished', async () => {
    expect(await workflowClosesWithin(refusingClient(GrpcStatus.NOT_FOUND).client, 'wf', 500)).toBe(true);
  });

  it('waits the time asked when Temporal refuses the long poll for too many in flight, then says "not yet"', async () => {
    const pauses: number[] = [];
    const answer = await workflowClosesWithin(refusingClient(GrpcStatus.RESOURCE_EXHAUSTED).client, 'wf', 700, (ms) => {
      pauses.push(ms);
      return Promise.resolve();
    });
    expect({ answer, pauses }).toEqual({ answer: false, pauses: [700] });
  });

  it('lets any other failure through (the webhook is answered 5xx and redelivered)', async () => {
    await expect(workflowClosesWithin(refusingClient(GrpcStatus.UNAVAILABLE).client, 'wf', 500)).rejects.toThrow('14 refused');
  });
});
