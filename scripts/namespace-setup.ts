/**
 * `npm run namespace:setup`: the namespace and its search attributes (src/namespace-setup.ts), then the
 * `loan-reconciliation` schedule created or updated in place (src/loans/reconciliation-schedule.ts).
 */
import { Client } from '@temporalio/client';
import { runAsMain } from '../src/cli';
import { ensureReconciliationSchedule, RECONCILIATION_SCHEDULE_ID } from '../src/loans/reconciliation-schedule';
import { main } from '../src/namespace-setup';

runAsMain(import.meta.url, () => main(process.argv.slice(2), async ({ connection, namespace, taskQueue, say }) => {
  const done = await ensureReconciliationSchedule(new Client({ connection, namespace }), { taskQueue });
  say(`schedule ${RECONCILIATION_SCHEDULE_ID} ${done} (every 15 minutes, task queue ${taskQueue})`);
}), { failurePrefix: '[namespace] error: ' });
