/**
 * Routes a Defacto webhook event to the workflow that owns its loan, as a `defactoEventSignal`. The
 * event is only a hint: the workflow re-reads the loan itself, ignores events it has seen and never
 * moves its state backwards, so duplicates and out-of-order deliveries are harmless here. Only the
 * events the workflow acts on are signalled (`ACTIONABLE_EVENT_TYPES`): each signal is a billable
 * action, a history event and usually a workflow task, so the rest are acknowledged without a signal
 * and without reading anything from Defacto. A redelivery of an event signalled moments ago is
 * acknowledged without signalling again (one history event saved). A busy workflow (a task or an
 * activity under way) is signalled once it is idle, or not at all if it has finished (`signal-timing.ts`);
 * a later event of the same loan for a workflow seen finished moments ago is acknowledged without asking
 * Temporal again (Defacto delivers a loan's events one after the other: `CLOSED` follows `TO_REPAY`).
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import type { DefactoClient } from '../defacto/client';
import { DefactoNotFoundError } from '../defacto/errors';
import { LoanStatusSchema, PaymentRelationSchema, type LoanApi, type WebhookEvent } from '../defacto/wire';
import type { Logger } from '../logging';
import { defactoEventSignal, type DefactoEvent } from '../workflows/messages';
import type { EdgeMetrics } from './observability';
import { awaitSignalWindow, watchWorkflow } from './signal-timing';
import { ACTIONABLE_EVENT_TYPES } from './subscription';

/**
 * The `metadata` key under which the lifecycle's `requestLoan` activity stores the owning workflow ID
 * on `POST /loans` (read back on every loan Defacto returns, webhooks included).
 */
export const WORKFLOW_ID_METADATA_KEY = 'workflow_id';

/** What became of one event. */
export type RoutingOutcome =
  /** The owning workflow was signalled. */
  | 'signalled'
  /** The same event was signalled moments ago: acknowledged without a second signal. */
  | 'deduplicated'
  /** Not a loan or payment event, or one that names no loan: nothing to do. */
  | 'ignored'
  /** A loan or payment event the workflow does not act on (not in `ACTIONABLE_EVENT_TYPES`): not signalled. */
  | 'not_actionable'
  /** Defacto does not know the loan, or the loan was not created by a workflow of ours. */
  | 'unknown_loan'
  /** The loan names a workflow that does not exist (any more) or has finished. */
  | 'unknown_workflow';

/** Result of {@link routeDefactoEvent}. */
export interface RoutingResult {
  readonly outcome: RoutingOutcome;
  readonly workflowId?: string;
}

/** What the router needs. */
export interface WebhookRouterDeps {
  readonly temporalClient: Client;
  readonly defacto: DefactoClient;
  readonly logger: Logger;
  /** Events signalled lately, so a redelivery costs no second signal (the workflow ignores it anyway). */
  readonly recentEvents?: RecentKeys;
  /** Workflows seen finished lately, with their loan, so their later events cost no look at Temporal ({@link finishedWorkflows}). */
  readonly finishedWorkflows?: RecentKeys;
  /** Counts signals and outcomes. */
  readonly metrics?: EdgeMetrics;
}

/**
 * A bounded memory of keys, each forgotten once `ttlMs` has passed since it was added (never, by
 * default) or when the oldest must make room.
 */
export class RecentKeys {
  readonly #addedAt = new Map<string, number>();
  constructor(
    private readonly capacity: number,
    private readonly ttlMs = Number.POSITIVE_INFINITY,
    private readonly now: () => number = () => performance.now(),
  ) {}

  has(key: string): boolean {
    const at = this.#addedAt.get(key);
    if (at === undefined) return false;
    if (this.now() - at <= this.ttlMs) return true;
    this.#addedAt.delete(key);
    return false;
  }

  add(key: string): void {
    this.#addedAt.delete(key);
    this.#addedAt.set(key, this.now());
    if (this.#addedAt.size > this.capacity) {
      const oldest = this.#addedAt.keys().next().value;
      if (oldest !== undefined) this.#addedAt.delete(oldest);
    }
  }
}

/** Event keys signalled lately, so a redelivery costs no second signal: the last 4,096. */
export const recentEvents = (): RecentKeys => new RecentKeys(4_096);

/**
 * Workflows the edge found finished, each with the loan the event was about (keyed by
 * {@link finishedKey}), for a minute: long enough for the rest of a loan's events, short enough that a
 * workflow started again under the same ID (a new run following the loan) soon gets its events
 * signalled. The last 4,096.
 */
export const finishedWorkflows = (): RecentKeys => new RecentKeys(4_096, 60_000);

/** The key of a finished workflow and its loan in {@link finishedWorkflows}. */
export function finishedKey(workflowId: string, loanId: string): string {
  return `${workflowId}|${loanId}`;
}

/** The key the workflow de-duplicates on as well (`defactoEventSignal` handler). */
function eventKey(signal: DefactoEvent): string {
  return `${signal.loanId}|${signal.eventType}|${signal.status}|${signal.timestamp}`;
}

const OwnerMetadataSchema = z.object({ [WORKFLOW_ID_METADATA_KEY]: z.string().min(1) });
const LoanStateSchema = z.object({ status: LoanStatusSchema, metadata: z.unknown().optional() });
const PaymentStateSchema = z.object({ related_to: PaymentRelationSchema.optional() });

function ownerOf(metadata: unknown): string | undefined {
  const parsed = OwnerMetadataSchema.safeParse(metadata);
  return parsed.success ? parsed.data[WORKFLOW_ID_METADATA_KEY] : undefined;
}

/** `GET /loan/{id}`, or `undefined` when Defacto does not know the loan. */
async function fetchLoan(defacto: DefactoClient, loanId: string): Promise<LoanApi | undefined> {
  try {
    return await defacto.loans.get(loanId);
  } catch (error) {
    if (error instanceof DefactoNotFoundError) return undefined;
    throw error;
  }
}

interface Target {
  readonly loanId: string;
  readonly status: DefactoEvent['status'];
  readonly workflowId: string | undefined;
}

/**
 * Finds the loan, its status and its owner. Loan events carry the loan (metadata included) in
 * `entity_state`; payment events name the loan in `related_to`, so the loan is read from Defacto.
 */
async function targetOf(defacto: DefactoClient, event: WebhookEvent): Promise<Target | RoutingOutcome> {
  if (event.entity_type === 'loan') {
    const state = LoanStateSchema.safeParse({ status: event.status, metadata: event.entity_state['metadata'] });
    if (!state.success) return 'ignored';
    const owner = ownerOf(state.data.metadata);
    if (owner) return { loanId: event.id, status: state.data.status, workflowId: owner };
    const loan = await fetchLoan(defacto, event.id);
    if (!loan) return 'unknown_loan';
    return { loanId: event.id, status: state.data.status, workflowId: ownerOf(loan.metadata) };
  }
  if (event.entity_type === 'payment') {
    const payment = PaymentStateSchema.safeParse(event.entity_state);
    const loanId = payment.success ? payment.data.related_to?.loans?.[0]?.loan_id : undefined;
    if (!loanId) return 'ignored';
    const loan = await fetchLoan(defacto, loanId);
    if (!loan) return 'unknown_loan';
    return { loanId, status: loan.status, workflowId: ownerOf(loan.metadata) };
  }
  return 'ignored';
}

const ACTIONABLE: ReadonlySet<string> = new Set(ACTIONABLE_EVENT_TYPES);

/**
 * Signals the owning workflow of a loan or payment event and says what happened. Throws only on
 * failures worth a redelivery (Temporal or Defacto unavailable); the caller then answers 5xx.
 */
export async function routeDefactoEvent(deps: WebhookRouterDeps, event: WebhookEvent, receivedAt = new Date()): Promise<RoutingResult> {
  const result = await route(deps, event, receivedAt);
  deps.metrics?.webhooksRouted.inc({ outcome: result.outcome });
  return result;
}

async function route(deps: WebhookRouterDeps, event: WebhookEvent, receivedAt: Date): Promise<RoutingResult> {
  const log = deps.logger.child({ eventType: event.event_type, entityId: event.id });
  if ((event.entity_type === 'loan' || event.entity_type === 'payment') && !ACTIONABLE.has(event.event_type)) {
    log.debug('webhook event the workflow does not act on: acknowledged');
    return { outcome: 'not_actionable' };
  }
  const target = await targetOf(deps.defacto, event);
  if (typeof target === 'string') {
    if (target === 'unknown_loan') log.info('webhook event for a loan Defacto does not know: acknowledged');
    else log.debug('webhook event ignored');
    return { outcome: target };
  }
  if (!target.workflowId) {
    log.info({ loanId: target.loanId }, 'webhook event for a loan no workflow of ours owns: acknowledged');
    return { outcome: 'unknown_loan' };
  }
  const signal: DefactoEvent = {
    loanId: target.loanId,
    status: target.status,
    eventType: event.event_type,
    timestamp: event.timestamp,
    receivedAt: receivedAt.toISOString(),
  };
  const key = eventKey(signal);
  if (deps.recentEvents?.has(key)) {
    deps.metrics?.webhooksDeduplicated.inc();
    log.debug({ loanId: target.loanId, workflowId: target.workflowId }, 'webhook event already signalled: acknowledged');
    return { outcome: 'deduplicated', workflowId: target.workflowId };
  }
  // A remembered workflow is not remembered afresh: its memory ends a minute after Temporal said so.
  const finished = finishedKey(target.workflowId, target.loanId);
  const remembered = deps.finishedWorkflows?.has(finished) ?? false;
  if (remembered || !(await signalWhenReady(deps, target.workflowId, signal))) {
    if (!remembered) deps.finishedWorkflows?.add(finished);
    log.info({ loanId: target.loanId, workflowId: target.workflowId }, 'webhook event for a finished or unknown workflow: acknowledged');
    return { outcome: 'unknown_workflow', workflowId: target.workflowId };
  }
  deps.recentEvents?.add(key);
  log.debug({ loanId: target.loanId, workflowId: target.workflowId }, 'webhook event signalled');
  return { outcome: 'signalled', workflowId: target.workflowId };
}

/**
 * Signals the workflow once it is not busy (`signal-timing.ts`): `false` when it has finished
 * or does not exist, so there was nothing to signal.
 */
async function signalWhenReady(deps: WebhookRouterDeps, workflowId: string, signal: DefactoEvent): Promise<boolean> {
  try {
    const window = await awaitSignalWindow(watchWorkflow(deps.temporalClient, workflowId));
    if (window === 'closed') return false;
    await deps.temporalClient.workflow.getHandle(workflowId).signal(defactoEventSignal, signal);
  } catch (error) {
    const outcome = error instanceof WorkflowNotFoundError ? 'not_found' : 'error';
    deps.metrics?.signalsSent.inc({ signal: defactoEventSignal.name, outcome });
    if (outcome === 'error') throw error;
    return false;
  }
  deps.metrics?.signalsSent.inc({ signal: defactoEventSignal.name, outcome: 'ok' });
  return true;
}
