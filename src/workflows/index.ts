/** The workflows this project registers with its workers (the bundle's entry point). */
export { loanLifecycleWorkflow, type LoanLifecycleInput } from './loan-lifecycle';
