/**
 * Borrower activities: generate a sandbox business, enrol it (looking it up by company number first),
 * sign the terms, read its status and whether its contract link exists.
 */
import {
  BorrowerIdentifierTypeSchema, CountrySchema, DefactoBadRequestError, DefactoConflictError, DefactoValidationError,
  type DefactoClient,
} from '../defacto';
import type { Logger } from '../logging';
import type { BorrowerSummary, BusinessProfile, ContractAvailability } from '../domain/summaries';
import type { CreateBorrowerInput } from './types';
import { borrowerSummary, contractAvailability } from './summaries';

const CREATE = { method: 'POST', pathTemplate: '/borrowers' };
const GET = { method: 'GET', pathTemplate: '/borrower/{borrower_id}' };
const SIGN = { method: 'POST', pathTemplate: '/borrower/{borrower_id}/sign' };

/** Borrower activities bound to a client. */
export function borrowerActivities(defacto: DefactoClient, log: Logger) {
  return {
    async generateBusiness({ country }: { readonly country: string }): Promise<BusinessProfile> {
      const parsed = CountrySchema.safeParse(country);
      const business = await defacto.sandbox.generateBusiness({ isBorrower: true, ...(parsed.success ? { country: parsed.data } : {}) });
      return {
        identifier: business.identifier,
        identifierType: business.identifier_type ?? null,
        name: business.name ?? null,
        country: parsed.success ? parsed.data : country,
      };
    },

    async createBorrower({ business, signedAt, workflowId }: CreateBorrowerInput): Promise<BorrowerSummary> {
      // POST /borrowers has no idempotency key: the company number is the natural key.
      const existing = await defacto.borrowers.findByIdentifier(business.identifier);
      if (existing) {
        log.info({ workflowId, borrowerId: existing.id }, 'borrower already registered');
        return borrowerSummary(existing, CREATE);
      }
      const identifierType = BorrowerIdentifierTypeSchema.safeParse(business.identifierType);
      const created = await defacto.borrowers.create({
        identifier: business.identifier,
        ...(identifierType.success ? { identifier_type: identifierType.data } : {}),
        ...(business.name ? { name: business.name } : {}),
        ...(signedAt ? { signed_at: signedAt } : {}),
        metadata: { workflow_id: workflowId },
      });
      log.info({ workflowId, borrowerId: created.id }, 'borrower registered');
      return borrowerSummary(created, CREATE);
    },

    async signBorrower({ borrowerId, signedAt }: { readonly borrowerId: string; readonly signedAt: string }): Promise<BorrowerSummary> {
      try {
        return borrowerSummary(await defacto.borrowers.sign(borrowerId, { signed_at: signedAt }), SIGN);
      } catch (error) {
        // A refusal after a lost reply: the first attempt signed it. Anything else stays a failure.
        if (!(error instanceof DefactoBadRequestError || error instanceof DefactoConflictError || error instanceof DefactoValidationError)) throw error;
        const borrower = await defacto.borrowers.get(borrowerId);
        if (borrower.signed_at || (borrower.status && borrower.status !== 'TO_SIGN')) return borrowerSummary(borrower, GET);
        throw error;
      }
    },

    async getBorrower({ borrowerId }: { readonly borrowerId: string }): Promise<BorrowerSummary> {
      return borrowerSummary(await defacto.borrowers.get(borrowerId), GET);
    },

    async getContractLink({ borrowerId }: { readonly borrowerId: string }): Promise<ContractAvailability> {
      const borrower = await defacto.borrowers.get(borrowerId);
      return contractAvailability(borrower.contract_s3_url);
    },
  };
}
