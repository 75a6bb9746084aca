import { defineConfig } from 'vitest/config';

/**
 * `npm run test:observe`: the tests that need Debian's prometheus package (installed by the bootstrap's
 * `--prometheus` when running as root): promtool on the alert rules and the dashboard, business metrics
 * counted by a real Prometheus after loans of known outcomes, and `npm start -- --keep --observe`. On the
 * run's own dev server (test/global-setup.ts). Kept out of `npm test`, which needs no Prometheus.
 */
export default defineConfig({
  test: {
    name: 'observe',
    include: ['test/observe/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup/exit-with-parent.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
