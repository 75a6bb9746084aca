import { describe, expect, it } from 'vitest';
import {
  BorrowerStatusSchema, InvoiceStatusSchema, LoanStatusSchema, PaymentStatusSchema,
} from '../../src/defacto/wire';
import {
  borrowerMachine, canPatchInvoice, creditHold, invoiceMachine, loanMachine, patchableLoanFields, paymentMachine,
  TransitionRefusedError, type Machine,
} from '../../src/emulator/state-machines';

/**
 * The specification, written out by hand (digest §4): every allowed `from --TRANSITION--> to`.
 * `∅` is creation. Every pair not listed must be refused.
 */
const LOAN_SPEC = `
∅ --SUBMIT--> SUBMITTED
SUBMITTED --PEND--> PENDING_VALIDATION
SUBMITTED --ACCEPT--> TO_VALIDATE
PENDING_VALIDATION --ACCEPT--> TO_VALIDATE
SUBMITTED --AUTO_VALIDATE--> VALIDATED
PENDING_VALIDATION --AUTO_VALIDATE--> VALIDATED
SUBMITTED --DECLINE--> DECLINED
PENDING_VALIDATION --DECLINE--> DECLINED
TO_VALIDATE --VALIDATE--> VALIDATED
PENDING_VALIDATION --CANCEL--> CANCELED
TO_VALIDATE --CANCEL--> CANCELED
VALIDATED --CANCEL--> CANCELED
SCHEDULED --CANCEL--> CANCELED
VALIDATED --SCHEDULE--> SCHEDULED
SCHEDULED --INITIATE--> INITIATED
INITIATED --PAY--> TO_REPAY
TO_REPAY --REPAY_NOMINAL--> TO_REPAY_FEES
TO_REPAY --CLOSE--> CLOSED
TO_REPAY_FEES --CLOSE--> CLOSED
SCHEDULED --DETECT_ISSUE--> ISSUE_DETECTED
INITIATED --DETECT_ISSUE--> ISSUE_DETECTED
TO_REPAY --DETECT_ISSUE--> ISSUE_DETECTED
TO_REPAY_FEES --DETECT_ISSUE--> ISSUE_DETECTED
SUBMITTED --DELETE--> DELETED
PENDING_VALIDATION --DELETE--> DELETED
TO_VALIDATE --DELETE--> DELETED`;

const INVOICE_SPEC = `
∅ --CREATE_DRAFT--> TO_SUBMIT
∅ --SUBMIT--> SUBMITTED
TO_SUBMIT --SUBMIT--> SUBMITTED
TO_EDIT --SUBMIT--> SUBMITTED
SUBMITTED --VERIFY--> VERIFIED
SUBMITTED --REQUEST_EDIT--> TO_EDIT
SUBMITTED --DECLINE--> DECLINED
TO_SUBMIT --DELETE--> DELETED
TO_EDIT --DELETE--> DELETED
SUBMITTED --DELETE--> DELETED
VERIFIED --DELETE--> DELETED
DECLINED --DELETE--> DELETED
VERIFIED --MARK_PAID--> PAID`;

const BORROWER_SPEC = `
∅ --ENROLL--> TO_SIGN
∅ --ENROLL_SIGNED--> SIGNED
TO_SIGN --SIGN--> SIGNED
SIGNED --SETUP_SDD--> SDD_SETUP
SDD_SETUP --SETUP_ALL_PAYMENTS--> ALL_PAYMENT_SETUP
SIGNED --MAKE_READY--> READY
SDD_SETUP --MAKE_READY--> READY
ALL_PAYMENT_SETUP --MAKE_READY--> READY
TO_SIGN --BLOCK--> BLOCKED
SIGNED --BLOCK--> BLOCKED
SDD_SETUP --BLOCK--> BLOCKED
ALL_PAYMENT_SETUP --BLOCK--> BLOCKED
READY --BLOCK--> BLOCKED
TO_SIGN --PROHIBIT--> PROHIBITED
SIGNED --PROHIBIT--> PROHIBITED
SDD_SETUP --PROHIBIT--> PROHIBITED
ALL_PAYMENT_SETUP --PROHIBIT--> PROHIBITED
READY --PROHIBIT--> PROHIBITED
BLOCKED --PROHIBIT--> PROHIBITED
TO_SIGN --DEACTIVATE--> DEACTIVATED
SIGNED --DEACTIVATE--> DEACTIVATED
SDD_SETUP --DEACTIVATE--> DEACTIVATED
ALL_PAYMENT_SETUP --DEACTIVATE--> DEACTIVATED
READY --DEACTIVATE--> DEACTIVATED
BLOCKED --DEACTIVATE--> DEACTIVATED`;

const PAYMENT_SPEC = `
∅ --PROPOSE--> PROPOSED
∅ --SCHEDULE--> SCHEDULED
PROPOSED --SCHEDULE--> SCHEDULED
∅ --RECEIVE--> IN_TRANSIT
SCHEDULED --INSTRUCT--> INSTRUCTED
INSTRUCTED --SEND--> IN_TRANSIT
IN_TRANSIT --PAY--> PAID
SCHEDULED --FAIL--> FAILED
INSTRUCTED --FAIL--> FAILED
IN_TRANSIT --FAIL--> FAILED
PROPOSED --CANCEL--> CANCELED
SCHEDULED --CANCEL--> CANCELED`;

interface Edge { from: string | null; transition: string; to: string }

function parseSpec(spec: string): Edge[] {
  return spec.trim().split('\n').map((line) => {
    const match = /^(\S+) --(\w+)--> (\w+)$/.exec(line.trim());
    if (!match) throw new Error(`bad spec line ${line}`);
    return { from: match[1] === '∅' ? null : match[1]!, transition: match[2]!, to: match[3]! };
  });
}

function specifyMachine(name: string, machine: Machine<string, string>, statuses: readonly string[], spec: string): void {
  const edges = parseSpec(spec);
  const transitions = Object.keys(machine.transitions);
  describe(`${name} state machine`, () => {
    it('has exactly the specified transitions', () => {
      expect(new Set(transitions)).toEqual(new Set(edges.map((e) => e.transition)));
    });

    for (const edge of edges) {
      it(`allows ${edge.from ?? 'creation'} --${edge.transition}--> ${edge.to}`, () => {
        expect(machine.can(edge.from, edge.transition)).toBe(true);
        expect(machine.next(edge.from, edge.transition)).toBe(edge.to);
      });
    }

    const refused = [null, ...statuses].flatMap((from) => transitions
      .filter((t) => !edges.some((e) => e.from === from && e.transition === t))
      .map((t) => ({ from, transition: t })));
    it.each(refused)('refuses $transition from $from', ({ from, transition }) => {
      expect(machine.can(from, transition)).toBe(false);
      expect(() => machine.next(from, transition)).toThrow(TransitionRefusedError);
    });
  });
}

specifyMachine('loan', loanMachine as Machine<string, string>, LoanStatusSchema.options, LOAN_SPEC);
specifyMachine('invoice', invoiceMachine as Machine<string, string>, InvoiceStatusSchema.options, INVOICE_SPEC);
specifyMachine('borrower', borrowerMachine as Machine<string, string>, BorrowerStatusSchema.options, BORROWER_SPEC);
specifyMachine('payment', paymentMachine as Machine<string, string>, PaymentStatusSchema.options, PAYMENT_SPEC);

describe('transition refusals', () => {
  it('name the entity, the transition and the status they were refused from', () => {
    const error = (() => {
      try { loanMachine.next('CLOSED', 'VALIDATE'); } catch (e) { return e; }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TransitionRefusedError);
    expect(error).toMatchObject({ entity: 'loan', transition: 'VALIDATE', from: 'CLOSED' });
  });
});

describe('loan edit rules', () => {
  it('allow every field in SUBMITTED and TO_VALIDATE, references and to_repay_at once validated, only to_repay_at when TO_REPAY, nothing otherwise', () => {
    expect(patchableLoanFields('SUBMITTED')).toBe('any');
    expect(patchableLoanFields('TO_VALIDATE')).toBe('any');
    expect(patchableLoanFields('PENDING_VALIDATION')).toEqual([]);
    expect(patchableLoanFields('SCHEDULED')).toEqual(['loan_to_references', 'repayment_to_references', 'to_repay_at']);
    expect(patchableLoanFields('TO_REPAY')).toEqual(['to_repay_at']);
    expect(patchableLoanFields('CLOSED')).toEqual([]);
  });

  it('let invoices be edited only as drafts or when sent back for edit', () => {
    expect(InvoiceStatusSchema.options.filter(canPatchInvoice)).toEqual(['TO_SUBMIT', 'TO_EDIT']);
  });

  it('hold the credit line pending until validation, committed until repaid or failed', () => {
    expect(LoanStatusSchema.options.map((s) => `${s}:${creditHold(s)}`)).toEqual([
      'SUBMITTED:pending', 'PENDING_VALIDATION:pending', 'TO_VALIDATE:pending', 'DECLINED:none', 'VALIDATED:committed',
      'CANCELED:none', 'SCHEDULED:committed', 'INITIATED:committed', 'TO_REPAY:committed', 'TO_REPAY_FEES:committed',
      'CLOSED:none', 'ISSUE_DETECTED:none', 'DELETED:none',
    ]);
  });
});
