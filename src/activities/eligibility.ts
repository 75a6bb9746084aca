/**
 * Eligibility, reason translations and the early-repayment link: what a careful integration asks Defacto
 * besides the lifecycle's own resources.
 */
import { ApplicationFailure } from '@temporalio/common';
import { BorrowerIdentifierTypeSchema, DefactoNotFoundError, type DefactoClient } from '../defacto';
import type { Logger } from '../logging';
import type { EligibilityCheck, ReasonLanguage, ReasonText } from '../domain/reasons';
import type { CheckEligibilityInput, RepayNowInput, RepayNowLink } from './types';

/** What these activities take from the worker's configuration. */
export interface LendingSettings {
  /** Language of translated reasons (`DEFACTO_LANGUAGE`). */
  readonly language: ReasonLanguage;
  /** `base_callback_url` of `POST /repay/now`: where Defacto sends the borrower back after paying. */
  readonly repayNowCallbackUrl: string;
}

/** Defaults of {@link LendingSettings} (the configuration's defaults, for workers built without one). */
export const DEFAULT_LENDING_SETTINGS: LendingSettings = { language: 'en', repayNowCallbackUrl: 'http://localhost:8080' };

/** Failure type of an eligibility check asked for a business whose identifier type Defacto does not take. */
export const UNSUPPORTED_IDENTIFIER_TYPE = 'UnsupportedIdentifierType';

/** Eligibility, translation and repay-now activities bound to a client. */
export function eligibilityActivities(defacto: DefactoClient, log: Logger, settings: LendingSettings) {
  return {
    async checkEligibility({ identifier, identifierType }: CheckEligibilityInput): Promise<EligibilityCheck> {
      const type = BorrowerIdentifierTypeSchema.safeParse(identifierType);
      if (!type.success) {
        throw ApplicationFailure.create({
          type: UNSUPPORTED_IDENTIFIER_TYPE, nonRetryable: true,
          message: `POST /eligibility/borrower takes no identifier_type "${identifierType}"`,
        });
      }
      const answer = await defacto.eligibility.borrower({ identifier, identifier_type: type.data });
      return { isEligible: answer.is_eligible, reasonCodes: (answer.reasons ?? []).map((r) => r.code) };
    },

    async translateDenialCode({ code }: { readonly code: string }): Promise<ReasonText> {
      try {
        const translation = await defacto.eligibility.translateDenialCode(code);
        return { code, language: settings.language, text: translation[settings.language] };
      } catch (error) {
        // A code Defacto cannot translate is shown as the code itself, not a failed loan.
        if (error instanceof DefactoNotFoundError) return { code, language: settings.language, text: null };
        throw error;
      }
    },

    async repayNow({ loanId, amountCents, workflowId, requestId }: RepayNowInput): Promise<RepayNowLink> {
      const { url } = await defacto.repayments.repayNow({ amount: amountCents, base_callback_url: settings.repayNowCallbackUrl });
      // The link is temporary and lets anyone pay: never logged.
      log.info({ workflowId, loanId, requestId, amountCents }, 'early-repayment link created');
      return { url };
    },
  };
}
