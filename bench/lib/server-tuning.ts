/**
 * Dynamic configuration of the benchmark's dev server. `tuned` lifts the single-shard queue-read caps
 * (`FAST_DISPATCH_DYNAMIC_CONFIG`, see src/dev-server.ts) so the null loan measures Temporal's work, not
 * that dev-server artifact; `default` keeps the stock server.
 */
import { FAST_DISPATCH_DYNAMIC_CONFIG } from '../../src/dev-server';

/** Server profiles. */
export type ServerProfile = 'default' | 'tuned';

/** The dynamic config to hand `startDevServer` for `profile`. */
export function devServerDynamicConfig(profile: ServerProfile): Readonly<Record<string, number>> {
  return profile === 'tuned' ? FAST_DISPATCH_DYNAMIC_CONFIG : {};
}
