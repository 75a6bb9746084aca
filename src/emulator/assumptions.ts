/**
 * Every behaviour of the emulator that Defacto does not document, in one place. Each constant names the
 * digest section (`/work/shared/defacto-api.md`, "§") whose ASSUMPTION it encodes; docs/api-assumptions.md
 * maps them back. Change a choice here, not in the handlers.
 */
import type { LoanStatus, PaymentStatus, Scenario } from '../defacto/wire';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds in a day; durations in days are `ceil((to - from) / DAY_MS)`. */
export const DAY_MS = DAY;

/** Step delays of the "realistic" timing (§4.1 recommended timeline: decision after ~1 s). */
export const REALISTIC_TIMING = { decisionDelayMs: 1_000, stepDelayMs: 500 } as const;

/** Fee rule (§2.1): fees = amount × days × FEES_DAILY_RATE_PERCENT / 100, rounded, at least one day. */
export const FEES_DAILY_RATE_PERCENT = 0.05;
/** Late rate shown on credit lines (§2.1: usually twice the normal rate). */
export const LATE_DAILY_RATE_PERCENT = 0.1;
/** Minimum billed duration (§2.1: "minimum one day of interest even if repaid the same day"). */
export const MIN_FEE_DAYS = 1;

/**
 * `GET /payments?is_reconciled=` (§3.20): a payment is reconciled once it is matched to its loan, which in the
 * emulator happens when it is PAID.
 */
export const RECONCILED_PAYMENT_STATUSES: readonly PaymentStatus[] = ['PAID'];

/**
 * The partner's own credit line (§3.21: `GET /credit_lines` lists it with the borrowers' lines; `GET /credit_line`
 * returns it): this pool, reduced by every committed loan of the tenant.
 */
export const PARTNER_CREDIT_LINE_POOL_CENTS = 1_000_000_000;

/**
 * `PATCH /loan/{id}` in a status where no field is editable (PENDING_VALIDATION, in flight, terminal): 400
 * `invalid_transition` (§3.16 leaves it open). PENDING_VALIDATION follows the OAS ("SUBMITTED or TO_VALIDATE"),
 * not the migration page that suggests offering edits there.
 */
export const LOAN_PATCH_REFUSED_STATUS = 400;

/** `PUT /loan/repayment-terms` (§3.25): a direct debit is instructed this many days before its date; its account is then locked. */
export const DIRECT_DEBIT_LOCK_DAYS = 3;

/** A DIRECT_DEBIT repayment method (§3.10) is READY at once in the sandbox (no mandate signature to wait for). */
export const SANDBOX_MANDATE_READY_AT_ONCE = true;

/** Credit limit of every counterparty (§3.26), reduced by the committed loans of the invoices it must pay. */
export const COUNTERPARTY_CREDIT_LIMIT_CENTS = 10_000_000;

/** Credit-line pool of every borrower, in cents (§11 #25). */
export const CREDIT_LINE_POOL_CENTS = 5_000_000;

/** Loan caps (§2.1: `maximum_loan_amount_in_cents`, `maximum_duration_in_days`). */
export const MAX_LOAN_AMOUNT_CENTS = 20_000_000;
export const MAX_LOAN_DURATION_DAYS = 120;

/** Sandbox IBANs (§3.3): bank code and branch codes `0X559` per scenario; anything else means SUCCESS (§8). */
export const SANDBOX_BANK_CODE = '11111';
export const SCENARIO_BRANCH_CODES: Readonly<Record<Scenario, string>> = {
  SUCCESS: '01559',
  SUCCESS_ONE_DAY_LATER: '02559',
  REJECT: '03559', // ASSUMPTION §3.3 / §11 #18
  FAIL: '04559',
  CANCEL: '05559', // ASSUMPTION §3.3 / §11 #18
};

/** SUCCESS_ONE_DAY_LATER repays this long after `paid_at`, on the emulator clock (§4.1). */
export const ONE_DAY_LATER_REPAYMENT_DELAY_MS = DAY;

/**
 * Duplicate `identifier` on `POST /borrowers` for the same tenant (§3.6, §11 #21): return the existing
 * borrower (201, same id) instead of a 400. Callers that retry a create are therefore safe.
 */
export const DUPLICATE_BORROWER_POLICY: 'return_existing' | 'reject' = 'return_existing';

/** A borrower created with `signed_at` is SIGNED, then READY one step later with its credit line (§4.3). */
export const BORROWER_READY_AFTER_STEPS = 1;

/**
 * `salt_id` (§9): same key and same canonical body → the same loan (201); same key and a different body →
 * 409 `idempotency_conflict` (the choice; the digest leaves the conflict rule open).
 */
export const SALT_ID_CONFLICT_STATUS = 409;
/** Status code of a replayed `POST /loans` with a known `salt_id` and the same body. */
export const SALT_ID_REPLAY_STATUS = 201;

/**
 * Decline rules of the loan decision (§4.1), checked in this order; the first match is the `denial_reason`.
 * `BUSINESS_UNKNOWN`: no registered borrower is the loan's `borrower` nor the invoice's seller/buyer.
 */
export const DECLINE_RULE_ORDER = [
  'EXCESSIVE_AMOUNT_LOAN_REQUEST',
  'EXCESSIVE_DURATION_LOAN_REQUEST',
  'INVOICE_ALREADY_FINANCED',
  'BUSINESS_UNKNOWN',
  'BORROWER_TO_SIGN',
  'BORROWER_STATUS',
  'DOES_NOT_MATCH_ELIGIBILITY_CRITERIA',
  'AMOUNT_SUPERIOR_TO_AVAILABLE_BALANCE',
  'CREDIT_RISK_NOT_ELIGIBLE',
] as const;
/** Denial reason of the REJECT scenario (§11 #17). */
export const REJECT_SCENARIO_DENIAL_REASON = 'CREDIT_RISK_NOT_ELIGIBLE';
/** Failure reason of the FAIL scenario's disbursement (§4.1). */
export const FAIL_SCENARIO_FAILURE_REASON = 'SANDBOX_SCENARIO_FAIL';

/** The borrower of a loan without `borrower` is the registered business found first on the invoice (§3.13). */
export const BORROWER_LOOKUP_ORDER = ['seller', 'buyer'] as const;

/** One scenario IBAN belongs to one counterparty (§8); reusing it for another seller → 400. */
export const ENFORCE_ONE_IBAN_PER_COUNTERPARTY = true;

/**
 * Webhook delivery (§7.5): a 2xx within the timeout is a success; otherwise retry after
 * baseDelayMs × 2^(attempt-1), capped, at most `attempts` attempts in total (at least once, bounded).
 */
export const WEBHOOK_RETRY = { attempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 10_000 } as const;
/** Deliveries kept per tenant for inspection; the oldest finished ones are dropped beyond this. */
export const WEBHOOK_DELIVERY_HISTORY = 10_000;
/** A held-back event of the reorder fault is released after this long if no later event overtakes it. */
export const WEBHOOK_REORDER_HOLD_MS = 250;

/** Lists (§6): default and maximum `page_size`; default order newest first except loan events (oldest first). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

/** Borrower contract links are temporary (§3.8): pre-signed-looking URL valid this long. */
export const CONTRACT_URL_TTL_S = 3_600;

/** `GET /hello` text (§3.1). */
export const HELLO_TEXT = 'Hello from Defacto API! (emulator)';

/** Invoice generator (§3.4): net amounts per scenario, VAT rate, due date offset. */
export const GENERATED_INVOICE_NET_CENTS: Readonly<Record<Scenario, number>> = {
  SUCCESS: 10_000,
  SUCCESS_ONE_DAY_LATER: 20_000,
  FAIL: 40_000,
  REJECT: 15_000,
  CANCEL: 30_000,
};
export const GENERATED_INVOICE_VAT_RATE = 0.2;
export const GENERATED_INVOICE_DUE_DAYS = 30;

/** Rate-limit fault default `Retry-After` (§10: no documented limit; emulator-only). */
export const DEFAULT_RETRY_AFTER_S = 1;

/** Request body limit: inline invoices carry base64 PDFs (§1.4). */
export const BODY_LIMIT_BYTES = 15 * 1024 * 1024;

/**
 * Onboardings (§3.26, OAS `POST /onboardings`): an onboarding lives 168 h (`is_expired` after); a partner must
 * name the `business` (the OAS: "Required for partner onboarding"), else 422; without `referral` it reads back
 * this value (the OAS marks it required on output).
 */
export const ONBOARDING_LIFETIME_MS = 168 * HOUR;
export const ONBOARDING_DEFAULT_REFERRAL = 'api';
/**
 * A second `POST /onboardings` for a business with a live `CREATED` onboarding answers that onboarding with a fresh
 * `secure_resume_link`, valid this long (OAS: 2 h); a business that is already a borrower answers `DUPLICATE` with
 * its `borrower_id`. The tunnel itself is `GET /_emulator/onboarding/continue/{id}`: it enrols the business as a
 * READY borrower (details from the public registry) unless it is forced `NOT_ELIGIBLE`.
 */
export const SECURE_RESUME_LINK_TTL_MS = 2 * HOUR;

/**
 * `GET /business/public-data` (§3.26): the "public registry" is the businesses the tenant knows (borrowers,
 * counterparties), else a well-formed fake business derived from the identifier alone (same identifier, same
 * answer); the optional `name`/`street`/`postal_code`/`city`/`country` narrow it (case-insensitive substring) and an
 * entry that does not match is left out. `identifier_type` is checked (only `hr_nummer` is declared) but does not
 * restrict the search.
 */
export const PUBLIC_REGISTRY_KNOWS_EVERY_IDENTIFIER = true;

/**
 * Recollection (§3.26): a case is opened for a registered borrower's own loans that are disbursed and not repaid
 * (these statuses; else 400 `invalid_transition`). What a loan owes a plan is its principal plus the fees estimated
 * to `to_repay_at`, minus what was repaid (late interest is not emulated); each plan must letter exactly that per
 * loan (else 422 naming `installments`).
 */
export const RECOLLECTABLE_LOAN_STATUSES: readonly LoanStatus[] = ['TO_REPAY', 'TO_REPAY_FEES'];
/**
 * Installment-plan simulation (`…/installment-plans/compute`): without `period` monthly, without `repayment_method`
 * SCT; at most this many installments; the debt is split evenly (the remainder on the first installments), loans
 * lettered in `to_repay_at` order; a date on a weekend moves to the next Monday (bank holidays are not emulated).
 */
export const DEFAULT_INSTALLMENT_PERIOD = 'monthly' as const;
export const DEFAULT_INSTALLMENT_PAYMENT_METHOD = 'SCT' as const;
export const MAX_INSTALLMENTS = 36;
/**
 * Installment plans are created `DRAFT` (every installment) and reach `PROPOSED` one step later, when the plans they
 * replace (same loans) get their unpaid installments `CANCELED`. Installments are never collected by the emulator.
 */
export const INSTALLMENT_PLAN_ACTIVATION_STEPS = 1;
