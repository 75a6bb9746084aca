/**
 * Why Defacto says no, in our own words: the pre-eligibility verdict of a business, and denial or status
 * reason codes with the text Defacto translates them to (`GET /translation/denial-code/{code}`). Pure:
 * workflows import this module.
 */

/** Languages Defacto translates reason codes into (OAS `TranslationResult`). */
export const REASON_LANGUAGES = ['en', 'fr', 'de', 'es'] as const;
/** One of {@link REASON_LANGUAGES}. */
export type ReasonLanguage = (typeof REASON_LANGUAGES)[number];

/** Where a reason code came from: the pre-eligibility check, the borrower's status, the loan's denial. */
export type ReasonSource = 'eligibility' | 'borrower' | 'loan';

/** A reason code with its text in the configured language (`text: null`: Defacto has no translation for it). */
export interface ReasonText {
  readonly code: string;
  readonly language: ReasonLanguage;
  readonly text: string | null;
}

/** A reason code met by the lifecycle, with its translation. */
export interface TranslatedReason extends ReasonText {
  readonly source: ReasonSource;
}

/** Answer of `POST /eligibility/borrower`, reduced to the codes. */
export interface EligibilityCheck {
  readonly isEligible: boolean;
  readonly reasonCodes: readonly string[];
}

/**
 * Reasons that mean "eligible once the borrower acts" (Defacto's description of `POST /eligibility/borrower`):
 * the borrower is enrolled and its status then says what it must do.
 */
export const PENDING_ACTION_REASONS: readonly string[] = ['OUTDATED_DATA', 'KYB_STATUS'];

/** What the workflow does with an eligibility answer. */
export type EligibilityVerdict =
  | { readonly enrol: true; readonly note: string }
  | { readonly enrol: false; readonly reasonCodes: readonly string[] };

/**
 * Defacto's reading of the pre-eligibility answer: eligible → enrol; not eligible without reasons → might
 * be eligible once financial data is shared → enrol; not eligible with reasons all in
 * {@link PENDING_ACTION_REASONS} → enrol (the borrower's status carries what is missing); any other
 * reason → not eligible, the borrower is not enrolled.
 */
export function eligibilityVerdict(check: EligibilityCheck): EligibilityVerdict {
  const codes = [...new Set(check.reasonCodes)];
  if (check.isEligible) return { enrol: true, note: 'eligible' };
  if (codes.length === 0) return { enrol: true, note: 'pre-eligibility undecided (no reason given): enrolled, Defacto decides on the loan' };
  if (codes.every((code) => PENDING_ACTION_REASONS.includes(code))) {
    return { enrol: true, note: `eligible once the borrower acts (${codes.join(', ')})` };
  }
  return { enrol: false, reasonCodes: codes };
}

/** `CODE: text; CODE2` (the code alone when it has no translation). */
export function describeReasons(reasons: readonly ReasonText[]): string {
  return reasons.map((r) => (r.text ? `${r.code}: ${r.text}` : r.code)).join('; ');
}
