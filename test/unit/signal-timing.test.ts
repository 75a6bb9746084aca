/**
 * When the edge signals: at once to an idle workflow, never to one that has finished, and to a busy one
 * (a task or an activity under way) once it is idle, looking again after growing pauses and signalling
 * anyway once it has been busy for `maxWaitMs`.
 */
import { describe, expect, it } from 'vitest';
import { awaitSignalWindow, type SignalTiming, type WorkflowState } from '../../src/http/signal-timing';

const TIMING: SignalTiming = { firstDelayMs: 10, maxDelayMs: 40, maxWaitMs: 200 };
const IDLE: WorkflowState = { closed: false, busy: false };
const BUSY: WorkflowState = { closed: false, busy: true };
const CLOSED: WorkflowState = { closed: true, busy: false };

/** A workflow that answers `states` in turn (the last one for ever), on a fake clock the pauses advance. */
function scripted(states: readonly WorkflowState[]) {
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

async function windowOf(states: readonly WorkflowState[]) {
  const workflow = scripted(states);
  const window = await awaitSignalWindow(() => workflow.peek(), TIMING, workflow.sleep, workflow.now);
  return { window, peeks: workflow.peeks, pauses: workflow.pauses };
}

describe('the signal window', () => {
  it('is open at once when the workflow is idle', async () => {
    expect(await windowOf([IDLE])).toEqual({ window: 'open', peeks: 1, pauses: [] });
  });

  it('is closed when the workflow has finished or does not exist', async () => {
    expect(await windowOf([CLOSED])).toEqual({ window: 'closed', peeks: 1, pauses: [] });
  });

  it('opens once the workflow is idle, after pauses that double up to the cap', async () => {
    expect(await windowOf([BUSY, BUSY, BUSY, BUSY, IDLE])).toEqual({ window: 'open', peeks: 5, pauses: [10, 20, 40, 40] });
  });

  it('closes when the workflow finishes meanwhile', async () => {
    expect(await windowOf([BUSY, BUSY, CLOSED])).toEqual({ window: 'closed', peeks: 3, pauses: [10, 20] });
  });

  it('opens anyway once the workflow has been busy for maxWaitMs (a long activity, a worker died holding a task)', async () => {
    const { window, pauses } = await windowOf([BUSY]);
    expect(window).toBe('open');
    expect(pauses.reduce((a, b) => a + b, 0)).toBe(TIMING.maxWaitMs);
    expect(pauses).toEqual([10, 20, 40, 40, 40, 40, 10]);
  });
});
