/**
 * `npm run starter`: starts one loan lifecycle (src/loans/start-loan.ts) from a JSON request or a
 * generated one, prints its workflow ID and Web UI page, and with `--wait` follows it to the end.
 *
 * Exit codes: 0 started (with `--wait`: the loan ended CLOSED), 1 failure or another outcome, 2 bad
 * arguments or bad input (one line naming the fields; nothing started), 3 duplicate.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { CommandError, runAsMain } from './cli';
import { dataConverter } from './codec/data-converter';
import { runCommand, UsageError, type Values } from './command-line';
import { loadConfig } from './config';
import { parseLoanRequest } from './domain/schemas';
import { DuplicateLoanError, startLoan, type StartedLoan } from './loans/start-loan';
import { watchLoan, webUiUrl } from './loans/watch-loan';

const STARTER_COMMAND = {
  usage: 'npm run starter -- (--input FILE | --generate [--scenario NAME] [--reference REF] [--auto-validate]) [--wait]',
  description: 'Starts one loan lifecycle on TEMPORAL_TASK_QUEUE (a worker must be running: npm run worker).\n'
    + 'Exit codes: 0 started (or CLOSED with --wait), 1 failure, 2 bad arguments or input, 3 duplicate.',
  options: {
    input: { type: 'string', value: 'FILE', help: 'a loan request as JSON (LoanRequestSchema in src/domain/schemas.ts)' },
    generate: { type: 'boolean', help: 'a generated borrower and invoice instead of --input' },
    scenario: { type: 'string', value: 'NAME', help: 'sandbox scenario of the generated invoice (e.g. SUCCESS)' },
    reference: { type: 'string', value: 'REF', help: 'request reference of a generated request (its identity: a second start is refused)' },
    'auto-validate': { type: 'boolean', help: 'let Defacto validate the offer instead of waiting for an operator' },
    wait: { type: 'boolean', help: 'follow the loan step by step until it ends (exit 0 when CLOSED)' },
  },
} as const;

type StarterValues = Values<typeof STARTER_COMMAND.options>;

/** The command line, checked: exactly one of `--input` and `--generate`. @throws UsageError */
function starterArgs(values: StarterValues): StarterValues {
  if ((values.input === undefined) === (values.generate !== true)) throw new UsageError('give exactly one of --input FILE or --generate');
  return values;
}

/** The request the command line describes, not validated yet. */
function requestInput(values: StarterValues): unknown {
  if (values.input !== undefined) {
    try {
      return JSON.parse(readFileSync(values.input, 'utf8')) as unknown;
    } catch (error) {
      throw new CommandError(`cannot read ${values.input}: ${error instanceof Error ? error.message : String(error)}`, 2);
    }
  }
  return {
    ...(values.reference ? { requestReference: values.reference } : {}),
    borrower: { generate: true },
    invoice: { generate: true, ...(values.scenario ? { scenario: values.scenario } : {}) },
    loan: { autoValidate: values['auto-validate'] === true },
  };
}

runAsMain(import.meta.url, () => runCommand(STARTER_COMMAND, process.argv.slice(2), starterArgs, async (values) => {
  const parsed = parseLoanRequest(requestInput(values));
  if (!parsed.ok) throw new CommandError(parsed.error.message, 2);
  const config = loadConfig();
  const connection = await Connection.connect(config.temporal.connection);
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    let started: StartedLoan;
    try {
      started = await startLoan(client, parsed.value, {
        taskQueue: config.temporal.taskQueue, searchTagKey: config.dataProtection.searchTagKey,
      });
    } catch (error) {
      if (error instanceof DuplicateLoanError) throw new CommandError(error.message, 3);
      throw error;
    }
    const ui = config.temporal.uiUrl ?? 'http://localhost:8233';
    process.stdout.write(`started ${started.workflowId}\n${webUiUrl(ui, config.temporal.namespace, started.workflowId)}\n`);
    if (values.wait !== true) return 0;
    try {
      const outcome = await watchLoan(started.handle, (step) => process.stdout.write(`  ${step.text}\n`));
      return outcome.status === 'CLOSED' ? 0 : 1;
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw new CommandError(`workflow failed: ${error.cause?.message ?? error.message}`, 1);
      throw error;
    }
  } finally {
    await connection.close();
  }
}));
