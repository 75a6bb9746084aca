/**
 * `createActivities({ defacto, log })`: one activity per Defacto endpoint the loan lifecycle uses, each
 * behind the failure chokepoint (`DefactoError` → `ApplicationFailure`), counted (retries, failures,
 * Retry-After waits) and heartbeating while it runs; as local activities, their answers are reused when a
 * refused workflow task runs them again (./local-read-memo.ts).
 * Register the result on a worker.
 */
import type { DefactoClient } from '../defacto';
import type { Logger } from '../logging';
import { borrowerActivities } from './borrowers';
import { DEFAULT_LENDING_SETTINGS, eligibilityActivities, type LendingSettings } from './eligibility';
import { mapDefactoFailures } from './failures';
import { mapActivities, withHeartbeat } from './heartbeat';
import { invoiceActivities } from './invoices';
import { loanActivities } from './loans';
import { LocalReadMemo } from './local-read-memo';
import { recordDefactoCallsOfActivities, withActivityMetrics } from './metrics';
import { paymentActivities } from './payments';
import { reconciliationActivities, type ReconciliationDependencies } from './reconciliation';
import type { ReconciliationActivities } from './reconciliation-types';
import type { LoanActivities } from './types';

export type { LoanActivities } from './types';
export type { ReconciliationActivities } from './reconciliation-types';
export { OPEN_LOAN_STATUSES, type ReconciliationDependencies } from './reconciliation';
export { toApplicationFailure } from './failures';
export { DEFAULT_LENDING_SETTINGS, type LendingSettings } from './eligibility';
export { recordDefactoCallsOfActivities } from './metrics';

/** What the activities need: a Defacto client (no retries of its own), a logger, the lending settings. */
export interface ActivityDependencies {
  readonly defacto: DefactoClient;
  readonly log: Logger;
  /** Translation language and repay-now callback (default {@link DEFAULT_LENDING_SETTINGS}). */
  readonly lending?: LendingSettings | undefined;
}

/** Builds the activities of the loan lifecycle. */
export function createActivities({ defacto, log, lending = DEFAULT_LENDING_SETTINGS }: ActivityDependencies): LoanActivities {
  recordDefactoCallsOfActivities();
  const activities: LoanActivities = {
    ...borrowerActivities(defacto, log),
    ...invoiceActivities(defacto, log),
    ...loanActivities(defacto, log),
    ...paymentActivities(defacto),
    ...eligibilityActivities(defacto, log, lending),
  };
  // Outermost: a memo hit makes no Defacto call, so it counts no call either.
  const memo = new LocalReadMemo();
  return mapActivities(mapActivities(mapActivities(mapDefactoFailures(activities), withActivityMetrics), withHeartbeat), (fn) => memo.wrap(fn));
}

/** Builds the reconciliation and adoption activities (Defacto reads, Temporal visibility, adoption starts). */
export function createReconciliationActivities(deps: ReconciliationDependencies): ReconciliationActivities {
  return mapActivities(mapActivities(mapDefactoFailures(reconciliationActivities(deps)), withActivityMetrics), withHeartbeat);
}
