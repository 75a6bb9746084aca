/**
 * The Defacto emulator in its own process (instant steps unless told otherwise), so the benchmark can
 * read the CPU it spends serving the lifecycle's calls. Started by bench/lib/environment.ts.
 */
import { buildEmulator } from '../../src/emulator/app';
import { serveChild } from '../lib/children';

/** Configuration passed as the one command-line argument (JSON). */
export interface EmulatorProcessConfig {
  readonly timing: 'instant' | 'realistic';
  readonly repayment: 'sandbox' | 'production';
  readonly seed: number;
}

serveChild(async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as EmulatorProcessConfig;
  const app = await buildEmulator({ timing: config.timing, repayment: config.repayment, seed: config.seed, logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { ready: { url }, stop: () => app.close() };
});
