/**
 * The mix of loans a chaos run starts, and what each must end with. Every kind is a sandbox scenario,
 * optionally with an operator in the loop; its expectation is exact (outcome status, who canceled, how
 * many validations and cancellations Defacto must have applied), so a duplicate or a lost step shows.
 */
import type { CanceledBy, LoanOutcome, OutcomeStatus, Scenario } from '../../src/domain/loan';
import type { LoanRequestInput } from '../../src/domain/schemas';

/** The kinds of loan in the mix. */
export const LOAN_KINDS = [
  'SUCCESS', 'SUCCESS_AUTO_VALIDATE', 'SUCCESS_ONE_DAY_LATER', 'FAIL', 'REJECT', 'CANCEL',
  'OPERATOR_APPROVE', 'OPERATOR_REJECT', 'OPERATOR_CANCEL',
] as const;
/** One of {@link LOAN_KINDS}. */
export type LoanKind = (typeof LOAN_KINDS)[number];

/** What an operator does once the offer awaits a decision. */
export type OperatorAction = 'approve' | 'reject' | 'cancel';

/** The exact end state a loan of a kind must reach. */
export interface Expectation {
  readonly status: OutcomeStatus;
  readonly canceledBy?: CanceledBy;
  /** `POST /loan/{id}/validate` calls Defacto must have applied for this loan. */
  readonly validations: 0 | 1;
  /** `POST /loan/{id}/cancel` calls Defacto must have applied for this loan. */
  readonly cancels: 0 | 1;
}

/** A kind of loan: its sandbox scenario, its share of the mix, its operator step and its expectation. */
export interface LoanKindSpec {
  readonly scenario: Scenario;
  readonly weight: number;
  readonly autoValidate: boolean;
  readonly operator: OperatorAction | null;
  /** Needs the emulator clock moved a day forward before it repays. */
  readonly needsClock: boolean;
  readonly expect: Expectation;
}

/** The mix (weights sum to 100). */
export const LOAN_KIND_SPECS: Readonly<Record<LoanKind, LoanKindSpec>> = {
  SUCCESS: { scenario: 'SUCCESS', weight: 27, autoValidate: false, operator: null, needsClock: false, expect: { status: 'CLOSED', validations: 1, cancels: 0 } },
  SUCCESS_AUTO_VALIDATE: { scenario: 'SUCCESS', weight: 6, autoValidate: true, operator: null, needsClock: false, expect: { status: 'CLOSED', validations: 0, cancels: 0 } },
  SUCCESS_ONE_DAY_LATER: { scenario: 'SUCCESS_ONE_DAY_LATER', weight: 14, autoValidate: false, operator: null, needsClock: true, expect: { status: 'CLOSED', validations: 1, cancels: 0 } },
  FAIL: { scenario: 'FAIL', weight: 12, autoValidate: false, operator: null, needsClock: false, expect: { status: 'PAYMENT_FAILED', validations: 1, cancels: 0 } },
  REJECT: { scenario: 'REJECT', weight: 12, autoValidate: false, operator: null, needsClock: false, expect: { status: 'DECLINED', validations: 0, cancels: 0 } },
  CANCEL: { scenario: 'CANCEL', weight: 6, autoValidate: false, operator: null, needsClock: false, expect: { status: 'CANCELED', canceledBy: 'defacto', validations: 1, cancels: 0 } },
  OPERATOR_APPROVE: { scenario: 'SUCCESS', weight: 9, autoValidate: false, operator: 'approve', needsClock: false, expect: { status: 'CLOSED', validations: 1, cancels: 0 } },
  OPERATOR_REJECT: { scenario: 'SUCCESS', weight: 7, autoValidate: false, operator: 'reject', needsClock: false, expect: { status: 'CANCELED', canceledBy: 'operator', validations: 0, cancels: 1 } },
  OPERATOR_CANCEL: { scenario: 'SUCCESS', weight: 7, autoValidate: false, operator: 'cancel', needsClock: false, expect: { status: 'CANCELED', canceledBy: 'operator', validations: 0, cancels: 1 } },
};

/**
 * `count` kinds drawn from the mix with `random`: each kind at least once when `count` allows, the rest
 * by weight, then shuffled, so the same seed gives the same run.
 */
export function drawLoanKinds(count: number, random: () => number): LoanKind[] {
  const kinds: LoanKind[] = count >= LOAN_KINDS.length ? [...LOAN_KINDS] : [];
  const total = LOAN_KINDS.reduce((sum, kind) => sum + LOAN_KIND_SPECS[kind].weight, 0);
  while (kinds.length < count) {
    let ticket = random() * total;
    const kind = LOAN_KINDS.find((k) => (ticket -= LOAN_KIND_SPECS[k].weight) < 0) ?? 'SUCCESS';
    kinds.push(kind);
  }
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  return kinds;
}

/** Polling tuned for a busy run: fast enough to finish in seconds, slow enough not to flood Defacto. */
export const CHAOS_POLLING = { initialMs: 500, maxMs: 4_000, multiplier: 2, idleCheckMs: 5_000 } as const;

/**
 * The request of one loan. The policy is wide on purpose: clock advances lengthen the loans of later
 * invoices (due dates follow the emulator clock), and that must not push them to an operator.
 */
export function loanRequestFor(kind: LoanKind, reference: string, reviewWindowMs: number): LoanRequestInput {
  const spec = LOAN_KIND_SPECS[kind];
  return {
    requestReference: reference,
    borrower: { generate: true },
    invoice: { generate: true, scenario: spec.scenario },
    loan: {
      autoValidate: spec.autoValidate,
      acceptancePolicy: { requireOperatorApproval: spec.operator !== null, maxFeeRatePercent: 25, maxDurationDays: 365 },
      deadlines: { conditionsReviewMs: reviewWindowMs },
      pollSchedule: { ...CHAOS_POLLING },
    },
  };
}

/** Why `outcome` does not meet `expectation`, or `null` when it does. */
export function outcomeMismatch(expectation: Expectation, outcome: LoanOutcome): string | null {
  if (outcome.status !== expectation.status) return `ended ${outcome.status}, expected ${expectation.status}`;
  if (expectation.canceledBy && outcome.status === 'CANCELED' && outcome.canceledBy !== expectation.canceledBy) {
    return `canceled by ${outcome.canceledBy}, expected by ${expectation.canceledBy}`;
  }
  return null;
}
