/**
 * `loanReconciliationWorkflow`: one pass over Defacto's open loans, page by page (one activity per page,
 * returning only findings), reporting loans no workflow follows (adopted when asked), workflows that
 * disagree with Defacto, reviews past their deadline, late repayments and credit-line drift. The report
 * is the result and the current details of the run. History stays bounded whatever the book's size:
 * continue-as-new when the server suggests it, carrying the cursor and the report so far.
 */
import { continueAsNew, log, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { LoanOptions } from '../domain/schemas';
import type {
  FindingKind, ReconcilePageResult, ReconciliationActivities, ReconciliationFinding,
} from '../activities/reconciliation-types';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Findings listed in a report; beyond this only the counts grow. */
export const MAX_LISTED_FINDINGS = 500;

/** Input of {@link loanReconciliationWorkflow}; every field has a default. */
export interface ReconciliationInput {
  readonly pageSize?: number;
  readonly gracePeriodMs?: number;
  readonly reviewDeadlineMs?: number;
  readonly repaymentFollowUpMs?: number;
  /** Start `adoptedLoanWorkflow` for each orphan (default true). */
  readonly adopt?: boolean;
  readonly checkCreditLines?: boolean;
  /** How adopted loans are handled; omitted fields take the lifecycle's defaults. */
  readonly adoptedLoan?: Partial<LoanOptions>;
  /** Continue-as-new: where the previous run stopped and what it found. */
  readonly continued?: { readonly cursor: string; readonly report: ReconciliationReport };
}

/** What one reconciliation found. */
export interface ReconciliationReport {
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly loansChecked: number;
  readonly pages: number;
  readonly counts: Readonly<Record<FindingKind, number>>;
  readonly adoptionsStarted: number;
  /** The first {@link MAX_LISTED_FINDINGS} findings. */
  readonly findings: readonly ReconciliationFinding[];
  readonly truncated: boolean;
}

const reconcile = proxyActivities<ReconciliationActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

function emptyReport(startedAt: string): ReconciliationReport {
  return {
    startedAt, finishedAt: null, loansChecked: 0, pages: 0, adoptionsStarted: 0, findings: [], truncated: false,
    counts: { orphan: 0, disagreement: 0, 'review-overdue': 0, 'repayment-late': 0, 'credit-line-drift': 0 },
  };
}

function merge(report: ReconciliationReport, page: ReconcilePageResult): ReconciliationReport {
  const counts = { ...report.counts };
  for (const f of page.findings) counts[f.kind] += 1;
  const room = MAX_LISTED_FINDINGS - report.findings.length;
  return {
    ...report,
    loansChecked: report.loansChecked + page.loansChecked,
    pages: report.pages + 1,
    adoptionsStarted: report.adoptionsStarted + page.adoptionsStarted,
    counts,
    findings: room > 0 ? [...report.findings, ...page.findings.slice(0, room)] : report.findings,
    truncated: report.truncated || page.findings.length > room,
  };
}

/** One-line summary for the Web UI. */
export function describeReport(report: ReconciliationReport): string {
  const c = report.counts;
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  if (report.finishedAt === null) return `reconciling: ${report.loansChecked} open loans checked so far, ${total} findings`;
  return total === 0
    ? `${report.loansChecked} open loans checked: nothing to report`
    : `${report.loansChecked} open loans checked: ${c.orphan} orphans (${report.adoptionsStarted} adopted), ${c.disagreement} disagreements, `
      + `${c['review-overdue']} reviews past deadline, ${c['repayment-late']} late repayments, ${c['credit-line-drift']} credit-line drifts`;
}

/** Reconciles Defacto's open loans with the workflows; returns the report. */
export async function loanReconciliationWorkflow(input: ReconciliationInput = {}): Promise<ReconciliationReport> {
  let report = input.continued?.report ?? emptyReport(new Date().toISOString());
  let cursor: string | null = input.continued?.cursor ?? null;
  const adoptedLoan: LoanOptions = {
    autoValidate: false,
    acceptancePolicy: { maxFeeRatePercent: 5, maxDurationDays: 120, requireOperatorApproval: true },
    deadlines: { conditionsReviewMs: 48 * HOUR_MS, repaymentFollowUpMs: 7 * DAY_MS },
    pollSchedule: { initialMs: 5_000, maxMs: HOUR_MS, multiplier: 2, idleCheckMs: 7 * DAY_MS },
    ...input.adoptedLoan,
  };
  const details = (): void => setCurrentDetails(`${describeReport(report)}\n\n\`\`\`json\n${JSON.stringify(report.counts)}\n\`\`\``);
  details();
  for (;;) {
    const page = await reconcile.reconcileLoanPage({
      cursor,
      pageSize: input.pageSize ?? 100,
      gracePeriodMs: input.gracePeriodMs ?? 15 * MINUTE_MS,
      reviewDeadlineMs: input.reviewDeadlineMs ?? 48 * HOUR_MS,
      repaymentFollowUpMs: input.repaymentFollowUpMs ?? 7 * DAY_MS,
      adopt: input.adopt ?? true,
      adoptedLoan,
      checkCreditLines: input.checkCreditLines ?? true,
    });
    report = merge(report, page);
    cursor = page.nextCursor;
    details();
    if (cursor === null) break;
    if (workflowInfo().continueAsNewSuggested) {
      log.info('reconciliation continues as new', { pages: report.pages, loansChecked: report.loansChecked });
      await continueAsNew<typeof loanReconciliationWorkflow>({ ...input, continued: { cursor, report } });
    }
  }
  report = { ...report, finishedAt: new Date().toISOString() };
  details();
  return report;
}
