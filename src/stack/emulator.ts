/**
 * The Defacto part of the stack: the emulator in this process, in a child process (./emulator-child.ts),
 * or an external Defacto URL with no process of ours behind it.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildEmulator, type EmulatorOptions } from '../emulator/app';
import { childScript, startChild, type ReadyMessage } from './child-process';
import type { EmulatorChildConfig } from './emulator-child';

/** Where Defacto comes from. */
export type EmulatorChoice =
  | { readonly run: 'in-process'; readonly options?: EmulatorOptions }
  | { readonly run: 'child'; readonly options?: EmulatorChildConfig }
  | { readonly url: string };

/** A running emulator (or the external Defacto URL, with no process of ours behind it). */
export interface StackEmulator {
  readonly url: string;
  /** The process serving it (this one when in process), undefined for an external URL. */
  readonly pid: number | undefined;
  /** In process only: the app (for `inject`). */
  readonly app: FastifyInstance | undefined;
  stop(): Promise<void>;
}

/** Starts the emulator of `choice` (a child logs to `<workDir>/emulator.log`). */
export async function launchEmulator(choice: EmulatorChoice, workDir: string): Promise<StackEmulator> {
  if ('url' in choice) return { url: choice.url.replace(/\/+$/, ''), pid: undefined, app: undefined, stop: () => Promise.resolve() };
  if (choice.run === 'in-process') {
    const app = await buildEmulator({ logger: false, ...choice.options });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    let closing: Promise<void> | undefined;
    return { url, pid: process.pid, app, stop: () => (closing ??= app.close()) };
  }
  const child = await startChild<ReadyMessage & { url: string }>({
    name: 'emulator', script: childScript('emulator-child.ts'), config: choice.options ?? {}, logFile: join(workDir, 'emulator.log'),
  });
  return { url: child.ready.url, pid: child.pid, app: undefined, stop: () => child.stop() };
}
