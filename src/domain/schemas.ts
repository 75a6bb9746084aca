/**
 * The one input schema of a financing request, shared by the starter CLI and the HTTP edge. Defaults make
 * `{ borrower: { generate: true }, invoice: { generate: true } }` complete; every duration, deadline and
 * policy limit is input, so tests shrink them and operators see them in history.
 */
import { z } from 'zod';
import { CURRENCIES } from './money';
import { SCENARIOS } from './loan';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Company identifier types Defacto accepts for a borrower (`name` is refused by `POST /borrowers`). */
export const IDENTIFIER_TYPES = [
  'siren', 'siret', 'vat_number', 'nif', 'cif', 'kvk', 'bsn', 'hr_nummer', 'belgium_registration_number', 'steuernummer',
] as const;

/** Countries the sandbox generators accept (ISO 3166 alpha-3). */
export const GENERATOR_COUNTRIES = ['BEL', 'DEU', 'ESP', 'FRA', 'GUF', 'ISL', 'MAF', 'NLD', 'REU'] as const;

const isoDateTime = z.iso.datetime({ offset: true });
const cents = z.number().int().nonnegative();

/** Borrower given as company data by the platform. */
export const BorrowerBusinessSchema = z.strictObject({
  generate: z.literal(false).optional(),
  identifier: z.string().regex(/^\S+$/, 'must be a company number without spaces'),
  identifierType: z.enum(IDENTIFIER_TYPES),
  name: z.string().trim().min(1),
  country: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166 alpha-3 code'),
  /** When the borrower accepted Defacto's terms; absent → the workflow signs through `/sign`. */
  signedAt: isoDateTime.optional(),
});

/** Borrower produced by the sandbox business generator. */
export const GeneratedBorrowerSchema = z.strictObject({
  generate: z.literal(true),
  country: z.enum(GENERATOR_COUNTRIES).default('FRA'),
});

const CounterpartySchema = z.object({
  name: z.string().nullish(),
  identifier: z.string().min(1),
  identifier_type: z.string().nullish(),
  vat_number: z.string().nullish(),
  address: z.record(z.string(), z.unknown()).nullish(),
  contact: z.record(z.string(), z.unknown()).nullish(),
});

const AccountSchema = z.object({
  account_number: z.string().min(1),
  account_number_type: z.string().nullish(),
  bank_identifier: z.string().nullish(),
  bank_identifier_type: z.string().nullish(),
});

/**
 * An invoice as in the guide's `invoice_creation_payload` (snake_case, as Defacto names it). The PDF
 * (`document`, base64) is optional: it would travel in workflow history, so leave it out when the
 * invoice can be created without it (the activity then attaches a generated placeholder).
 */
export const InvoicePayloadSchema = z.object({
  generate: z.literal(false).optional(),
  invoice_number: z.string().trim().min(1),
  issued_at: isoDateTime,
  due_at: isoDateTime,
  buyer: CounterpartySchema,
  seller: CounterpartySchema,
  to_account: AccountSchema,
  net_amount: cents.optional(),
  tax_amount: cents.optional(),
  total_amount: cents.positive(),
  to_pay_amount: cents.optional(),
  currency: z.enum(CURRENCIES).default('EUR'),
  invoice_type: z.string().nullish(),
  is_draft: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  document: z.string().min(1).optional(),
});

/** Invoice produced by the sandbox invoice generator for a scenario. */
export const GeneratedInvoiceSchema = z.strictObject({
  generate: z.literal(true),
  scenario: z.enum(SCENARIOS).default('SUCCESS'),
});

/** Limits within which the workflow validates an offer without asking an operator. */
export const AcceptancePolicySchema = z.strictObject({
  /** Total estimated fees as a percentage of the amount. */
  maxFeeRatePercent: z.number().nonnegative().default(5),
  /** Days between disbursement and repayment. */
  maxDurationDays: z.number().int().positive().default(120),
  requireOperatorApproval: z.boolean().default(false),
});

/** How long the workflow waits for people and for money. */
export const DeadlinesSchema = z.strictObject({
  /** Operator window once conditions are outside policy or approval is required; then the loan is canceled. */
  conditionsReviewMs: z.number().int().positive().default(48 * HOUR_MS),
  /** After the repayment date: polling keeps its fast cadence this long, then the loan is flagged late. */
  repaymentFollowUpMs: z.number().int().positive().default(7 * DAY_MS),
});

/** Polling cadence: durable timers, capped exponential backoff, long idle waits when nothing is due. */
export const PollScheduleSchema = z
  .strictObject({
    initialMs: z.number().int().positive().default(5_000),
    maxMs: z.number().int().positive().default(HOUR_MS),
    multiplier: z.number().min(1).default(2),
    /** Longest wait while the loan says nothing is due before a date (webhooks wake it sooner). */
    idleCheckMs: z.number().int().positive().default(7 * DAY_MS),
  })
  .refine((s) => s.maxMs >= s.initialMs, { message: 'must be at least initialMs', path: ['maxMs'] });

/** Options of the loan itself. */
export const LoanOptionsSchema = z.strictObject({
  /** `auto_validate` on `POST /loans`: Defacto validates the offer without a consent step. */
  autoValidate: z.boolean().default(false),
  /** Repayment date = disbursement + this many days; default: the invoice due date. */
  durationDays: z.number().int().positive().max(365).optional(),
  acceptancePolicy: AcceptancePolicySchema.prefault({}),
  deadlines: DeadlinesSchema.prefault({}),
  pollSchedule: PollScheduleSchema.prefault({}),
  /** Continue-as-new past this many history events even before the server suggests it (tests, tuning). */
  continueAsNewAfterEvents: z.number().int().positive().optional(),
});

/** A financing request: who borrows, which invoice, how the loan is handled. */
export const LoanRequestSchema = z.strictObject({
  /** The platform's reference for this financing; required identity when the invoice is generated. */
  requestReference: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters among letters, digits, ".", "_" and "-"')
    .optional(),
  borrower: z.discriminatedUnion('generate', [GeneratedBorrowerSchema, BorrowerBusinessSchema]),
  invoice: z.discriminatedUnion('generate', [GeneratedInvoiceSchema, InvoicePayloadSchema]),
  loan: LoanOptionsSchema.prefault({}),
});

/** A validated request with every default applied: the workflow's input. */
export type LoanRequest = z.infer<typeof LoanRequestSchema>;
/** What callers may send (defaults not yet applied). */
export type LoanRequestInput = z.input<typeof LoanRequestSchema>;
export type BorrowerBusiness = z.infer<typeof BorrowerBusinessSchema>;
export type InvoicePayload = z.infer<typeof InvoicePayloadSchema>;
export type AcceptancePolicy = z.infer<typeof AcceptancePolicySchema>;
export type Deadlines = z.infer<typeof DeadlinesSchema>;
export type PollSchedule = z.infer<typeof PollScheduleSchema>;
export type LoanOptions = z.infer<typeof LoanOptionsSchema>;

/** One invalid field: its dotted path (e.g. `loan.acceptancePolicy.maxFeeRatePercent`) and why. */
export interface LoanRequestIssue {
  readonly path: string;
  readonly message: string;
}

/** The typed refusal of an invalid request; `message` is one line naming every invalid field. */
export class InvalidLoanRequestError extends Error {
  override readonly name = 'InvalidLoanRequestError';
  constructor(readonly issues: readonly LoanRequestIssue[]) {
    super(`invalid loan request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

/** Result of {@link parseLoanRequest}. */
export type ParseLoanRequestResult =
  | { readonly ok: true; readonly value: LoanRequest }
  | { readonly ok: false; readonly error: InvalidLoanRequestError };

/** Validates any input against {@link LoanRequestSchema}; never throws. */
export function parseLoanRequest(input: unknown): ParseLoanRequestResult {
  const parsed = LoanRequestSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(request)',
    message: issue.message,
  }));
  return { ok: false, error: new InvalidLoanRequestError(issues) };
}
