/** Counterparties (digest §3.26): parse, delegate to the counterparty services. */
import { CounterpartyExplicitCreationSchema } from '../../defacto/wire';
import { counterpartyOr404, counterpartyView, createCounterparty, listCounterparties } from '../counterparty-service';
import { body, pageRequest, param, tenantOf, type RouteDeps } from './common';

/** Registers the counterparty routes. */
export function counterpartyRoutes({ app, ctx }: RouteDeps): void {
  app.post('/counterparties', async (request, reply) => {
    const { counterparty, created } = createCounterparty(ctx, tenantOf(ctx, request), body(CounterpartyExplicitCreationSchema, request));
    return reply.code(created ? 201 : 200).send(counterparty);
  });
  app.get('/counterparties', async (request) => listCounterparties(ctx, tenantOf(ctx, request), pageRequest(request)));
  app.get('/counterparty/:counterparty_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    return counterpartyView(tenant, counterpartyOr404(tenant, param(request, 'counterparty_id')));
  });
}
