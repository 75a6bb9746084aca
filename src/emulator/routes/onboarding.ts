/**
 * Onboardings and the public business registry (digest §3.26), plus the emulator page standing for Defacto's
 * onboarding tunnel (`/_emulator/onboarding/continue/{id}`).
 */
import { OnboardingCreationSchema, PublicDataQuerySchema } from '../../defacto/wire';
import { continueOnboarding, createOnboarding, onboardingOr404, onboardingView, searchPublicData } from '../onboarding-service';
import { parseOr422 } from '../problems';
import { body, param, queryOne, rawQuery, tenantOf, type RouteDeps } from './common';

const PUBLIC_DATA_PARAMS = ['identifier', 'identifier_type', 'name', 'street', 'postal_code', 'city', 'country'] as const;

/** Registers the onboarding routes. */
export function onboardingRoutes({ app, ctx }: RouteDeps): void {
  app.post('/onboardings', async (request) => createOnboarding(ctx, tenantOf(ctx, request), body(OnboardingCreationSchema, request)));
  app.get('/onboarding/:onboarding_id', async (request) =>
    onboardingView(ctx, onboardingOr404(tenantOf(ctx, request), param(request, 'onboarding_id'))));
  app.get('/business/public-data', async (request) => {
    const tenant = tenantOf(ctx, request);
    const query = rawQuery(request);
    const given = Object.fromEntries(PUBLIC_DATA_PARAMS.flatMap((name) => {
      const value = queryOne(query, name);
      return value === undefined ? [] : [[name, value]];
    }));
    return searchPublicData(tenant, parseOr422(PublicDataQuerySchema, given, 'Query'));
  });

  app.get('/_emulator/onboarding/continue/:onboarding_id', async (request, reply) => {
    const { onboarding, redirect } = continueOnboarding(ctx, param(request, 'onboarding_id'));
    return redirect ? reply.redirect(redirect, 303) : onboarding;
  });
}
