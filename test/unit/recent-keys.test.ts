/**
 * The edge's bounded memories (recent events, finished workflows): a key is remembered until its time to
 * live has passed, if it has one, and the oldest are forgotten first beyond the capacity. A finished
 * workflow is remembered with its loan, so a new run under the same ID following another loan is not
 * mistaken for the finished one.
 */
import { describe, expect, it } from 'vitest';
import { finishedKey, RecentKeys } from '../../src/http/webhook-router';

describe('recent keys', () => {
  it('remembers a finished workflow with its loan until the time to live has passed', () => {
    let clock = 0;
    const finished = new RecentKeys(10, 60_000, () => clock);
    finished.add(finishedKey('wf-1', 'loan-1'));
    expect(finished.has(finishedKey('wf-1', 'loan-1'))).toBe(true);
    expect(finished.has(finishedKey('wf-1', 'loan-2'))).toBe(false);
    expect(finished.has(finishedKey('wf-2', 'loan-1'))).toBe(false);
    clock = 60_001;
    expect(finished.has(finishedKey('wf-1', 'loan-1'))).toBe(false);
  });

  it('without a time to live, remembers a key however old', () => {
    let clock = 0;
    const events = new RecentKeys(10, undefined, () => clock);
    events.add('event-1');
    clock = 86_400_000;
    expect(events.has('event-1')).toBe(true);
  });

  it('forgets the oldest first beyond its capacity', () => {
    const finished = new RecentKeys(2, 60_000, () => 0);
    finished.add(finishedKey('wf-1', 'loan-1'));
    finished.add(finishedKey('wf-2', 'loan-2'));
    finished.add(finishedKey('wf-3', 'loan-3'));
    expect([1, 2, 3].map((n) => finished.has(finishedKey(`wf-${n}`, `loan-${n}`)))).toEqual([false, true, true]);
  });
});
