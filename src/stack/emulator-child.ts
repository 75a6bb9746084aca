/**
 * The Defacto emulator in its own process (started by the stack builder), so its CPU can be read on its
 * own. The one argument (JSON) is its {@link EmulatorChildConfig}; it reports `{ url }` when listening.
 */
import { buildEmulator, type EmulatorOptions } from '../emulator/app';
import { serveChild } from './child-process';

/** The JSON-serialisable emulator options a child accepts. */
export type EmulatorChildConfig = Omit<EmulatorOptions, 'logger'>;

serveChild(async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as EmulatorChildConfig;
  const app = await buildEmulator({ ...config, logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { ready: { url }, stop: () => app.close() };
});
