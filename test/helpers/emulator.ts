/**
 * Starts the emulator on 127.0.0.1 with an ephemeral port for a test; `close()` stops it and its timers.
 */
import type { FastifyInstance } from 'fastify';
import { buildEmulator, type EmulatorOptions } from '../../src/emulator/app';

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Builds and starts an emulator (defaults to `timing: 'instant'` so tests never wait on delays). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const app = await buildEmulator({ timing: 'instant', ...options });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, app, close: () => app.close() };
}
