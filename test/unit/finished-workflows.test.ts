/**
 * The edge's memory of finished workflows: a later event of the same loan is acknowledged without asking
 * Temporal, for a minute at most, and only for that loan (a new run under the same ID following another
 * loan is not mistaken for the finished one). Bounded: the oldest are forgotten first.
 */
import { describe, expect, it } from 'vitest';
import { FinishedWorkflows } from '../../src/http/webhook-router';

describe('finished workflows', () => {
  it('remembers a workflow with its loan until the time to live has passed', () => {
    let clock = 0;
    const finished = new FinishedWorkflows(10, 60_000, () => clock);
    finished.add('wf-1', 'loan-1');
    expect(finished.has('wf-1', 'loan-1')).toBe(true);
    expect(finished.has('wf-1', 'loan-2')).toBe(false);
    expect(finished.has('wf-2', 'loan-1')).toBe(false);
    clock = 60_001;
    expect(finished.has('wf-1', 'loan-1')).toBe(false);
  });

  it('forgets the oldest first beyond its capacity', () => {
    const finished = new FinishedWorkflows(2, 60_000, () => 0);
    finished.add('wf-1', 'loan-1');
    finished.add('wf-2', 'loan-2');
    finished.add('wf-3', 'loan-3');
    expect([1, 2, 3].map((n) => finished.has(`wf-${n}`, `loan-${n}`))).toEqual([false, true, true]);
  });
});
