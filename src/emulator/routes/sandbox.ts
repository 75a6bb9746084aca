/** `GET /hello` and the sandbox helpers (digest §3.1–§3.5). */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  BusinessEligibleParamsSchema, CountrySchema, GenerateInvoiceRequestSchema, ScenarioSchema,
} from '../../defacto/wire';
import { HELLO_TEXT } from '../assumptions';
import { parseOr422 } from '../problems';
import { generateBusiness, generateInvoice } from '../sandbox-data';
import { generateScenarioIban } from '../scenario';
import { body, optionalBody, queryOne, rawQuery, tenantOf, type RouteDeps } from './common';

const BooleanText = z.enum(['true', 'false']).transform((v) => v === 'true');
const BusinessQuerySchema = z.object({ country: CountrySchema.optional(), is_borrower: BooleanText.optional() });
const BusinessBodySchema = z.object({ country: CountrySchema.optional(), is_borrower: z.boolean().optional() });
const IbanQuerySchema = z.object({ country: CountrySchema.optional(), scenario: ScenarioSchema.optional() });

/** Registers the sandbox routes. */
export function sandboxRoutes({ app, ctx }: RouteDeps): void {
  app.get('/hello', async (request, reply) => {
    tenantOf(ctx, request);
    return reply.type('text/plain; charset=utf-8').send(HELLO_TEXT);
  });

  const business = (fromBody: boolean) => async (request: FastifyRequest) => {
    tenantOf(ctx, request);
    const q = rawQuery(request);
    const query = parseOr422(BusinessQuerySchema, { country: queryOne(q, 'country'), is_borrower: queryOne(q, 'is_borrower') }, 'Query');
    const b = fromBody ? optionalBody(BusinessBodySchema, request) : {};
    return generateBusiness({ country: b.country ?? query.country, isBorrower: b.is_borrower ?? query.is_borrower, nowMs: ctx.clock.now() }, ctx.random);
  };
  app.get('/sandbox/business-generator', business(false));
  app.post('/sandbox/business-generator', business(true));

  app.get('/sandbox/iban-generator', async (request, reply) => {
    tenantOf(ctx, request);
    const q = rawQuery(request);
    const query = parseOr422(IbanQuerySchema, { country: queryOne(q, 'country'), scenario: queryOne(q, 'scenario') }, 'Query');
    return reply.code(201).send({ iban: generateScenarioIban(query.scenario ?? 'SUCCESS', ctx.random) });
  });

  app.post('/sandbox/invoice-generator', async (request, reply) => {
    tenantOf(ctx, request);
    const req = optionalBody(GenerateInvoiceRequestSchema, request);
    return reply.code(201).send(generateInvoice({
      scenario: req.scenario, buyer: req.buyer, seller: req.seller, nowMs: ctx.clock.now(), baseUrl: ctx.baseUrl,
    }, ctx.random));
  });

  app.post('/sandbox/business-eligible', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    const params = body(BusinessEligibleParamsSchema, request);
    if (params.scenario === 'OK') tenant.eligibility.delete(params.business_identifier.identifier);
    else tenant.eligibility.set(params.business_identifier.identifier, params.scenario);
    return reply.code(204).send();
  });
}
