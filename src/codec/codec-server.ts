/**
 * The codec server: Temporal's remote-codec protocol (`POST /encode`, `POST /decode`, body and answer
 * `{"payloads": [{"metadata": {KEY: base64}, "data": base64}]}`), so the Web UI and `temporal … --codec-endpoint`
 * show decoded loans to authorised operators. Every call needs the configured token, as
 * `Authorization: Bearer <token>` or as the first path segment (`/<token>/decode`, for a Web UI that
 * cannot send headers, such as the dev server's); without it: 401 and nothing is decoded. CORS answers
 * the configured Web UI origins only. Payload contents are never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EncryptionCodec, PayloadDecryptionError, UnknownPayloadKeyError } from './encryption-codec';
import type { PayloadKeyring } from './keyring';

/** What the codec server needs. */
export interface CodecServerOptions {
  readonly keyring: PayloadKeyring;
  /** The token every call must carry; when undefined every call is refused. */
  readonly token: string | undefined;
  /** Origins allowed to call from a browser (the Web UI's, e.g. `http://localhost:8233`). */
  readonly corsOrigins: readonly string[];
  /** Receives one line per request (method, route, status): never payloads, never the token. */
  readonly log?: (entry: { method: string; route: string; status: number; ms: number }) => void;
}

/** Largest accepted body: a history page of payloads. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;
const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';

const PayloadJson = z.object({
  metadata: z.record(z.string(), z.string()).nullish(),
  data: z.string().nullish(),
});
const PayloadsBody = z.object({ payloads: z.array(PayloadJson) });

function sameSecret(presented: string | undefined, expected: string | undefined): boolean {
  if (!expected || presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function fromJson(payload: z.infer<typeof PayloadJson>): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) metadata[key] = Buffer.from(value, 'base64');
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** Builds the codec server (not listening). */
export async function buildCodecServer(options: CodecServerOptions): Promise<FastifyInstance> {
  const codec = new EncryptionCodec(options.keyring);
  const origins = new Set(options.corsOrigins);
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && origins.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'Origin');
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    options.log?.({
      method: request.method,
      route: request.routeOptions.url?.replace(':token', '…') ?? '(no route)',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
  });

  const preflight = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const origin = request.headers.origin;
    if (!origin || !origins.has(origin)) return reply.code(403).send({ message: 'origin not allowed' });
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '600')
      .send();
  };

  const handler = (direction: 'encode' | 'decode') => async (
    request: FastifyRequest<{ Params: { token?: string } }>, reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!sameSecret(bearer ?? request.params.token, options.token)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="codec"').send({ message: 'a valid bearer token is required' });
    }
    const body = PayloadsBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ message: 'the body must be {"payloads": [{"metadata": {…}, "data": base64}]}' });
    try {
      const payloads = body.data.payloads.map(fromJson);
      const result = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      return reply.code(200).send({ payloads: result.map(toJson) });
    } catch (error) {
      if (error instanceof UnknownPayloadKeyError || error instanceof PayloadDecryptionError) {
        return reply.code(422).send({ message: error.message, keyId: error.keyId });
      }
      throw error;
    }
  };

  for (const prefix of ['', '/:token']) {
    app.options(`${prefix}/encode`, preflight);
    app.options(`${prefix}/decode`, preflight);
    app.post(`${prefix}/encode`, handler('encode'));
    app.post(`${prefix}/decode`, handler('decode'));
  }
  return app;
}

/** A listening codec server. */
export interface RunningCodecServer {
  /** `http://host:port` (append `/<token>` for a Web UI that cannot send the header). */
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Builds and listens (default `127.0.0.1`, a free port). */
export async function startCodecServer(
  options: CodecServerOptions & { readonly host?: string; readonly port?: number },
): Promise<RunningCodecServer> {
  const app = await buildCodecServer(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port ?? 0;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`,
    app,
    close: () => (closing ??= app.close()),
  };
}
