/**
 * `npm run emulator`: the Defacto sandbox emulator as a process. Prints its URL and the `/_emulator`
 * controls; closes on SIGINT or SIGTERM.
 */
import { runAsMain } from '../cli';
import { choiceOption, integerOption, runCommand, UsageError, type Values } from '../command-line';
import { rootLogger } from '../logging';
import { buildEmulator } from './app';

const EMULATOR_COMMAND = {
  usage: 'npm run emulator -- [--port 4010] [--host 127.0.0.1] [--timing realistic|instant] [--repayment sandbox|production] [--seed N] [--start-at ISO] [--log]',
  description: 'Runs the stateful emulator of the Defacto sandbox API until SIGINT or SIGTERM.',
  options: {
    port: { type: 'string', value: 'N', help: 'port to listen on (default 4010; 0: a free one)' },
    host: { type: 'string', value: 'HOST', help: 'interface to listen on (default 127.0.0.1)' },
    timing: { type: 'string', value: 'MODE', help: 'realistic (default: Defacto-like delays) or instant' },
    repayment: { type: 'string', value: 'MODE', help: 'sandbox (default: repaid per scenario) or production (on request or at the due date)' },
    seed: { type: 'string', value: 'N', help: "seed of the emulator's randomness (default 1)" },
    'start-at': { type: 'string', value: 'ISO', help: 'start the emulator clock at this instant' },
    log: { type: 'boolean', help: 'log every request' },
  },
} as const;

/** The emulator's settings from the command line. @throws UsageError */
function emulatorArgs(values: Values<typeof EMULATOR_COMMAND.options>) {
  const port = integerOption('port', values.port, 0) ?? 4010;
  if (port > 65_535) throw new UsageError(`--port must be an integer from 0 to 65535 (got "${values.port}")`);
  const startAt = values['start-at'];
  if (startAt !== undefined && Number.isNaN(Date.parse(startAt))) throw new UsageError(`--start-at must be an ISO-8601 instant (got "${startAt}")`);
  return {
    port,
    host: values.host ?? '127.0.0.1',
    timing: choiceOption('timing', values.timing, ['realistic', 'instant'] as const) ?? 'realistic',
    repayment: choiceOption('repayment', values.repayment, ['sandbox', 'production'] as const) ?? 'sandbox',
    seed: integerOption('seed', values.seed, Number.MIN_SAFE_INTEGER),
    startAt,
    log: values.log === true,
  };
}

runAsMain(import.meta.url, () => runCommand(EMULATOR_COMMAND, process.argv.slice(2), emulatorArgs, async (args) => {
  const app = await buildEmulator({
    timing: args.timing,
    repayment: args.repayment,
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.startAt !== undefined ? { clock: { startAt: args.startAt } } : {}),
    logger: args.log ? rootLogger() : false,
  });
  const url = await app.listen({ host: args.host, port: args.port });
  process.stdout.write(
    `Defacto sandbox emulator listening on ${url} (timing: ${args.timing}, repayment: ${args.repayment})\n`
    + `Controls: GET ${url}/_emulator/clock · POST /_emulator/clock/advance {"ms":86400000} · POST|GET|DELETE /_emulator/faults`
    + ` · GET /_emulator/stats · GET /_emulator/webhooks/deliveries · POST /_emulator/repayments {"loan_id"}`
    + ` · GET /_emulator/inventory · POST /_emulator/reset\n`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await app.close();
  return 0;
}));
