/**
 * When the edge signals: at once to a workflow with no task running, never to one that has finished, and
 * to one whose task a worker is running once that task is done, looking again after growing pauses and
 * signalling anyway once the task has been running for `maxWaitMs`.
 */
import { describe, expect, it } from 'vitest';
import { awaitSignalWindow, type SignalTiming, type WorkflowTaskState } from '../../src/http/signal-timing';

const TIMING: SignalTiming = { firstDelayMs: 10, maxDelayMs: 40, maxWaitMs: 200 };
const IDLE: WorkflowTaskState = { closed: false, taskRunning: false };
const BUSY: WorkflowTaskState = { closed: false, taskRunning: true };
const CLOSED: WorkflowTaskState = { closed: true, taskRunning: false };

/** A workflow that answers `states` in turn (the last one for ever), on a fake clock the pauses advance. */
function scripted(states: readonly WorkflowTaskState[]) {
  let clock = 0;
  let peeks = 0;
  const pauses: number[] = [];
  return {
    peek: () => Promise.resolve(states[Math.min(peeks++, states.length - 1)] ?? IDLE),
    sleep: (ms: number) => { pauses.push(ms); clock += ms; return Promise.resolve(); },
    now: () => clock,
    get peeks() { return peeks; },
    pauses,
  };
}

async function windowOf(states: readonly WorkflowTaskState[]) {
  const workflow = scripted(states);
  const window = await awaitSignalWindow(() => workflow.peek(), TIMING, workflow.sleep, workflow.now);
  return { window, peeks: workflow.peeks, pauses: workflow.pauses };
}

describe('the signal window', () => {
  it('is open at once when no workflow task is running (none, or one only queued)', async () => {
    expect(await windowOf([IDLE])).toEqual({ window: 'open', peeks: 1, pauses: [] });
  });

  it('is closed when the workflow has finished or does not exist', async () => {
    expect(await windowOf([CLOSED])).toEqual({ window: 'closed', peeks: 1, pauses: [] });
  });

  it('opens once the running task is done, after pauses that double up to the cap', async () => {
    expect(await windowOf([BUSY, BUSY, BUSY, BUSY, IDLE])).toEqual({ window: 'open', peeks: 5, pauses: [10, 20, 40, 40] });
  });

  it('closes when the running task finished the workflow', async () => {
    expect(await windowOf([BUSY, BUSY, CLOSED])).toEqual({ window: 'closed', peeks: 3, pauses: [10, 20] });
  });

  it('opens anyway once a task has been running for maxWaitMs (a worker died holding it)', async () => {
    const { window, pauses } = await windowOf([BUSY]);
    expect(window).toBe('open');
    expect(pauses.reduce((a, b) => a + b, 0)).toBe(TIMING.maxWaitMs);
    expect(pauses).toEqual([10, 20, 40, 40, 40, 40, 10]);
  });
});
