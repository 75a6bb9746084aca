import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the same worker, starter and replay against a multi-service Temporal cluster on
 * PostgreSQL over TLS (started once in globalSetup; the first run builds the server, minutes). Kept out of
 * `npm test`, which stays on the dev server.
 */
export default defineConfig({
  test: {
    name: 'cluster',
    include: ['test/cluster/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['test/cluster/global-setup.ts'],
    setupFiles: ['test/setup/exit-with-parent.ts'],
    // A loan end to end, its worker started from scratch, on a busy 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
