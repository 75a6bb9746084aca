/** `GET /reconciliation/latest`: the report of the reconciliation schedule's most recent run. */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { latestReconciliation } from '../../loans/reconciliation-schedule';
import { HttpProblem } from '../problem';

/** Registers the reconciliation route on an authenticated scope. */
export async function reconciliationRoutes(app: FastifyInstance, options: { readonly temporalClient: Client }): Promise<void> {
  app.get('/reconciliation/latest', async () => {
    const latest = await latestReconciliation(options.temporalClient);
    if (!latest) throw new HttpProblem('notFound', { detail: 'The loan-reconciliation schedule has not run yet' });
    return latest;
  });
}
