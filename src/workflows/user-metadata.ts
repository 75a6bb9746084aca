/**
 * What a loan shows of itself in the Temporal Web UI (user metadata): the current details (markdown,
 * rewritten at every step), and a one-line summary on every activity and timer.
 */
import type { LoanRequest } from '../domain/schemas';
import { describeReasons } from '../domain/reasons';
import type { LifecycleState } from './lifecycle-state';

/** What an activity does, in an operator's words, given where the loan stands. */
export function activitySummary(activity: string, state: LifecycleState): string {
  const status = state.facts.loan?.status;
  const summaries: Record<string, string> = {
    generateBusiness: 'Defacto sandbox: generate a borrower business',
    createBorrower: 'Defacto: register the borrower (found by company number first)',
    signBorrower: 'Defacto: sign the borrower\'s terms',
    getBorrower: `Defacto: read the borrower (status ${state.facts.borrower?.status ?? 'unknown'})`,
    getContractLink: 'Defacto: check the borrower contract link',
    generateInvoice: 'Defacto sandbox: generate the invoice (found by number first)',
    createInvoice: 'Defacto: create the invoice (found by number first)',
    getCreditLines: 'Defacto: read the borrower\'s credit line',
    requestLoan: 'Defacto: request the loan (salt_id from the workflow ID)',
    validateLoan: 'Defacto: validate the offer (consent to the conditions)',
    cancelLoan: `Defacto: cancel the loan (was ${status ?? 'unknown'})`,
    getLoan: `Defacto: read the loan (was ${status ?? 'unknown'})`,
    listPayments: 'Defacto: list the loan\'s payments',
    listLoanEvents: 'Defacto: read the loan\'s events',
    checkEligibility: 'Defacto: check the business\'s pre-eligibility (before enrolling it)',
    translateDenialCode: 'Defacto: translate a denial or status reason code',
    repayNow: 'Defacto: create an early-repayment link for an operator (one attempt)',
  };
  return summaries[activity] ?? `Defacto: ${activity}`;
}

/** What a durable wait waits for, and until when. */
export function timerSummary(state: LifecycleState, untilIso: string): string {
  const { loan, borrower, awaitingOperator, review } = state.facts;
  if (awaitingOperator && review?.deadlineAt) {
    return `wait for an operator decision (approve/reject until ${review.deadlineAt}); next look at Defacto ${untilIso}`;
  }
  if (loan) return `wait for Defacto: ${loan.status}, next look ${untilIso} or a webhook`;
  return `wait for Defacto: borrower ${borrower?.status ?? 'unknown'}, next look ${untilIso}`;
}

/** The operator actions that apply now, each with its CLI command and HTTP route. */
function actionsNow(state: LifecycleState, workflowId: string): string[] {
  const status = state.facts.loan?.status;
  const cancellable = status !== undefined && ['PENDING_VALIDATION', 'TO_VALIDATE', 'VALIDATED', 'SCHEDULED'].includes(status);
  const repayable = status === 'TO_REPAY';
  const update = (name: string, route: string, what: string) =>
    `- ${what}: \`temporal workflow update execute --workflow-id ${workflowId} --name ${name} --input '{"reason":"…"}'\` · \`POST /loans/${workflowId}/${route}\``;
  if (state.outcome) return ['- none: the loan ended'];
  const actions: string[] = [];
  if (state.facts.awaitingOperator) {
    actions.push(update('approveConditions', 'approve', 'approve the offer'), update('rejectConditions', 'reject', 'reject the offer (the loan is canceled)'));
  }
  if (cancellable) actions.push(update('cancelLoan', 'cancel', 'cancel the loan'));
  if (repayable) {
    actions.push(`- early-repayment link for the borrower: \`temporal workflow update execute --workflow-id ${workflowId} --name repayNow --update-id <your request key> --input '{}'\` · \`POST /loans/${workflowId}/repay-now\` with an \`Idempotency-Key\` (optional \`{"amountCents": …}\`; the link is returned, not kept)`);
  }
  actions.push(status && !cancellable
    ? `- Request Cancellation (Web UI) / \`temporal workflow cancel --workflow-id ${workflowId}\`: refused at Defacto (money moved), recorded, the loan is followed to its end`
    : `- Request Cancellation (Web UI) / \`temporal workflow cancel --workflow-id ${workflowId}\`: cancels at Defacto${status ? '' : ' (nothing is created afterwards)'}`);
  actions.push(`- follow: \`temporal workflow query --workflow-id ${workflowId} --type progress\` · \`GET /loans/${workflowId}\``);
  return actions;
}

/** The current details (markdown): Defacto's status, the step, what the workflow waits for, the review, payments, actions. */
export function currentDetails(state: LifecycleState, request: LoanRequest, waitingUntil: string | null): string {
  const { loan, borrower, review, repaymentLate, refusedCancellations } = state.facts;
  const lines = [
    `**Step:** ${state.currentStep()} · **Defacto:** loan ${loan?.status ?? 'not requested yet'}${borrower ? `, borrower ${borrower.status ?? 'unknown'}` : ''}`,
  ];
  const { outcome } = state;
  if (outcome) {
    const why = outcome.status === 'CANCELED' ? ` by ${outcome.canceledBy}: ${outcome.reason}`
      : outcome.status === 'DECLINED' && outcome.reasons && outcome.reasons.length > 0 ? ` (${outcome.declinedAt ?? 'LOAN'}): ${describeReasons(outcome.reasons)}`
        : outcome.status === 'DECLINED' && outcome.denialReason ? `: ${outcome.denialReason}` : '';
    lines.push(`**Outcome:** ${outcome.status}${why}`);
  }
  else if (waitingUntil) lines.push(`**Waiting:** until ${waitingUntil} (or earlier on a Defacto webhook or an operator command)`);
  if (loan) {
    lines.push(`**Loan:** ${loan.id} · ${(loan.amountCents / 100).toFixed(2)} ${loan.currency} · pay ${loan.toPayAt} · repay by ${loan.toRepayAt}`);
    lines.push(`**Payments:** ${loan.paidAt ? `disbursed ${loan.paidAt}` : 'not disbursed'} · repaid ${(loan.repaidAmountCents / 100).toFixed(2)} ${loan.currency}`);
  }
  if (review) {
    lines.push(`**Review:** ${review.mode}, ${review.withinPolicy === false ? `outside policy (${review.reasons.join('; ')})` : 'within policy'}, decision ${review.decision ?? 'pending'}${review.decidedBy ? ` by ${review.decidedBy}` : ''}${review.deadlineAt && !review.decision ? `, deadline ${review.deadlineAt}` : ''}`);
  } else if (request.loan.acceptancePolicy.requireOperatorApproval) {
    lines.push('**Review:** an operator must approve the offer');
  }
  if (repaymentLate) lines.push('**Repayment late:** yes');
  if (state.facts.reasons.length > 0) {
    lines.push(`**Reasons (${state.facts.reasons[0]?.language ?? 'en'}):** ${state.facts.reasons.map((r) => `${r.source} ${describeReasons([r])}`).join(' · ')}`);
  }
  for (const asked of state.facts.earlyRepayments) {
    lines.push(`**Early-repayment link** created ${asked.requestedAt} for ${(asked.amountCents / 100).toFixed(2)} ${loan?.currency ?? ''} (request ${asked.requestId}; the link went to the requester only)`);
  }
  for (const refused of refusedCancellations) lines.push(`**Cancellation refused** at ${refused.at} (loan ${refused.loanStatus}): ${refused.reason}`);
  // Paragraphs, then the list after a blank line: the Web UI's markdown joins single line breaks.
  return [...lines, '**Operator actions now:**', actionsNow(state, state.workflowId).join('\n')].join('\n\n');
}
