/**
 * The Defacto sandbox emulator as a Fastify app (not listening): one plugin per concern (problem bodies,
 * request bodies, per-route stats, bearer-token tenants, fault injection), then the API routes and the
 * emulator-only `/_emulator` controls. Handlers delegate to the services.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { BODY_LIMIT_BYTES } from './assumptions';
import { EmulatorContext, type EmulatorOptions } from './context';
import { authPlugin } from './plugins/auth';
import { bodiesPlugin } from './plugins/bodies';
import { faultsPlugin } from './plugins/faults';
import { problemsPlugin } from './plugins/problems';
import { statsPlugin } from './plugins/stats';
import { borrowerRoutes } from './routes/borrowers';
import { controlRoutes } from './routes/controls';
import { counterpartyRoutes } from './routes/counterparties';
import { eligibilityRoutes } from './routes/eligibility';
import { invoiceRoutes } from './routes/invoices';
import { loanRoutes } from './routes/loans';
import { notImplementedRoutes } from './routes/not-implemented';
import { onboardingRoutes } from './routes/onboarding';
import { paymentRoutes } from './routes/payments';
import { recollectionRoutes } from './routes/recollection';
import { repaymentRoutes } from './routes/repayments';
import { sandboxRoutes } from './routes/sandbox';
import { webhookRoutes } from './routes/webhooks';

export type { EmulatorOptions } from './context';
export type { FaultRule } from './faults';

declare module 'fastify' {
  interface FastifyInstance {
    /** The emulator's shared state (store, clock, faults, stats, webhooks). */
    emulator: EmulatorContext;
  }
}

/** Builds the emulator app (call `listen` yourself, or use `inject`). */
export async function buildEmulator(options: EmulatorOptions = {}): Promise<FastifyInstance> {
  const ctx = new EmulatorContext(options);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: false,
  }) as unknown as FastifyInstance;
  app.decorate('emulator', ctx);
  // Absolute links (document URLs) follow the host the caller used.
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    if (host && !ctx.baseUrl.endsWith(`//${host}`)) ctx.baseUrl = `${request.protocol}://${host}`;
  });

  await app.register(problemsPlugin);
  await app.register(bodiesPlugin);
  await app.register(statsPlugin, { stats: ctx.stats });
  await app.register(authPlugin);
  await app.register(faultsPlugin, { faults: ctx.faults, stats: ctx.stats });

  const deps = { app, ctx };
  for (const routes of [
    sandboxRoutes, borrowerRoutes, invoiceRoutes, loanRoutes, paymentRoutes, repaymentRoutes, eligibilityRoutes, counterpartyRoutes, webhookRoutes,
    onboardingRoutes, recollectionRoutes, notImplementedRoutes, controlRoutes,
  ]) {
    routes(deps);
  }
  app.addHook('onClose', async () => ctx.stop());
  return app;
}
