import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` needs no Temporal server (pure logic, emulator contract, client, activities);
 * `integration` shares one dev server per run (started in globalSetup); `replay` replays committed
 * histories. The forks pool keeps Temporal's native bridge out of worker threads.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/emulator/**/*.test.ts', 'test/defacto/**/*.test.ts', 'test/activities/**/*.test.ts'],
          pool: 'forks',
          setupFiles: ['test/setup/exit-with-parent.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/foundation/**/*.test.ts', 'test/operators/**/*.test.ts', 'test/workflows/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/http/**/*.test.ts', 'test/bench/**/*.test.ts', 'test/upgrade/**/*.test.ts', 'test/observability/**/*.test.ts'],
          pool: 'forks',
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup/exit-with-parent.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'replay',
          include: ['test/replay/**/*.test.ts'],
          pool: 'forks',
          setupFiles: ['test/setup/exit-with-parent.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
