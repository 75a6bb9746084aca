import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../src/emulator/clock';
import { FaultInjector } from '../../src/emulator/faults';
import { eventually } from './http';

describe('the emulator clock', () => {
  let clock: EmulatorClock;
  afterEach(() => clock.stop());

  it('starts at the configured instant and then follows real time', () => {
    clock = new EmulatorClock({ startAt: '2030-01-01T00:00:00Z' });
    expect(Math.abs(clock.now() - Date.parse('2030-01-01T00:00:00Z'))).toBeLessThan(1_000);
  });

  it('runs zero-delay steps asynchronously, in scheduling order', async () => {
    clock = new EmulatorClock();
    const ran: number[] = [];
    clock.schedule(0, () => ran.push(1));
    clock.schedule(0, () => ran.push(2));
    expect(ran).toEqual([]);
    await eventually(async () => ran.length === 2);
    expect(ran).toEqual([1, 2]);
  });

  it('runs every step that became due when advanced, including steps those steps schedule', () => {
    clock = new EmulatorClock();
    const ran: string[] = [];
    clock.schedule(86_400_000, () => {
      ran.push('a day later');
      clock.schedule(0, () => ran.push('right after'));
    });
    clock.schedule(2 * 86_400_000, () => ran.push('two days later'));
    const before = clock.now();
    const now = clock.advance(86_400_000);
    expect(now - before).toBeGreaterThanOrEqual(86_400_000);
    expect(ran).toEqual(['a day later', 'right after']);
    expect(clock.pending()).toBe(1);
  });

  it('never moves backwards', () => {
    clock = new EmulatorClock();
    const before = clock.now();
    clock.advance(-5_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before);
  });
});

describe('the fault injector', () => {
  it('matches rules by route template or globally, and one-shot rules expire after count uses', () => {
    const faults = new FaultInjector(1, [{ route: 'POST /loans', kind: 'status', status: 502, count: 2 }]);
    expect(faults.forRequest('GET /loan/{loan_id}').terminal).toBeUndefined();
    expect(faults.forRequest('POST /loans').terminal?.status).toBe(502);
    expect(faults.forRequest('POST /loans').terminal?.status).toBe(502);
    expect(faults.forRequest('POST /loans').terminal).toBeUndefined();
    expect(faults.empty).toBe(true);
  });

  it('adds the latency of every matching latency rule', () => {
    const faults = new FaultInjector(1, [{ kind: 'latency', latencyMs: 20 }, { route: '*', kind: 'latency', latencyMs: 5 }]);
    expect(faults.forRequest('GET /hello').latencyMs).toBe(25);
  });

  it('draws the same sequence of faults for the same seed', () => {
    const draw = (seed: number) => {
      const faults = new FaultInjector(seed, [{ kind: 'status', status: 500, rate: 0.3 }]);
      return Array.from({ length: 50 }, () => (faults.forRequest('GET /hello').terminal ? 1 : 0)).join('');
    };
    expect(draw(7)).toBe(draw(7));
    expect(draw(7)).not.toBe(draw(8));
    const hits = draw(7).split('').filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(5);
    expect(hits).toBeLessThan(30);
  });
});
