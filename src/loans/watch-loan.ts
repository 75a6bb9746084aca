/**
 * Following a started loan: its progress lines as the steps complete, and its page in the Temporal Web UI.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { FINISHED_STEP, type LoanOutcome, type LoanProgress } from '../domain/loan';
import { progressLines, type ProgressLine } from '../domain/progress-report';
import type { loanLifecycleWorkflow } from '../workflows';
import { progressQuery } from '../workflows/messages';

/** The Web UI page of a workflow. */
export function webUiUrl(uiBase: string, namespace: string, workflowId: string): string {
  return `${uiBase.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/**
 * Follows a lifecycle: calls `onLine` for each step as it completes (querying every `intervalMs`),
 * then returns the outcome. A failed workflow rejects with its `WorkflowFailedError`.
 */
export async function watchLoan(
  handle: WorkflowHandle<typeof loanLifecycleWorkflow>,
  onLine: (line: ProgressLine) => void,
  options: { readonly intervalMs?: number } = {},
): Promise<LoanOutcome> {
  const result = handle.result();
  let settled = false;
  result.then(() => { settled = true; }, () => { settled = true; });
  let previous: LoanProgress | null = null;
  while (!settled) {
    const progress = await handle.query(progressQuery).catch(() => null);
    if (progress) {
      for (const line of progressLines(previous, progress)) onLine(line);
      previous = progress;
      if (progress.currentStep === FINISHED_STEP) break;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, options.intervalMs ?? 250))]);
  }
  const outcome = await result;
  const last = await handle.query(progressQuery).catch(() => null);
  if (last) for (const line of progressLines(previous, last)) onLine(line);
  return outcome;
}

