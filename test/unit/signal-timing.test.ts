/**
 * When the edge signals: at once to an idle workflow, never to one that has finished, and to a busy one
 * (a task or an activity under way) once it is idle, waiting in between for it to finish (one long poll
 * of at most `closeWaitMs`), and signalling anyway once it has been busy for `maxWaitMs`.
 */
import { describe, expect, it } from 'vitest';
import { awaitSignalWindow, type SignalTiming, type WorkflowState } from '../../src/http/signal-timing';

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
