/**
 * fast-check generators of invalid input, shared by the bad-input property tests. Each invalid case
 * is a VALID body with exactly one thing broken (a wrong value, an unknown key, a missing field, or a
 * body that is not an object), and it carries the name of the field it broke, so a test can check
 * that the refusal names that field and no other explanation would do.
 */
import fc from 'fast-check';
import {
  AccountNumberTypeSchema, CurrencySchema, EntityTypeSchema, LoanTypeSchema, WebhookEventTypeSchema,
} from '../../src/defacto/wire';
import { SCENARIOS } from '../../src/domain/loan';
import { GENERATOR_COUNTRIES, IDENTIFIER_TYPES } from '../../src/domain/schemas';

/** One broken body and what was broken. */
export interface InvalidCase {
  readonly body: unknown;
  /** Dotted path of the broken field (`''` for the body itself). */
  readonly field: string;
  /** `value`: wrong value · `missing`: required field removed · `unknown-key`: extra key at `field` · `root`: not an object. */
  readonly kind: 'value' | 'missing' | 'unknown-key' | 'root';
  /** The extra key, for `unknown-key`. */
  readonly key?: string;
}

type Path = readonly (string | number)[];

function setAt(target: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(target) as Record<string | number, unknown>;
  let node = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

function deleteAt(target: unknown, path: Path): unknown {
  const copy = structuredClone(target) as Record<string | number, unknown>;
  let node = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  delete node[path[path.length - 1]!];
  return copy;
}

const dotted = (path: Path) => path.map(String).join('.');

// ---------------------------------------------------------------------------------------------------
// Invalid values by expected type. JSON has no NaN, Infinity or -0: generators avoid values that JSON
// would turn into something valid.
const jsonScalar = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }));
const smallObject = fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }).filter((k) => k !== '__proto__'), fc.integer(), { maxKeys: 2 });
const smallArray = fc.array(fc.integer(), { maxLength: 2 });
export const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), smallArray, smallObject);
export const notBoolean = fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null), smallArray, smallObject);
export const notObject = fc.oneof(jsonScalar, smallArray);
export const notNumber = fc.oneof(fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), smallArray, smallObject);
const fraction = fc.double({ min: 0.001, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x));
export const notPositiveInt = fc.oneof(fc.integer({ max: 0 }), fraction, notNumber);
export const notNonNegativeInt = fc.oneof(fc.integer({ max: -1 }), fraction, notNumber);
export const negativeNumber = fc.oneof(fc.integer({ max: -1 }), fc.double({ max: -0.001, min: -1e6, noNaN: true }), notNumber);
export const badDateTime = fc.oneof(
  fc.constantFrom('2024-13-01T00:00:00Z', '2024-02-30T10:00:00Z', '2024-01-01', 'yesterday', '', '01/02/2024 10:00', 'T10:00:00Z'),
  notString,
);
const notIn = (allowed: readonly string[]) => fc.oneof(fc.string({ maxLength: 12 }).filter((s) => !allowed.includes(s)), notString);
const unknownKey = (known: readonly string[]) =>
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.includes(k) && k !== '__proto__');

// ---------------------------------------------------------------------------------------------------
// Valid loan requests (src/domain/schemas.ts), two shapes.
const reference = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const iso = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const validLoanOptions = fc.record({
  autoValidate: fc.boolean(),
  durationDays: fc.integer({ min: 1, max: 365 }),
  acceptancePolicy: fc.record({
    maxFeeRatePercent: fc.integer({ min: 0, max: 50 }),
    maxDurationDays: fc.integer({ min: 1, max: 365 }),
    requireOperatorApproval: fc.boolean(),
  }),
  deadlines: fc.record({ conditionsReviewMs: fc.integer({ min: 1, max: 1e9 }), repaymentFollowUpMs: fc.integer({ min: 1, max: 1e9 }) }),
  pollSchedule: fc.record({ initialMs: fc.integer({ min: 1, max: 1_000 }), maxMs: fc.integer({ min: 1_000, max: 60_000 }), multiplier: fc.integer({ min: 1, max: 4 }) }),
}, { requiredKeys: ['acceptancePolicy', 'deadlines', 'pollSchedule'] });

const generatedRequest = fc.record({
  requestReference: reference,
  borrower: fc.record({ generate: fc.constant(true), country: fc.constantFrom(...GENERATOR_COUNTRIES) }),
  invoice: fc.record({ generate: fc.constant(true), scenario: fc.constantFrom(...SCENARIOS) }),
  loan: validLoanOptions,
});

const counterparty = fc.record({ identifier: fc.string({ minLength: 1, maxLength: 14 }), name: fc.string({ maxLength: 20 }) });
const businessRequest = fc.record({
  borrower: fc.record({
    identifier: fc.stringMatching(/^\S{1,14}$/),
    identifierType: fc.constantFrom(...IDENTIFIER_TYPES),
    name: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0),
    country: fc.constantFrom('FRA', 'DEU', 'ESP', 'NLD', 'BEL'),
    signedAt: iso,
  }, { requiredKeys: ['identifier', 'identifierType', 'name', 'country'] }),
  invoice: fc.record({
    invoice_number: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0),
    issued_at: iso,
    due_at: iso,
    buyer: counterparty,
    seller: counterparty,
    to_account: fc.record({ account_number: fc.string({ minLength: 1, maxLength: 34 }) }),
    total_amount: fc.integer({ min: 1, max: 10_000_000 }),
    currency: fc.constantFrom('EUR', 'GBP'),
  }),
  loan: validLoanOptions,
});

/** Valid loan requests (both borrower/invoice shapes). */
export const validLoanRequest = fc.oneof(generatedRequest, businessRequest);

type Mutation = (body: Record<string, unknown>) => fc.Arbitrary<InvalidCase>;

const value = (path: Path, bad: fc.Arbitrary<unknown>): Mutation => (body) =>
  bad.map((v) => ({ body: setAt(body, path, v), field: dotted(path), kind: 'value' as const }));
const missing = (path: Path): Mutation => (body) =>
  fc.constant({ body: deleteAt(body, path), field: dotted(path), kind: 'missing' as const });
const extraKey = (path: Path, known: readonly string[]): Mutation => (body) =>
  fc.tuple(unknownKey(known), jsonScalar).map(([key, v]) => ({
    body: setAt(body, [...path, key], v), field: dotted(path), kind: 'unknown-key' as const, key,
  }));
const notAnObject: fc.Arbitrary<InvalidCase> = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 10 }), smallArray)
  .map((v) => ({ body: v, field: '', kind: 'root' as const }));

const LOAN_KEYS = ['autoValidate', 'durationDays', 'acceptancePolicy', 'deadlines', 'pollSchedule', 'continueAsNewAfterEvents'];
const loanMutations: Mutation[] = [
  value(['loan'], notObject),
  value(['loan', 'autoValidate'], notBoolean),
  value(['loan', 'durationDays'], fc.oneof(notPositiveInt, fc.integer({ min: 366, max: 100_000 }))),
  value(['loan', 'continueAsNewAfterEvents'], notPositiveInt),
  value(['loan', 'acceptancePolicy', 'maxFeeRatePercent'], negativeNumber),
  value(['loan', 'acceptancePolicy', 'maxDurationDays'], notPositiveInt),
  value(['loan', 'acceptancePolicy', 'requireOperatorApproval'], notBoolean),
  value(['loan', 'deadlines', 'conditionsReviewMs'], notPositiveInt),
  value(['loan', 'deadlines', 'repaymentFollowUpMs'], notPositiveInt),
  value(['loan', 'pollSchedule', 'initialMs'], notPositiveInt),
  value(['loan', 'pollSchedule', 'multiplier'], fc.oneof(fc.double({ min: -10, max: 0.999, noNaN: true }), notNumber)),
  // A cross-field rule: maxMs below initialMs names maxMs.
  (body) => fc.integer({ min: 1, max: 999 }).map((maxMs) => ({
    body: setAt(setAt(body, ['loan', 'pollSchedule', 'initialMs'], 1_000), ['loan', 'pollSchedule', 'maxMs'], maxMs),
    field: 'loan.pollSchedule.maxMs', kind: 'value' as const,
  })),
  extraKey(['loan'], LOAN_KEYS),
  extraKey(['loan', 'acceptancePolicy'], ['maxFeeRatePercent', 'maxDurationDays', 'requireOperatorApproval']),
  extraKey(['loan', 'deadlines'], ['conditionsReviewMs', 'repaymentFollowUpMs']),
  extraKey(['loan', 'pollSchedule'], ['initialMs', 'maxMs', 'multiplier', 'idleCheckMs']),
];

const generatedMutations: Mutation[] = [
  value(['requestReference'], fc.oneof(fc.constantFrom('', 'has space', 'a/b', 'x'.repeat(65), 'é', 'a,b'), notString)),
  value(['borrower'], notObject),
  value(['borrower', 'generate'], fc.oneof(fc.constantFrom('true', 'yes', 1, 0, null), smallArray)),
  value(['borrower', 'country'], notIn(GENERATOR_COUNTRIES)),
  extraKey(['borrower'], ['generate', 'country']),
  value(['invoice'], notObject),
  value(['invoice', 'generate'], fc.constantFrom('true', 1, 'no', null)),
  value(['invoice', 'scenario'], notIn(SCENARIOS)),
  extraKey(['invoice'], ['generate', 'scenario']),
  missing(['borrower']),
  missing(['invoice']),
  extraKey([], ['requestReference', 'borrower', 'invoice', 'loan']),
];

const businessMutations: Mutation[] = [
  value(['borrower', 'identifier'], fc.oneof(fc.constantFrom('', 'has space', ' lead', 'tab\there'), notString)),
  value(['borrower', 'identifierType'], notIn(IDENTIFIER_TYPES)),
  value(['borrower', 'name'], fc.oneof(fc.constantFrom('', '   '), notString)),
  value(['borrower', 'country'], fc.oneof(fc.constantFrom('fr', 'FR', 'FRAN', 'Fr1', ''), notString)),
  value(['borrower', 'signedAt'], badDateTime),
  extraKey(['borrower'], ['generate', 'identifier', 'identifierType', 'name', 'country', 'signedAt']),
  missing(['borrower', 'identifier']),
  missing(['borrower', 'name']),
  value(['invoice', 'invoice_number'], fc.oneof(fc.constantFrom('', '  '), notString)),
  value(['invoice', 'issued_at'], badDateTime),
  value(['invoice', 'due_at'], badDateTime),
  value(['invoice', 'total_amount'], notPositiveInt),
  value(['invoice', 'net_amount'], notNonNegativeInt),
  value(['invoice', 'currency'], notIn(['EUR', 'GBP'])),
  value(['invoice', 'buyer'], notObject),
  value(['invoice', 'buyer', 'identifier'], fc.oneof(fc.constant(''), notString)),
  value(['invoice', 'seller', 'identifier'], fc.oneof(fc.constant(''), notString)),
  value(['invoice', 'to_account', 'account_number'], fc.oneof(fc.constant(''), notString)),
  value(['invoice', 'document'], fc.oneof(fc.constant(''), notString)),
  missing(['invoice', 'invoice_number']),
  missing(['invoice', 'total_amount']),
  missing(['invoice', 'to_account']),
  missing(['invoice', 'seller']),
];

function fromBase(base: fc.Arbitrary<Record<string, unknown>>, mutations: readonly Mutation[]): fc.Arbitrary<InvalidCase> {
  return fc.tuple(base, fc.integer({ min: 0, max: mutations.length - 1 })).chain(([body, i]) => mutations[i]!(body));
}

/** Invalid loan requests (starter and HTTP edge): one broken field each, or a body that is not an object. */
export const invalidLoanRequest: fc.Arbitrary<InvalidCase> = fc.oneof(
  { arbitrary: fromBase(generatedRequest as fc.Arbitrary<Record<string, unknown>>, [...generatedMutations, ...loanMutations]), weight: 4 },
  { arbitrary: fromBase(businessRequest as fc.Arbitrary<Record<string, unknown>>, [...businessMutations, ...loanMutations]), weight: 4 },
  { arbitrary: notAnObject, weight: 1 },
);

// ---------------------------------------------------------------------------------------------------
// The emulator's `POST /loans` (the lenient OpenAPI shape), financing an invoice that exists.
const notArray = fc.oneof(jsonScalar, smallObject);
const notStringOrNull = fc.oneof(fc.integer(), fc.boolean(), smallArray, smallObject);
const notObjectOrNull = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), smallArray);

/** A valid emulator loan request for `invoiceId` (amount, dates, account, optional flags). */
export function validEmulatorLoan(invoiceId: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    amount: fc.integer({ min: 1, max: 1_000_000 }),
    currency: fc.constantFrom(...CurrencySchema.options),
    to_pay_at: fc.constant('2030-01-10T00:00:00Z'),
    to_repay_at: fc.constantFrom('2030-02-10T00:00:00Z', '2030-03-01T12:00:00+01:00'),
    loan_to: fc.record({ account_number: fc.stringMatching(/^FR76[0-9]{10,23}$/), account_number_type: fc.constant('iban') }, { requiredKeys: ['account_number'] }),
    invoice_ids: fc.constant([invoiceId]),
    auto_validate: fc.boolean(),
    metadata: fc.constant({ source: 'property-test' }),
  }, { requiredKeys: ['amount', 'to_pay_at', 'to_repay_at', 'loan_to', 'invoice_ids'] });
}

const emulatorLoanMutations: Mutation[] = [
  value(['amount'], notPositiveInt),
  value(['currency'], notIn(CurrencySchema.options)),
  value(['to_pay_at'], badDateTime),
  value(['to_repay_at'], fc.oneof(badDateTime, fc.constantFrom('2030-01-09T00:00:00Z', '2030-01-10T00:00:00Z', '2020-05-05T00:00:00Z'))),
  value(['loan_to'], notObjectOrNull),
  value(['loan_to', 'account_number'], fc.oneof(fc.constant(''), notString)),
  value(['loan_to', 'account_number_type'], notIn(AccountNumberTypeSchema.options)),
  value(['invoice_ids'], notArray),
  value(['invoice_ids', 0], fc.oneof(notString, fc.uuid())),
  value(['invoices'], notArray),
  value(['auto_validate'], notBoolean),
  value(['wait_for_validation'], notBoolean),
  value(['salt_id'], notStringOrNull),
  value(['loan_type'], notIn(LoanTypeSchema.options)),
  value(['metadata'], notObjectOrNull),
  value(['borrower'], notObjectOrNull),
  value(['borrower', 'identifier'], fc.oneof(fc.constant(''), notString)),
  value(['loan_to_references'], notArray),
  value(['notification_emails'], notArray),
];

/** Invalid emulator loan requests for a tenant whose only invoice is `invoiceId`. */
export function invalidEmulatorLoan(invoiceId: string): fc.Arbitrary<InvalidCase> {
  const base = validEmulatorLoan(invoiceId).map((body) => ({ ...body, borrower: { identifier: 'B-1', identifier_type: 'siren' } }));
  return fc.oneof(
    { arbitrary: fromBase(base, emulatorLoanMutations), weight: 9 },
    { arbitrary: fc.oneof(notAnObject, fc.constant<InvalidCase>({ body: null, field: '', kind: 'root' })), weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------------
// Webhook deliveries: a loan event naming its owning workflow, with one thing broken.
/** A valid loan event for the loan `loanId` owned by `workflowId`. */
export function validWebhookEvent(workflowId: string, loanId: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    entity_type: fc.constant('loan'),
    transition_name: fc.constantFrom('VALIDATE', 'PAY', 'CLOSE'),
    status: fc.constantFrom('VALIDATED', 'TO_REPAY', 'CLOSED'),
    timestamp: iso,
    id: fc.constant(loanId),
    event_type: fc.constantFrom('Loan.TO_VALIDATE', 'Loan.TO_REPAY', 'Loan.CLOSED'),
    entity_state: fc.constant({ id: loanId, status: 'VALIDATED', metadata: { workflow_id: workflowId } }),
  });
}

const webhookMutations: Mutation[] = [
  value(['entity_type'], notIn(EntityTypeSchema.options)),
  value(['transition_name'], notStringOrNull),
  value(['status'], notString),
  value(['timestamp'], badDateTime),
  value(['id'], notString),
  value(['event_type'], notIn(WebhookEventTypeSchema.options)),
  value(['entity_state'], fc.oneof(notObjectOrNull, fc.constant(null))),
  ...['entity_type', 'status', 'timestamp', 'id', 'event_type', 'entity_state'].map((field) => missing([field])),
];

/** Malformed webhook bodies for the loan `loanId` owned by `workflowId`. */
export function invalidWebhookEvent(workflowId: string, loanId: string): fc.Arbitrary<InvalidCase> {
  return fc.oneof(
    { arbitrary: fromBase(validWebhookEvent(workflowId, loanId), webhookMutations), weight: 9 },
    { arbitrary: fc.oneof(notAnObject, fc.constant<InvalidCase>({ body: null, field: '', kind: 'root' })), weight: 1 },
  );
}

/** Text that is not JSON at all (a truncated or garbled delivery). */
export const notJsonText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('{', '{"entity_type": "loan",', "{'a': 1}", '[1, 2', 'undefined', 'NaN', '{"a":1}}'),
).filter((text) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return text.trim().length > 0;
  }
});

/** Whether `params` (name + reason pairs from a refusal) name what `c` broke; `root` is how the body itself is named. */
export function namesField(params: readonly { readonly name: string; readonly reason: string }[], c: InvalidCase, root: string): boolean {
  if (c.kind === 'root') return params.some((p) => p.name === root);
  if (c.kind === 'unknown-key') return params.some((p) => p.name === (c.field === '' ? root : c.field) && p.reason.includes(`"${c.key}"`));
  return params.some((p) => p.name === c.field);
}
