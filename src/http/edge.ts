/**
 * A running inbound edge: the app listening, and Defacto subscribed to its webhook URL. Used by
 * `npm run server` (src/http/server.ts), the `npm start` demo and the detection benchmark.
 */
import type { FastifyInstance } from 'fastify';
import { buildHttpApp, type HttpAppDeps } from './app';
import { webhookUrl } from './routes/webhooks';
import { ACTIONABLE_EVENT_TYPES, ensureWebhookSubscription } from './subscription';

/** Options of {@link startHttpEdge}. */
export interface HttpEdgeOptions extends HttpAppDeps {
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Port (default 0: a free one). */
  readonly port?: number;
  /** Base URL Defacto reaches this edge at (default: the listening URL). */
  readonly publicUrl?: string | undefined;
  /** Ensure the webhook subscription at Defacto (default: when a webhook token is configured). */
  readonly subscribe?: boolean;
}

/** A listening edge. `close()` stops accepting requests and waits for those in flight; idempotent. */
export interface HttpEdge {
  /** Base URL of the listening app (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** Whether Defacto was subscribed to the webhook URL (the URL itself holds the secret: not exposed). */
  readonly subscribed: boolean;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Builds the app, listens, then makes sure Defacto calls its webhook receiver. */
export async function startHttpEdge(options: HttpEdgeOptions): Promise<HttpEdge> {
  const app = await buildHttpApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port ?? 0;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;

  const token = options.config.webhookToken;
  const subscribe = (options.subscribe ?? true) && token !== undefined && token !== '';
  try {
    if (subscribe) {
      // Listening first: the first delivery may come as soon as the subscription exists.
      await ensureWebhookSubscription(options.defacto, webhookUrl(options.publicUrl ?? url, token), ACTIONABLE_EVENT_TYPES, options.logger);
    } else {
      options.logger.warn('no webhook subscription: the lifecycle relies on polling alone');
    }
  } catch (error) {
    await app.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    subscribed: subscribe,
    app,
    close: () => (closing ??= app.close()),
  };
}
