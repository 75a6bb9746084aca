/**
 * One Temporal per test run, shared with every integration test file through vitest's provide/inject:
 * a dev server started by the stack builder, or the existing Temporal that TEMPORAL_ADDRESS (and the other
 * envconfig variables, TLS included) names. A dev server is stopped in teardown; its watchdog also stops
 * it when this process dies any other way.
 */
import type { TestProject } from 'vitest/node';
import { FAST_DISPATCH_DYNAMIC_CONFIG } from '../src/dev-server';
import { startTemporal } from '../src/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    /** True when the run uses an existing Temporal (connection settings from the envconfig variables). */
    temporalExisting: boolean;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests run workflows one after another: without the single-shard dispatch cap each step is quicker.
  const temporal = await startTemporal({ devServer: { dynamicConfig: FAST_DISPATCH_DYNAMIC_CONFIG } });
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalNamespace', temporal.namespace);
  project.provide('temporalExisting', temporal.devServer === undefined);
  return () => temporal.stop();
}
