/**
 * A tiny scripted HTTP server for client tests that need exact control over one response (status,
 * headers, body, dropped connection, latency). Behaviour of the real API is tested against the emulator.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

/** What the stub does with one request. */
export type StubReply =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { drop: true };

/** One request as the stub saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/** A running stub: `url` to point the client at, `seen` requests, `script()` to set the next replies. */
export interface Stub {
  url: string;
  seen: SeenRequest[];
  /** Replies for the next requests, in order; the last one repeats. A function decides per request. */
  script(...replies: (StubReply | ((req: SeenRequest) => StubReply))[]): void;
  close(): Promise<void>;
}

/** Starts a stub on 127.0.0.1 with a random port. */
export async function startStub(): Promise<Stub> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const seen: SeenRequest[] = [];
  let replies: (StubReply | ((req: SeenRequest) => StubReply))[] = [{ status: 200, body: {} }];
  let index = 0;
  const timers = new Set<NodeJS.Timeout>();

  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.all('/*', async (req: FastifyRequest, reply: FastifyReply) => {
    const request: SeenRequest = {
      method: req.method, url: req.url, authorization: req.headers.authorization, body: req.body,
    };
    seen.push(request);
    const step = replies[Math.min(index, replies.length - 1)];
    index += 1;
    const planned = typeof step === 'function' ? step(request) : (step ?? { status: 500 });
    if ('drop' in planned) {
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    if (planned.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { timers.delete(timer); resolve(); }, planned.delayMs);
        timers.add(timer);
      });
    }
    reply.code(planned.status).headers(planned.headers ?? {});
    if (planned.body === undefined) return reply.send();
    if (typeof planned.body === 'string') return reply.type('text/plain').send(planned.body);
    return reply.type('application/json').send(JSON.stringify(planned.body));
  });

  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    seen,
    script(...next) {
      replies = next;
      index = 0;
      seen.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await app.close();
    },
  };
}
