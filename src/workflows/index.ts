/** The workflows this project registers with its workers (the bundle's entry point). */
export { loanLifecycleWorkflow, type LoanLifecycleInput } from './loan-lifecycle';
export { adoptedLoanWorkflow, adoptedWorkflowId, type AdoptedLoanInput } from './adopted-loan';
export { loanReconciliationWorkflow, type ReconciliationInput } from './reconciliation';
