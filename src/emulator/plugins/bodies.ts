/**
 * Request bodies, tolerant of real clients: an empty body (or only whitespace) is "no body" whatever its
 * content type, so body-less POSTs sent with `application/x-www-form-urlencoded`, `text/plain` or a JSON
 * type all work. A non-empty body is read as JSON (400 when it is not valid JSON); a non-empty body of
 * any other type cannot be read and is a 415. Multipart is read only where a route asks for it.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../problems';

const isBlank = (body: string | Buffer): boolean =>
  (typeof body === 'string' ? body : body.toString('utf8')).trim() === '';

/** Replaces Fastify's parsers with the tolerant ones. */
export const bodiesPlugin = fp(async (app: FastifyInstance) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(\s*;.*)?$/i, { parseAs: 'string' }, (_request, text, done) => {
    if (isBlank(text)) { done(null, undefined); return; }
    try {
      done(null, JSON.parse(typeof text === 'string' ? text : text.toString('utf8')) as unknown);
    } catch {
      done(new ProblemError(400, 'bad_request', 'The request body is not valid JSON.'), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, raw, done) => {
    if (isBlank(raw)) { done(null, undefined); return; }
    const type = (request.headers['content-type'] ?? 'none').split(';')[0]!.trim().slice(0, 80);
    done(new ProblemError(415, 'unsupported_media_type', `A ${type} body cannot be read here; send JSON (application/json).`), undefined);
  });
}, { name: 'emulator-bodies' });
