/** Onboarding methods of the Defacto client: start and follow a business's onboarding, search public business data. */
import type { Send } from './transport';
import {
  BusinessSearchResultListSchema, OnboardingSchema,
  type BusinessSearchResult, type Onboarding, type OnboardingCreation, type PublicDataQuery,
} from './wire';

/** Onboardings of businesses through Defacto's tunnel, and the public business registry. */
export interface OnboardingMethods {
  /**
   * `POST /onboardings`: starts an onboarding (or answers the live one of the business, with a `secure_resume_link`).
   * Send the borrower to `https://app.getdefacto.com/onboarding/continue/{id}`, or to `secure_resume_link` when set.
   */
  create(body: OnboardingCreation): Promise<Onboarding>;
  /** `GET /onboarding/{onboarding_id}`: status, and `borrower_id` once COMPLETED. */
  get(id: string): Promise<Onboarding>;
  /** `GET /business/public-data`: businesses of the public registries with this identifier (a bare array). */
  searchPublicData(query: PublicDataQuery): Promise<BusinessSearchResult[]>;
}

/** The onboarding methods over `send`. */
export function onboardingMethods(send: Send): OnboardingMethods {
  return {
    create: (body) =>
      send({
        method: 'POST', pathTemplate: '/onboardings', body,
        response: { kind: 'json', schema: OnboardingSchema, name: 'APIOnboarding' }, idempotent: false,
      }),
    get: (id) =>
      send({
        method: 'GET', pathTemplate: '/onboarding/{onboarding_id}', params: { onboarding_id: id },
        response: { kind: 'json', schema: OnboardingSchema, name: 'APIOnboarding' }, idempotent: true,
      }),
    searchPublicData: (query) =>
      send({
        method: 'GET', pathTemplate: '/business/public-data', query: { ...query },
        response: { kind: 'json', schema: BusinessSearchResultListSchema, name: 'ApiBusinessDataSearchOutput[]' }, idempotent: true,
      }),
  };
}
