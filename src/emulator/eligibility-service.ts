/**
 * Eligibility checks and denial-code translations (digest §3.23). The sandbox decides eligibility from
 * what the emulator knows: a business forced `NOT_ELIGIBLE` (`POST /sandbox/business-eligible`) is not
 * eligible, nor is a registered borrower that is blocked or deactivated; everyone else is.
 */
import type { DenialCode, EligibilityRequest, EligibilityResponse, Translation } from '../defacto/wire';
import { DENIAL_CODES, translationOf } from './denial-codes';
import { notFound } from './problems';
import type { TenantState } from './store';

const reason = (code: string) => ({ code, description: translationOf(code)?.en ?? 'Not yet available.' });

/** `POST /eligibility/borrower`. */
export function borrowerEligibility(tenant: TenantState, request: EligibilityRequest): EligibilityResponse {
  if (tenant.eligibility.get(request.identifier) === 'NOT_ELIGIBLE') {
    return { is_eligible: false, reasons: [reason('DOES_NOT_MATCH_ELIGIBILITY_CRITERIA')] };
  }
  const id = tenant.borrowerByIdentifier.get(request.identifier);
  const status = id ? tenant.borrowers.get(id)?.status : undefined;
  if (status === 'BLOCKED' || status === 'DEACTIVATED' || status === 'PROHIBITED') {
    return { is_eligible: false, reasons: [reason('BORROWER_STATUS')] };
  }
  return { is_eligible: true, reasons: null };
}

/** `POST /eligibility/beneficiary`: may this business receive loan money on its account? */
export function beneficiaryEligibility(tenant: TenantState, request: EligibilityRequest): EligibilityResponse {
  return tenant.eligibility.get(request.identifier) === 'NOT_ELIGIBLE'
    ? { is_eligible: false, reasons: [reason('DOES_NOT_MATCH_ELIGIBILITY_CRITERIA')] }
    : { is_eligible: true, reasons: null };
}

/** `GET /eligibility/reasons`: every known code with its translations. */
export function denialCodes(): DenialCode[] {
  return DENIAL_CODES.map((code) => ({ denial_code_name: code, translations: translationOf(code)! }));
}

/** `GET /translation/denial-code/{code}`; an unknown code is a 404 problem. */
export function translateDenialCode(code: string): Translation {
  const translation = translationOf(code);
  if (!translation) throw notFound('denial code', code);
  return translation;
}
