/**
 * Pure state machines of loan, invoice, borrower and payment (digest §4). Each transition has a name (the
 * `transition_name` of events and webhooks), the statuses it may start from (`null` = creation) and its
 * target. A transition from any other status throws `TransitionRefusedError`, which routes turn into a
 * 400 problem.
 */
import type { BorrowerStatus, InvoiceStatus, LoanStatus, PaymentStatus } from '../defacto/wire';

/** Entities with a state machine. */
export type MachineEntity = 'loan' | 'invoice' | 'borrower' | 'payment';

/** A transition asked from a status that does not allow it. */
export class TransitionRefusedError extends Error {
  override readonly name = 'TransitionRefusedError';
  constructor(
    readonly entity: MachineEntity,
    readonly transition: string,
    readonly from: string | null,
  ) {
    super(`${entity} transition ${transition} is not allowed from ${from ?? 'creation'}`);
  }
}

interface Spec<S extends string> {
  readonly from: readonly (S | null)[];
  readonly to: S;
}

/** A state machine: its transition table plus `next` (throws when refused) and `can`. */
export interface Machine<S extends string, T extends string> {
  readonly entity: MachineEntity;
  readonly transitions: Readonly<Record<T, Spec<S>>>;
  next(from: S | null, transition: T): S;
  can(from: S | null, transition: T): boolean;
}

function machine<S extends string, T extends string>(
  entity: MachineEntity,
  transitions: Readonly<Record<T, Spec<S>>>,
): Machine<S, T> {
  const can = (from: S | null, transition: T): boolean => transitions[transition].from.includes(from);
  return {
    entity,
    transitions,
    can,
    next(from, transition) {
      if (!can(from, transition)) throw new TransitionRefusedError(entity, transition, from);
      return transitions[transition].to;
    },
  };
}

const IN_FLIGHT: readonly LoanStatus[] = ['SCHEDULED', 'INITIATED', 'TO_REPAY', 'TO_REPAY_FEES'];

/** Loan (§4.1). `VALIDATE` and `CANCEL` are the partner's; the rest are Defacto's. */
export const loanMachine = machine<LoanStatus,
  | 'SUBMIT' | 'PEND' | 'ACCEPT' | 'AUTO_VALIDATE' | 'DECLINE' | 'VALIDATE' | 'CANCEL' | 'SCHEDULE' | 'INITIATE'
  | 'PAY' | 'REPAY_NOMINAL' | 'CLOSE' | 'DETECT_ISSUE' | 'DELETE'>('loan', {
  SUBMIT: { from: [null], to: 'SUBMITTED' },
  PEND: { from: ['SUBMITTED'], to: 'PENDING_VALIDATION' },
  ACCEPT: { from: ['SUBMITTED', 'PENDING_VALIDATION'], to: 'TO_VALIDATE' },
  AUTO_VALIDATE: { from: ['SUBMITTED', 'PENDING_VALIDATION'], to: 'VALIDATED' },
  DECLINE: { from: ['SUBMITTED', 'PENDING_VALIDATION'], to: 'DECLINED' },
  VALIDATE: { from: ['TO_VALIDATE'], to: 'VALIDATED' },
  CANCEL: { from: ['PENDING_VALIDATION', 'TO_VALIDATE', 'VALIDATED', 'SCHEDULED'], to: 'CANCELED' },
  SCHEDULE: { from: ['VALIDATED'], to: 'SCHEDULED' },
  INITIATE: { from: ['SCHEDULED'], to: 'INITIATED' },
  PAY: { from: ['INITIATED'], to: 'TO_REPAY' },
  REPAY_NOMINAL: { from: ['TO_REPAY'], to: 'TO_REPAY_FEES' },
  CLOSE: { from: ['TO_REPAY', 'TO_REPAY_FEES'], to: 'CLOSED' },
  DETECT_ISSUE: { from: IN_FLIGHT, to: 'ISSUE_DETECTED' },
  DELETE: { from: ['SUBMITTED', 'PENDING_VALIDATION', 'TO_VALIDATE'], to: 'DELETED' },
});
/** Names of loan transitions. */
export type LoanTransition = keyof typeof loanMachine.transitions;

/** Invoice (§4.2). */
export const invoiceMachine = machine<InvoiceStatus,
  'CREATE_DRAFT' | 'SUBMIT' | 'VERIFY' | 'REQUEST_EDIT' | 'DECLINE' | 'DELETE' | 'MARK_PAID'>('invoice', {
  CREATE_DRAFT: { from: [null], to: 'TO_SUBMIT' },
  SUBMIT: { from: [null, 'TO_SUBMIT', 'TO_EDIT'], to: 'SUBMITTED' },
  VERIFY: { from: ['SUBMITTED'], to: 'VERIFIED' },
  REQUEST_EDIT: { from: ['SUBMITTED'], to: 'TO_EDIT' },
  DECLINE: { from: ['SUBMITTED'], to: 'DECLINED' },
  DELETE: { from: ['TO_SUBMIT', 'TO_EDIT', 'SUBMITTED', 'VERIFIED', 'DECLINED'], to: 'DELETED' },
  MARK_PAID: { from: ['VERIFIED'], to: 'PAID' },
});
/** Names of invoice transitions. */
export type InvoiceTransition = keyof typeof invoiceMachine.transitions;

const BORROWER_ACTIVE: readonly BorrowerStatus[] = ['TO_SIGN', 'SIGNED', 'SDD_SETUP', 'ALL_PAYMENT_SETUP', 'READY'];

/** Borrower (§4.3). */
export const borrowerMachine = machine<BorrowerStatus,
  'ENROLL' | 'ENROLL_SIGNED' | 'SIGN' | 'SETUP_SDD' | 'SETUP_ALL_PAYMENTS' | 'MAKE_READY' | 'BLOCK' | 'PROHIBIT'
  | 'DEACTIVATE'>('borrower', {
  ENROLL: { from: [null], to: 'TO_SIGN' },
  ENROLL_SIGNED: { from: [null], to: 'SIGNED' },
  SIGN: { from: ['TO_SIGN'], to: 'SIGNED' },
  SETUP_SDD: { from: ['SIGNED'], to: 'SDD_SETUP' },
  SETUP_ALL_PAYMENTS: { from: ['SDD_SETUP'], to: 'ALL_PAYMENT_SETUP' },
  MAKE_READY: { from: ['SIGNED', 'SDD_SETUP', 'ALL_PAYMENT_SETUP'], to: 'READY' },
  BLOCK: { from: BORROWER_ACTIVE, to: 'BLOCKED' },
  PROHIBIT: { from: [...BORROWER_ACTIVE, 'BLOCKED'], to: 'PROHIBITED' },
  DEACTIVATE: { from: [...BORROWER_ACTIVE, 'BLOCKED'], to: 'DEACTIVATED' },
});
/** Names of borrower transitions. */
export type BorrowerTransition = keyof typeof borrowerMachine.transitions;

/** Payment (§4.4). An incoming repayment is created directly `IN_TRANSIT` (`RECEIVE`). */
export const paymentMachine = machine<PaymentStatus,
  'PROPOSE' | 'SCHEDULE' | 'RECEIVE' | 'INSTRUCT' | 'SEND' | 'PAY' | 'FAIL' | 'CANCEL'>('payment', {
  PROPOSE: { from: [null], to: 'PROPOSED' },
  SCHEDULE: { from: [null, 'PROPOSED'], to: 'SCHEDULED' },
  RECEIVE: { from: [null], to: 'IN_TRANSIT' },
  INSTRUCT: { from: ['SCHEDULED'], to: 'INSTRUCTED' },
  SEND: { from: ['INSTRUCTED'], to: 'IN_TRANSIT' },
  PAY: { from: ['IN_TRANSIT'], to: 'PAID' },
  FAIL: { from: ['SCHEDULED', 'INSTRUCTED', 'IN_TRANSIT'], to: 'FAILED' },
  CANCEL: { from: ['PROPOSED', 'SCHEDULED'], to: 'CANCELED' },
});
/** Names of payment transitions. */
export type PaymentTransition = keyof typeof paymentMachine.transitions;

/** Loan statuses that no transition leaves. */
export const TERMINAL_LOAN_STATUSES: readonly LoanStatus[] = ['DECLINED', 'CANCELED', 'CLOSED', 'DELETED'];

/** Loan statuses in which the loan still holds its invoice (a second loan on it is `INVOICE_ALREADY_FINANCED`). */
export function loanHoldsInvoice(status: LoanStatus): boolean {
  return status !== 'DECLINED' && status !== 'CANCELED' && status !== 'DELETED';
}

/**
 * Fields of `PATCH /loan/{id}` allowed in a status (§3.16, OAS): `'any'` in SUBMITTED and TO_VALIDATE;
 * references and `to_repay_at` in VALIDATED and SCHEDULED; `to_repay_at` in TO_REPAY; none otherwise
 * (`[]`: the PATCH is refused, see `LOAN_PATCH_REFUSED_STATUS`).
 */
export function patchableLoanFields(status: LoanStatus): 'any' | readonly string[] {
  switch (status) {
    case 'SUBMITTED':
    case 'TO_VALIDATE':
      return 'any';
    case 'VALIDATED':
    case 'SCHEDULED':
      return ['loan_to_references', 'repayment_to_references', 'to_repay_at'];
    case 'TO_REPAY':
      return ['to_repay_at'];
    default:
      return [];
  }
}

/** Invoices are editable only as drafts or when Defacto asked for an edit (§3.12). */
export function canPatchInvoice(status: InvoiceStatus): boolean {
  return status === 'TO_SUBMIT' || status === 'TO_EDIT';
}

/**
 * How much of the credit line a loan in this status holds (§11 #25): `pending` while awaiting a
 * decision/consent, `committed` from validation until repaid (a failed disbursement releases it).
 */
export function creditHold(status: LoanStatus): 'none' | 'pending' | 'committed' {
  switch (status) {
    case 'SUBMITTED':
    case 'PENDING_VALIDATION':
    case 'TO_VALIDATE':
      return 'pending';
    case 'VALIDATED':
    case 'SCHEDULED':
    case 'INITIATED':
    case 'TO_REPAY':
    case 'TO_REPAY_FEES':
      return 'committed';
    default:
      return 'none';
  }
}
