/**
 * Status-detection latency, webhooks vs polling only, in one run (`npm run bench:detection`).
 *
 *   npm run bench:detection -- [--loans 10] [--poll-initial-ms 5000] [--timeout-s 150] [--temporal HOST:PORT] [--json out.json]
 *
 * One Temporal (a dev server unless given), one emulator (realistic timing: Defacto decides ~1 s after the request, then moves the
 * loan every 500 ms), two tenants with a worker process each. Tenant "webhooks" is subscribed to the HTTP edge,
 * tenant "polling" is not; both run the same lifecycle with the same poll schedule. For every transition
 * Defacto makes on its own (decision, disbursement steps, repayment), the latency is the time from the
 * emulator's event-log timestamp to the first `LoanStatus` search-attribute upsert in the workflow's
 * history at that status or beyond. Prints p50/p99 of each mode and their ratio as a markdown table.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { runAsMain } from '../src/cli';
import { runCommand } from '../src/command-line';
import { DefactoClient } from '../src/defacto';
import { loanStatusRank, type LoanStatus } from '../src/domain/loan';
import { LoanRequestSchema } from '../src/domain/schemas';
import { createLogger } from '../src/logging';
import { startStack } from '../src/stack';
import { startLoan } from '../src/starter';
import { DETECTION_COMMAND, detectionOptionsOf, type DetectionOptions } from './lib/options';

/** Transitions Defacto makes on its own (VALIDATED is the workflow's own call, so it is not measured). */
const DEFACTO_DRIVEN: readonly LoanStatus[] = ['TO_VALIDATE', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'TO_REPAY_FEES', 'CLOSED'];
/** Goal of issue #6: webhook p99 under this, and under a fifth of the polling p99. */
const GOAL_P99_MS = 500;

type Mode = 'webhooks' | 'polling';
interface Sample { readonly workflowId: string; readonly status: LoanStatus; readonly latencyMs: number }
interface ModeResult { readonly loans: number; readonly finished: number; readonly samples: Sample[] }

const log = createLogger({ level: 'warn' });
const say = (line: string): void => void process.stderr.write(`[detection] ${line}\n`);

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

interface RawEvent {
  readonly eventTime?: { readonly seconds?: unknown; readonly nanos?: number | null } | null;
  readonly upsertWorkflowSearchAttributesEventAttributes?: {
    readonly searchAttributes?: { readonly indexedFields?: Record<string, Payload> | null } | null;
  } | null;
}

/** (time, status) of every `LoanStatus` upsert, in history order. */
function publishedStatuses(events: readonly RawEvent[]): { atMs: number; status: LoanStatus }[] {
  const out: { atMs: number; status: LoanStatus }[] = [];
  for (const event of events) {
    const payload = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.['LoanStatus'];
    if (!payload || !event.eventTime) continue;
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    const status = (Array.isArray(value) ? value[0] : value) as LoanStatus | undefined;
    if (!status) continue;
    out.push({ atMs: Number(event.eventTime.seconds) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6), status });
  }
  return out;
}

/** Latency of each Defacto-driven transition of one finished loan. */
async function measure(client: Client, defacto: DefactoClient, workflowId: string, loanId: string): Promise<Sample[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const published = publishedStatuses((history.events ?? []) as RawEvent[]);
  const samples: Sample[] = [];
  for (const event of await defacto.loans.events(loanId)) {
    const status = event.status as LoanStatus;
    if (!DEFACTO_DRIVEN.includes(status) || !event.timestamp) continue;
    const at = Date.parse(event.timestamp);
    const seen = published.find((p) => loanStatusRank(p.status) >= loanStatusRank(status) && p.atMs >= at - 5);
    if (seen) samples.push({ workflowId, status, latencyMs: Math.max(0, seen.atMs - at) });
  }
  return samples;
}

async function runMode(
  mode: Mode, options: DetectionOptions, client: Client, defacto: DefactoClient, taskQueue: string, deadline: number,
): Promise<ModeResult> {
  const { loansPerMode, pollInitialMs } = options;
  const started: { workflowId: string; result: Promise<unknown> }[] = [];
  for (let i = 0; i < loansPerMode; i += 1) {
    const request = LoanRequestSchema.parse({
      requestReference: `detect-${mode}-${randomUUID().slice(0, 8)}`,
      borrower: { generate: true },
      invoice: { generate: true, scenario: 'SUCCESS' },
      loan: { pollSchedule: { initialMs: pollInitialMs, maxMs: 60_000, multiplier: 2 } },
    });
    const loan = await startLoan(client, request, { taskQueue });
    started.push({ workflowId: loan.workflowId, result: loan.handle.result() });
    // Stagger starts so transitions do not line up with one another's polls.
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 300)));
  }
  const samples: Sample[] = [];
  let finished = 0;
  await Promise.all(started.map(async ({ workflowId, result }) => {
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())).unref());
    const outcome = await Promise.race([result.catch(() => 'failed' as const), timeout]);
    if (outcome === 'timeout' || outcome === 'failed' || typeof outcome !== 'object' || outcome === null) {
      say(`${mode}: ${workflowId} did not finish (${String(outcome)}); terminating`);
      await client.workflow.getHandle(workflowId).terminate('detection bench timeout').catch(() => undefined);
      return;
    }
    const loanId = (outcome as { loanId?: string | null }).loanId;
    if (!loanId) return;
    finished += 1;
    samples.push(...(await measure(client, defacto, workflowId, loanId)));
  }));
  say(`${mode}: ${finished}/${loansPerMode} loans finished, ${samples.length} transitions measured`);
  return { loans: loansPerMode, finished, samples };
}

function summary(result: ModeResult): { n: number; p50: number; p99: number; max: number } {
  const sorted = result.samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
}

async function detection(options: DetectionOptions): Promise<number> {
  const began = Date.now();
  const deadline = began + options.timeoutMs;
  say('starting Temporal (unless given) and the emulator');
  const stack = await startStack({
    logger: log, temporal: { address: options.temporal }, emulator: { run: 'in-process', options: { timing: 'realistic' } },
  });
  try {
    const tenants = {} as Record<Mode, { defacto: DefactoClient; taskQueue: string }>;
    for (const mode of ['webhooks', 'polling'] as const) {
      const apiKey = `detection-${mode}-${randomUUID()}`;
      const taskQueue = `detection-${mode}-${randomUUID()}`;
      await stack.startWorkers({ taskQueue, defacto: { apiKey } });
      tenants[mode] = { defacto: new DefactoClient({ baseUrl: stack.emulator!.url, apiKey }), taskQueue };
    }
    await stack.startEdge({ taskQueue: tenants.webhooks.taskQueue, defacto: tenants.webhooks.defacto, logger: log });

    say(`running ${options.loansPerMode} loans per mode (poll schedule: ${options.pollInitialMs} ms initial, x2)`);
    const [webhooks, polling] = await Promise.all((['webhooks', 'polling'] as const).map((mode) =>
      runMode(mode, options, stack.client, tenants[mode].defacto, tenants[mode].taskQueue, deadline)));
    report(options, { webhooks: webhooks!, polling: polling! }, Date.now() - began);
    return 0;
  } finally {
    await stack.stop();
  }
}

function report(options: DetectionOptions, results: Record<Mode, ModeResult>, elapsedMs: number): void {
  const { loansPerMode, pollInitialMs } = options;
  const w = summary(results.webhooks);
  const p = summary(results.polling);
  const fmt = (n: number): string => (Number.isFinite(n) ? String(Math.round(n)) : 'n/a');
  const ratio = (a: number, b: number): string => (Number.isFinite(a / b) && b > 0 ? (a / b).toFixed(1) : 'n/a');
  const goalMet = w.p99 < GOAL_P99_MS && w.p99 * 5 < p.p99;
  const lines = [
    `Status-detection latency (emulator transition → workflow LoanStatus), ${loansPerMode} loans per mode, poll ${pollInitialMs} ms initial`,
    '',
    '| mode | loans finished | transitions | p50 (ms) | p99 (ms) | max (ms) |',
    '|---|---:|---:|---:|---:|---:|',
    `| webhooks | ${results.webhooks.finished}/${results.webhooks.loans} | ${w.n} | ${fmt(w.p50)} | ${fmt(w.p99)} | ${fmt(w.max)} |`,
    `| polling only | ${results.polling.finished}/${results.polling.loans} | ${p.n} | ${fmt(p.p50)} | ${fmt(p.p99)} | ${fmt(p.max)} |`,
    `| ratio (polling / webhooks) | | | ${ratio(p.p50, w.p50)}× | ${ratio(p.p99, w.p99)}× | |`,
    '',
    `Goal (webhook p99 < ${GOAL_P99_MS} ms and < 1/5 of polling p99): ${goalMet ? 'met' : 'NOT met'} · run took ${(elapsedMs / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify({
      loansPerMode, pollInitialMs, elapsedMs, goal: { p99Ms: GOAL_P99_MS, met: goalMet },
      webhooks: { ...w, finished: results.webhooks.finished, samples: results.webhooks.samples },
      polling: { ...p, finished: results.polling.finished, samples: results.polling.samples },
      ratio: { p50: p.p50 / w.p50, p99: p.p99 / w.p99 },
    }, null, 2)}\n`);
    say(`wrote ${options.json}`);
  }
}

runAsMain(import.meta.url, () => runCommand(DETECTION_COMMAND, process.argv.slice(2), detectionOptionsOf, detection), {
  failurePrefix: 'detection benchmark failed: ',
});
