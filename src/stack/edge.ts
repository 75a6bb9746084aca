/**
 * The HTTP edge of the stack (back office + webhook receiver, src/http), subscribed to Defacto's webhooks,
 * restartable on the same port while Defacto injects faults.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { DefactoClient } from '../defacto';
import { startHttpEdge, type HttpEdge } from '../http/edge';
import { createLogger, type Logger } from '../logging';
import type { StackTemporal } from './temporal';

/** The HTTP edge of the stack. */
export interface EdgeOptions {
  readonly taskQueue: string;
  /** The client its routes and webhook handling use (its tenant is the one subscribed). */
  readonly defacto: DefactoClient;
  /** The Temporal client it starts and signals workflows with (default: the stack's; `stack.clientFor(false)` for plaintext workers). */
  readonly temporalClient?: Client;
  /** Default: fresh random tokens. */
  readonly backofficeToken?: string;
  readonly webhookToken?: string;
  /** Ensure the webhook subscription at Defacto (default true). */
  readonly subscribe?: boolean;
  readonly logger?: Logger;
  readonly port?: number;
}

/** A running edge; `restart()` keeps its port (and retries while Defacto answers with faults). */
export interface StackEdge {
  readonly url: string;
  readonly backofficeToken: string;
  readonly webhookToken: string;
  readonly subscribed: boolean;
  /** Closes and starts it again on the same port; resolves the downtime in ms. */
  restart(): Promise<number>;
  stop(): Promise<void>;
}

/** The parts of a running stack an edge runs on. */
export interface EdgeHost {
  readonly temporal: StackTemporal;
  /** A client on the stack's Temporal and namespace, with the stack's data converter. */
  readonly client: Client;
}

/** Starts the edge of `options`; `searchTagKey` is the key of the stack's search tags. */
export async function launchEdge(host: EdgeHost, options: EdgeOptions, searchTagKey: Buffer): Promise<StackEdge> {
  const backofficeToken = options.backofficeToken ?? randomBytes(16).toString('hex');
  const webhookToken = options.webhookToken ?? randomBytes(16).toString('hex');
  const listen = (port: number): Promise<HttpEdge> => startHttpEdge({
    temporalClient: options.temporalClient ?? host.client,
    taskQueue: options.taskQueue,
    defacto: options.defacto,
    logger: options.logger ?? createLogger({ level: 'warn' }),
    host: '127.0.0.1',
    port,
    subscribe: options.subscribe ?? true,
    config: { backofficeToken, webhookToken, searchTagKey, ...(host.temporal.uiUrl ? { uiBaseUrl: host.temporal.uiUrl } : {}) },
  });
  let edge = await listen(options.port ?? 0);
  const port = Number(new URL(edge.url).port);
  return {
    url: edge.url,
    backofficeToken,
    webhookToken,
    subscribed: edge.subscribed,
    async restart() {
      const down = Date.now();
      await edge.close();
      // The subscription check talks to Defacto, which may be injecting faults: retry for up to a minute.
      for (let attempt = 0; ; attempt += 1) {
        try {
          edge = await listen(port);
          return Date.now() - down;
        } catch (error) {
          if (attempt >= 30) throw error;
          await pause(Math.min(2_000, 200 * 2 ** attempt));
        }
      }
    },
    stop: () => edge.close(),
  };
}
