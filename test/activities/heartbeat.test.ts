import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_INTERVAL_MS, withHeartbeat } from '../../src/activities/heartbeat';

afterEach(() => {
  vi.useRealTimers();
});

describe('activity heartbeats', () => {
  it('a running activity heartbeats every interval until it settles, then stops', async () => {
    vi.useFakeTimers();
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => {
      beats += 1;
    });
    let finish: (value: string) => void = () => undefined;
    const slow = withHeartbeat(() => new Promise<string>((resolve) => (finish = resolve)));

    const running = env.run(slow);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS * 3 + 10);
    expect(beats).toBe(3);
    finish('done');
    await expect(running).resolves.toBe('done');
    await vi.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS * 3);
    expect(beats).toBe(3);
  });

  it('a quick activity never heartbeats', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => {
      beats += 1;
    });
    await expect(env.run(withHeartbeat(async () => 42))).resolves.toBe(42);
    expect(beats).toBe(0);
  });
});
