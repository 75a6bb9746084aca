/**
 * `npm start [-- --keep] [--temporal HOST:PORT]`: the whole stack on this machine (src/stack), then one
 * loan through Defacto's "first loan" flow, printed step by step. Temporal (a dev server with Web UI, or
 * the existing Temporal given) → Defacto emulator (realistic but fast timing, sandbox repayment) → a
 * loan worker process → back-office HTTP edge, subscribed to the emulator's webhooks → one SUCCESS loan,
 * validated by the workflow's policy so the review step shows. Exit code 0 only if the loan ended
 * CLOSED. `--keep` leaves everything up and prints the back-office URL, its token and commands to
 * paste; Ctrl-C stops everything. `--observe` serves the worker's metrics and runs a real Prometheus
 * (Debian's package) scraping the worker, the edge and the dev server with the project's alert rules,
 * printed on a line starting `Prometheus http://`. Tracing follows the OTEL_* variables.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { runCommand, TEMPORAL_OPTION } from '../src/command-line';
import { randomBytes } from 'node:crypto';
import { startCodecServer, type RunningCodecServer } from '../src/codec/codec-server';
import { EMULATOR_API_KEY, loadConfig } from '../src/config';
import { freePort } from '../src/dev-server';
import { DefactoClient } from '../src/defacto';
import { describeOutcome } from '../src/domain/progress-report';
import { parseLoanRequest, type LoanRequestInput } from '../src/domain/schemas';
import { createLogger } from '../src/logging';
import { ensureReconciliationSchedule, RECONCILIATION_SCHEDULE_ID } from '../src/loans/reconciliation-schedule';
import { installTracingFromConfig } from '../src/observability/tracing';
import { ensureDebianProgram, MissingPackageError } from './debian-package.mjs';
import { startStack, type Stack } from '../src/stack';
import { startLoan } from '../src/loans/start-loan';
import { watchLoan, webUiUrl } from '../src/loans/watch-loan';

/** The demo loan: generated borrower and SUCCESS invoice, manual validation within the default policy. */
const DEMO_REQUEST: LoanRequestInput = {
  borrower: { generate: true },
  invoice: { generate: true, scenario: 'SUCCESS' },
  loan: {
    autoValidate: false,
    acceptancePolicy: { maxFeeRatePercent: 5, maxDurationDays: 120, requireOperatorApproval: false },
    // Webhooks wake the workflow as soon as a status moves; polling is only the safety net.
    pollSchedule: { initialMs: 2_000, maxMs: 5_000, multiplier: 2, idleCheckMs: 5_000 },
  },
};

/** Emulator steps slow enough to watch, fast enough for a demo under 30 s. */
const DEMO_TIMING = { decisionDelayMs: 800, stepDelayMs: 400 } as const;

const COMMAND = {
  usage: 'npm start -- [--keep] [--observe] [--temporal HOST:PORT]',
  description: 'Runs one loan end to end on Temporal + the Defacto emulator, step by step; exit code 0 when it ends CLOSED.',
  options: {
    keep: { type: 'boolean', help: 'leave everything running afterwards (prints the back-office URL and token); Ctrl-C stops it' },
    observe: { type: 'boolean', help: 'serve the worker\'s metrics and run Prometheus (Debian\'s prometheus package) with the alert rules' },
    ...TEMPORAL_OPTION,
  },
} as const;

const started = Date.now();
const say = (text: string): void => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${seconds}s] ${text}\n`);
};

/** Quotes a shell word when it needs it. */
const sh = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

async function demo(options: { keep: boolean; observe: boolean; temporal: string | undefined }): Promise<number> {
  const config = loadConfig();
  if (options.observe) {
    try {
      ensureDebianProgram('prometheus', 'prometheus', say);
    } catch (error) {
      if (!(error instanceof MissingPackageError)) throw error;
      say(`--observe: ${error.message}`);
      return 1;
    }
  }
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER say otherwise; the worker child follows the same variables.
  const tracing = installTracingFromConfig(config.observability.tracing, 'defacto-lending-demo');
  // The demo prints its own lines; the SDK and the worker only speak up about problems.
  const logger = createLogger({ level: 'warn' });
  let stack: Stack | undefined;
  let codecServer: RunningCodecServer | undefined;
  const stopAll = async (): Promise<void> => {
    await stack?.stop().catch(() => undefined);
    await codecServer?.close().catch(() => undefined);
  };
  // Set once the loan ended: Ctrl-C after that (with --keep) still reports the loan's outcome.
  let loanCode: number | undefined;
  const interrupted = new Promise<number>((resolve) => {
    process.once('SIGINT', () => {
      process.stdout.write('\n');
      say('Ctrl-C: stopping back-office API, worker, emulator and Temporal dev server (if started)…');
      void stopAll().then(() => resolve(loanCode ?? 130));
    });
  });

  const run = async (): Promise<number> => {
    say(options.temporal ?? config.temporal.connection.address
      ? 'connecting to the existing Temporal and starting the emulator…'
      : 'starting the Temporal dev server (with Web UI) and the emulator…');
    // The Web UI shows decoded loans through a codec server that answers only holders of its token. The
    // dev Web UI has no login and sends no header, so its endpoint carries the token as a path segment.
    const uiPort = await freePort();
    const codecToken = config.codecServer.token ?? randomBytes(16).toString('hex');
    codecServer = await startCodecServer({
      keyring: config.dataProtection.keyring,
      token: codecToken,
      corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`, ...config.codecServer.corsOrigins],
    });
    stack = await startStack({
      logger,
      temporal: {
        address: options.temporal,
        devServer: { ui: true, uiPort, uiCodecEndpoint: `${codecServer.url}/${codecToken}` },
      },
      emulator: { run: 'in-process', options: { timing: DEMO_TIMING, repayment: 'sandbox' } },
    });
    const { temporal, emulator } = stack;
    const ui = temporal.uiUrl;
    say(`Temporal ${temporal.address} (namespace ${temporal.namespace}${temporal.devServer ? ', dev server' : ''}), Web UI ${ui ?? 'none (set TEMPORAL_UI_URL to link one)'}`);
    const emulatorUrl = emulator?.url ?? '';
    say(`Defacto emulator ${emulatorUrl} (sandbox repayment)`);
    say(`payloads encrypted (key ${config.dataProtection.keyring.activeKeyId}, ${config.dataProtection.keySource}); codec server ${codecServer.url}`);

    const taskQueue = config.temporal.taskQueue;
    const workers = await stack.startWorkers({ taskQueue, defacto: { apiKey: EMULATOR_API_KEY }, metrics: options.observe });
    say(`worker process polling task queue ${taskQueue}`);
    say(`reconciliation schedule ${RECONCILIATION_SCHEDULE_ID} ${await ensureReconciliationSchedule(stack.client, { taskQueue })} (every 15 minutes)`);

    const defacto = new DefactoClient({ baseUrl: emulatorUrl, apiKey: EMULATOR_API_KEY, timeoutMs: config.defacto.timeoutMs });
    const edge = await stack.startEdge({
      taskQueue, defacto, logger, ...(config.http.backofficeToken ? { backofficeToken: config.http.backofficeToken } : {}),
    });
    say(`back-office API ${edge.url} (Defacto webhooks ${edge.subscribed ? 'subscribed' : 'off'})`);
    if (options.observe) {
      const worker = workers.metricsAddresses.map((address) => `http://${address}/metrics`).join(', ');
      say(`metrics: worker ${worker}; edge ${edge.url}/metrics, ${edge.url}/healthz, ${edge.url}/readyz`);
      const prometheus = await stack.startPrometheus({
        targets: {
          worker: workers.metricsAddresses,
          edge: [new URL(edge.url).host],
          temporal: temporal.devServer ? [temporal.devServer.metricsAddress] : [],
        },
        say,
      });
      process.stdout.write(`Prometheus ${prometheus.url} (alerts ${prometheus.url}/alerts; loans by outcome: sum by (outcome) (defacto_loans_ended_total))\n`);
    }

    const parsed = parseLoanRequest(DEMO_REQUEST);
    if (!parsed.ok) throw parsed.error;
    const loan = await startLoan(stack.client, parsed.value, { taskQueue, searchTagKey: config.dataProtection.searchTagKey });
    say(`loan workflow ${loan.workflowId} started${ui ? `; Web UI: ${webUiUrl(ui, temporal.namespace, loan.workflowId)}` : ''}`);

    let code = 1;
    try {
      const outcome = await watchLoan(loan.handle, (line) => {
        if (line.step !== 'OUTCOME') say(`  ${line.step === 'REVIEW' ? '…' : '✓'} ${line.text}`);
      });
      code = outcome.status === 'CLOSED' ? 0 : 1;
      process.stdout.write('\n');
      say(`summary: ${describeOutcome(outcome)}`);
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      say(`the loan workflow failed: ${error.cause?.message ?? error.message}`);
    }
    loanCode = code;

    // Commands that work pasted as is, for as long as what they talk to runs.
    const cli = (...args: string[]): string => `npm run temporal -- ${[...args, '--address', temporal.address, '--namespace', temporal.namespace].map(sh).join(' ')}`;
    if (options.keep || !temporal.devServer) {
      say(`list finished loans: ${cli('workflow', 'list', '--query', 'LoanStatus="CLOSED"')}`);
      // The codec server lives only as long as this command: without --keep the history shows encrypted.
      const decode = options.keep ? ['--codec-endpoint', codecServer.url, '--codec-auth', `Bearer ${codecToken}`] : [];
      say(`this loan's history${options.keep ? ', decoded' : ''}: ${cli('workflow', 'show', '--workflow-id', loan.workflowId, ...decode)}`);
    }
    if (!options.keep) {
      say('stopping everything (`npm start -- --keep` keeps it running: Web UI, back-office API, Temporal CLI commands).');
      await stopAll();
      return code;
    }
    say(`back-office API ${edge.url}, token ${edge.backofficeToken}:`);
    say(`  curl -H ${sh(`Authorization: Bearer ${edge.backofficeToken}`)} ${edge.url}/loans/${loan.workflowId}`);
    if (ui) say(`Web UI ${ui}`);
    say('--keep: everything stays up (emulator, worker, back-office API, codec server, Temporal). Ctrl-C stops it all.');
    return interrupted;
  };

  try {
    return await Promise.race([run(), interrupted]);
  } catch (error) {
    say(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    return 1;
  } finally {
    await tracing?.shutdown().catch(() => undefined);
  }
}

runCommand(COMMAND, process.argv.slice(2), (v) => ({ keep: v.keep ?? false, observe: v.observe ?? false, temporal: v.temporal }), demo).then(
  (code) => {
    process.exitCode = code;
    // Let pending handles (the SDK runtime, sockets) close on their own; force only if they hang.
    setTimeout(() => process.exit(code), 5_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
