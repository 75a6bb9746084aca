/**
 * Request bodies: JSON is parsed here once; an empty JSON body reads as "no body", so body-less POSTs
 * that still send a JSON content type work. Invalid JSON is a 400 problem.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../problems';

/** Replaces Fastify's JSON parser with the tolerant one. */
export const bodiesPlugin = fp(async (app: FastifyInstance) => {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const source = typeof text === 'string' ? text : text.toString('utf8');
    if (source.trim() === '') { done(null, undefined); return; }
    try {
      done(null, JSON.parse(source) as unknown);
    } catch {
      done(new ProblemError(400, 'bad_request', 'The request body is not valid JSON.'), undefined);
    }
  });
}, { name: 'emulator-bodies' });
