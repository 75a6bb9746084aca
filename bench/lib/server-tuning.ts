/**
 * Dynamic configuration of the benchmark's dev server. The dev server runs ONE history shard, and each
 * shard reads its task queues at most `history.*ProcessorMaxPollRPS` (default 20) times a second: on a
 * real cluster (hundreds of shards) that cap never shows, on the dev server it adds 25–50 ms to every
 * workflow and activity task dispatch (measured: bench/results/tuning.md). `tuned` lifts the caps so the
 * null loan measures Temporal's work, not that single-shard artifact; `default` keeps the stock server.
 *
 * `startDevServer` takes no extra server flags, so the flags go through a two-line wrapper given as
 * its `cliPath` (it `exec`s the real CLI, so the server process is still called `temporal`).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTemporalCli } from '../../src/dev-server';

/** Server profiles. */
export type ServerProfile = 'default' | 'tuned';

/** The dynamic-config values of the `tuned` profile. */
export const TUNED_DYNAMIC_CONFIG: Readonly<Record<string, number>> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollRPS': 1000,
  'history.visibilityProcessorMaxPollRPS': 1000,
};

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `cliPath` to hand `startDevServer` for `profile` (undefined: the plain CLI). */
export function devServerCli(profile: ServerProfile, workDir: string): string | undefined {
  if (profile === 'default') return undefined;
  const flags = Object.entries(TUNED_DYNAMIC_CONFIG).map(([key, value]) => `--dynamic-config-value ${shellQuote(`${key}=${value}`)}`);
  const script = join(workDir, 'temporal-tuned.sh');
  writeFileSync(script, `#!/bin/sh\nexec ${shellQuote(resolveTemporalCli())} "$@" ${flags.join(' ')}\n`);
  chmodSync(script, 0o755);
  return script;
}
