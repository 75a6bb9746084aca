/**
 * One real Temporal dev server per test run, shared with every integration test file through
 * vitest's provide/inject. Stopped in teardown; the dev-server manager's watchdog also stops it when
 * this process dies any other way.
 */
import type { TestProject } from 'vitest/node';
import { FAST_DISPATCH_DYNAMIC_CONFIG, startDevServer } from '../src/dev-server';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests run workflows one after another: without the single-shard dispatch cap each step is quicker.
  const server = await startDevServer({ dynamicConfig: FAST_DISPATCH_DYNAMIC_CONFIG });
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  return () => server.stop();
}
