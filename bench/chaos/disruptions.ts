/**
 * What happens to the system while loans run: the fault rules given to the emulator, a worker
 * SIGKILLed every ~15 s (the workers in turn), Temporal's faults (the dev server's restart; on a cluster
 * history and matching SIGKILLs and a PostgreSQL restart), one HTTP edge restart, a few loan workflows
 * terminated as an operator would from the Web UI (reconciliation must adopt their loans), and the emulator clock moved a
 * day forward whenever a SUCCESS_ONE_DAY_LATER loan waits for its repayment. Disruptions run one at a
 * time; one-off restarts are planned within the phase and brought forward if the phase is ending, so
 * each one happens while loans are in flight.
 */
import type { Client } from '@temporalio/client';
import type { FaultRule } from '../../src/emulator/app';
import { seededRandom } from '../../src/emulator/faults';
import type { ChaosStack } from './stack';

/** Faults on every Defacto route, plus webhook duplicates and reordering. */
export const CHAOS_FAULTS: readonly FaultRule[] = [
  { route: '*', kind: 'status', status: 500, rate: 0.015 },
  { route: '*', kind: 'status', status: 502, rate: 0.0125 },
  { route: '*', kind: 'status', status: 503, rate: 0.0125 },
  { route: '*', kind: 'status', status: 504, rate: 0.01 },
  { route: '*', kind: 'rate_limit', retryAfterS: 1, rate: 0.02 },
  { route: '*', kind: 'lost_response', rate: 0.02 },
  { route: '*', kind: 'reset', rate: 0.01 },
  { route: '*', kind: 'latency', latencyMs: 1_500, rate: 0.03 },
  { kind: 'webhook_duplicate', rate: 0.1 },
  { kind: 'webhook_reorder', rate: 0.1 },
];

/** A one-line description of the fault mix, for the report. */
export const FAULT_MIX = '5% 5xx (500/502/503/504), 2% 429 Retry-After 1 s, 2% lost response after commit, 1% connection reset, '
  + '3% +1.5 s latency; webhooks: 10% duplicated, 10% reordered';

/** Calls an emulator control route. */
export async function emulatorControl(baseUrl: string, apiKey: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

/** What the disruptions did. */
export interface DisruptionStats {
  workerKills: number;
  serverRestarts: number;
  serverDowntimeMs: number[];
  edgeRestarts: number;
  edgeDowntimeMs: number[];
  /** Loans in flight when each disruption began (the point is to hit loans mid-way). */
  inFlightAtServerRestart: number[];
  inFlightAtEdgeRestart: number[];
  inFlightAtKill: number[];
  terminations: number;
  log: string[];
}

/** Plan of the fault phase. */
export interface DisruptionPlan {
  readonly seed: number;
  readonly killEveryMs: number;
  readonly maxWorkerKills: number;
  /** When each of the stack's Temporal faults happens, in its order (an empty list: none). */
  readonly temporalFaultsAtMs: readonly number[];
  readonly edgeRestartAtMs: number | null;
  /** When each loan-workflow termination is due (it happens at the first tick after, once a loan qualifies). */
  readonly terminationsAtMs: readonly number[];
}

/** Terminates one loan workflow mid-flight; a description of it, or `null` when no loan qualifies yet. */
export type TerminateOne = () => Promise<string | null>;

/** Runs the plan from `start()` until `stop()`. */
export class Disruptions {
  readonly stats: DisruptionStats = {
    workerKills: 0, serverRestarts: 0, serverDowntimeMs: [], edgeRestarts: 0, edgeDowntimeMs: [],
    inFlightAtServerRestart: [], inFlightAtEdgeRestart: [], inFlightAtKill: [], terminations: 0, log: [],
  };
  private readonly random: () => number;
  private startedAt = 0;
  private nextKillAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private running = false;
  private busyNow = false;
  private ending = false;

  constructor(
    private readonly stack: ChaosStack,
    private readonly plan: DisruptionPlan,
    private readonly inFlight: () => number = () => 0,
    private readonly terminateOne: TerminateOne = async () => null,
  ) {
    this.random = seededRandom(plan.seed ^ 0xc4a05);
  }

  start(): void {
    this.startedAt = Date.now();
    this.nextKillAt = this.startedAt + this.jitteredKillDelay();
    this.running = true;
    this.timer = setInterval(() => this.tick(), 250);
  }

  /** The phase is about to end (few loans left): every planned one-off disruption happens now. */
  phaseEnding(): void {
    this.ending = true;
  }

  /** Whether every planned one-off disruption (and at least one kill) has happened. */
  get planDone(): boolean {
    return this.stats.serverRestarts >= this.plan.temporalFaultsAtMs.length
      && (this.plan.edgeRestartAtMs === null || this.stats.edgeRestarts > 0)
      && this.stats.terminations >= this.plan.terminationsAtMs.length
      && (this.plan.maxWorkerKills === 0 || this.stats.workerKills > 0);
  }

  /** Stops planning; waits for a disruption under way. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  private jitteredKillDelay(): number {
    return Math.round(this.plan.killEveryMs * (0.8 + 0.4 * this.random()));
  }

  private tick(): void {
    if (!this.running || this.busyNow) return;
    const now = Date.now();
    const elapsed = now - this.startedAt;
    const due = (at: number | null, done: number) => at !== null && done === 0 && (elapsed >= at || this.ending);
    let action: (() => Promise<void>) | undefined;
    const nextTemporalFault = this.stats.serverRestarts;
    const temporalDue = nextTemporalFault < this.plan.temporalFaultsAtMs.length
      && (elapsed >= (this.plan.temporalFaultsAtMs[nextTemporalFault] ?? 0) || this.ending);
    if (temporalDue) action = () => this.restartServer(nextTemporalFault);
    else if (due(this.plan.edgeRestartAtMs, this.stats.edgeRestarts)) action = () => this.restartEdge();
    else if (this.stats.workerKills < this.plan.maxWorkerKills && (now >= this.nextKillAt || (this.ending && this.stats.workerKills === 0))) {
      action = () => this.killWorker();
    } else if (this.stats.terminations < this.plan.terminationsAtMs.length
      && (elapsed >= (this.plan.terminationsAtMs[this.stats.terminations] ?? 0) || this.ending)) {
      action = () => this.terminate();
    }
    if (!action) return;
    this.busyNow = true; // One at a time: ticks skip until this one is over.
    this.busy = action()
      .catch((error: unknown) => { this.stats.log.push(`disruption failed: ${error instanceof Error ? error.message : String(error)}`); })
      .finally(() => { this.busyNow = false; });
  }

  private async killWorker(): Promise<void> {
    this.stats.workerKills += 1;
    this.stats.inFlightAtKill.push(this.inFlight());
    const count = Math.max(1, this.stack.workers.workers.length);
    const index = (this.stats.workerKills - 1) % count;
    this.stats.log.push(`${this.at()} SIGKILL worker #${this.stats.workerKills}${count > 1 ? ` (process ${index + 1} of ${count})` : ''} (${this.inFlight()} loans in flight)`);
    await this.stack.workers.killAndRestart(index);
    this.nextKillAt = Date.now() + this.jitteredKillDelay();
  }

  private async terminate(): Promise<void> {
    const inFlight = this.inFlight();
    const what = await this.terminateOne();
    if (what === null) return; // No loan qualifies yet: the next tick tries again.
    this.stats.terminations += 1;
    this.stats.log.push(`${this.at()} terminated ${what} (${inFlight} loans in flight)`);
  }

  private async restartServer(index: number): Promise<void> {
    const fault = this.stack.temporalFaults[index];
    if (!fault) throw new Error(`the stack has no Temporal fault #${index + 1}`);
    this.stats.inFlightAtServerRestart.push(this.inFlight());
    this.stats.log.push(`${this.at()} ${fault.label} (${this.inFlight()} loans in flight)`);
    try {
      const down = await fault.run();
      this.stats.serverDowntimeMs.push(down);
      this.stats.log.push(`${this.at()} Temporal serves again after ${(down / 1000).toFixed(1)} s`);
    } finally {
      this.stats.serverRestarts += 1;
    }
  }

  private async restartEdge(): Promise<void> {
    this.stats.inFlightAtEdgeRestart.push(this.inFlight());
    this.stats.log.push(`${this.at()} restarting the HTTP edge (${this.inFlight()} loans in flight)`);
    const down = await this.stack.restartEdge();
    this.stats.edgeRestarts += 1;
    this.stats.edgeDowntimeMs.push(down);
  }

  private at(): string {
    return `+${((Date.now() - this.startedAt) / 1000).toFixed(1)}s`;
  }
}

/**
 * Moves the emulator clock 25 h forward when a SUCCESS_ONE_DAY_LATER loan of this run waits in TO_REPAY
 * (seen through Temporal visibility) and no advance has happened since it was first seen there: one
 * advance makes its repayment due, so each loan costs at most one day of clock drift (batched).
 */
export class ClockAdvancer {
  advances = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastAt = 0;
  private checking = false;
  private readonly covered = new Set<string>();

  constructor(
    private readonly stack: ChaosStack,
    private readonly waiting: () => ReadonlySet<string>,
    private readonly minGapMs = 3_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), 1_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const candidates = this.waiting();
    if (this.checking || candidates.size === 0 || Date.now() - this.lastAt < this.minGapMs) return;
    this.checking = true;
    try {
      const due = (await inStatus(this.stack.client, this.stack.taskQueue, 'TO_REPAY')).filter((id) => candidates.has(id));
      if (due.some((id) => !this.covered.has(id))) {
        await emulatorControl(this.stack.emulatorUrl, this.stack.secrets.apiKey, 'POST', '/_emulator/clock/advance', { ms: 25 * 3_600_000 });
        for (const id of due) this.covered.add(id);
        this.advances += 1;
        this.lastAt = Date.now();
      }
    } catch {
      // Temporal restarting: try again on the next tick.
    } finally {
      this.checking = false;
    }
  }
}

async function inStatus(client: Client, taskQueue: string, status: string): Promise<string[]> {
  const ids: string[] = [];
  const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND LoanStatus = '${status}'`;
  for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids;
}
