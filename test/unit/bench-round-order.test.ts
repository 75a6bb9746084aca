import { describe, expect, it } from 'vitest';
import { roundOrder } from '../../bench/lib/phase-order';

describe('benchmark rounds', () => {
  it('run the phases in one order, then in reverse, so that a drift over the run favours no phase', () => {
    const first = roundOrder(1);
    expect(first[0]).toBe('null');
    expect(roundOrder(2)).toEqual([...first].reverse());
    expect(roundOrder(3)).toEqual(first);
  });

  it('put every phase at the same mean position over two rounds', () => {
    const mean = (phase: string): number => (roundOrder(1).indexOf(phase as never) + roundOrder(2).indexOf(phase as never)) / 2;
    const means = new Set(roundOrder(1).map(mean));
    expect(means.size).toBe(1);
  });
});
