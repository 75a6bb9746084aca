/**
 * Standalone emulator: `npm run emulator -- --port 4010 [--timing instant|realistic] [--repayment sandbox|production]
 * [--seed n] [--start-at <iso>] [--log]`. Prints its URL and the `/_emulator` controls.
 */
import { parseArgs } from 'node:util';
import { rootLogger } from '../logging';
import { buildEmulator } from './app';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    timing: { type: 'string', default: 'realistic' },
    repayment: { type: 'string', default: 'sandbox' },
    seed: { type: 'string' },
    'start-at': { type: 'string' },
    log: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid --port ${values.port}`);
const timing = values.timing === 'instant' ? 'instant' : 'realistic';
const repayment = values.repayment === 'production' ? 'production' : 'sandbox';

const app = await buildEmulator({
  timing,
  repayment,
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(values['start-at'] ? { clock: { startAt: values['start-at'] } } : {}),
  logger: values.log ? rootLogger() : false,
});
const url = await app.listen({ host: values.host, port });
process.stdout.write(
  `Defacto sandbox emulator listening on ${url} (timing: ${timing}, repayment: ${repayment})\n`
  + `Controls: GET ${url}/_emulator/clock · POST /_emulator/clock/advance {"ms":86400000} · POST|GET|DELETE /_emulator/faults`
  + ` · GET /_emulator/stats · GET /_emulator/webhooks/deliveries · POST /_emulator/repayments {"loan_id"}`
  + ` · GET /_emulator/inventory · POST /_emulator/reset\n`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
