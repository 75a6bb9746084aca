/** `MockActivityEnvironment` without the SDK's failure log lines (tests assert on the failures themselves). */
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';

const noop = (): void => undefined;
const silent: Logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** Runs an activity once, as a worker would. */
export function runActivity<I, O>(fn: (input: I) => Promise<O>, input: I): Promise<O> {
  return new MockActivityEnvironment(undefined, { logger: silent }).run(fn, input);
}
