/**
 * Onboardings and the public business registry (digest §3.26, OAS "Onboarding"). An onboarding is `CREATED`
 * for a business; the borrower then goes through Defacto's tunnel (here `GET /_emulator/onboarding/continue/{id}`),
 * which enrols the business as a READY borrower and `COMPLETED`s the onboarding. A business that already is a
 * borrower is a `DUPLICATE`. See `ONBOARDING_*`, `SECURE_RESUME_LINK_TTL_MS` and `PUBLIC_REGISTRY_*` in
 * `assumptions.ts`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  Address, BusinessAddress, BusinessSearchResult, IdentifierType, Onboarding, OnboardingCreation, PublicDataQuery,
} from '../defacto/wire';
import {
  CREDIT_LINE_POOL_CENTS, FEES_DAILY_RATE_PERCENT, LATE_DAILY_RATE_PERCENT, ONBOARDING_DEFAULT_REFERRAL, ONBOARDING_LIFETIME_MS,
  PUBLIC_REGISTRY_KNOWS_EVERY_IDENTIFIER, SECURE_RESUME_LINK_TTL_MS,
} from './assumptions';
import { createBorrower } from './borrower-service';
import { isoTimestamp } from './clock';
import type { EmulatorContext } from './context';
import { translationOf } from './denial-codes';
import { seededRandom } from './faults';
import { invalidTransition, notFound, validationFailed } from './problems';
import { generateBusiness } from './sandbox-data';
import type { OnboardingRecord } from './records';
import type { TenantState } from './store';

/** A business as the emulator's public registry knows it. */
interface RegistryEntry {
  readonly identifier: string;
  readonly identifierType: IdentifierType;
  readonly name: string;
  readonly address: Address | null;
}

/** Whether the business has a borrower of the tenant, and its id. */
function borrowerIdOf(tenant: TenantState, identifier: string): string | null {
  return tenant.borrowerByIdentifier.get(identifier) ?? null;
}

/** A well-formed fake business for `identifier`, the same on every call. */
function derivedBusiness(identifier: string, identifierType: IdentifierType): RegistryEntry {
  const seed = createHash('sha256').update(`registry:${identifier}`).digest().readUInt32BE(0);
  const generated = generateBusiness({ country: 'FRA', isBorrower: false, nowMs: 0 }, seededRandom(seed));
  return { identifier, identifierType, name: generated.name!, address: generated.address ?? null };
}

/** The registry entry of `identifier`: the tenant's borrower or counterparty of that identifier, else a derived one. */
function registryEntry(tenant: TenantState, identifier: string, identifierType: IdentifierType): RegistryEntry | null {
  const borrowerId = borrowerIdOf(tenant, identifier);
  const borrower = borrowerId ? tenant.borrowers.get(borrowerId) : undefined;
  if (borrower) {
    return {
      identifier, identifierType: borrower.input.identifier_type ?? identifierType, name: borrower.input.name ?? identifier,
      address: borrower.input.address ?? null,
    };
  }
  const counterparty = tenant.counterparties.get(identifier);
  if (counterparty) {
    return {
      identifier, identifierType: counterparty.identifierType ?? identifierType, name: counterparty.name ?? identifier,
      address: counterparty.input.address ?? null,
    };
  }
  return PUBLIC_REGISTRY_KNOWS_EVERY_IDENTIFIER ? derivedBusiness(identifier, identifierType) : null;
}

const contains = (field: string | null | undefined, wanted: string | undefined): boolean =>
  wanted === undefined || (field ?? '').toLowerCase().includes(wanted.toLowerCase());

/** `GET /business/public-data`: the businesses of the registry with this identifier that match every given field. */
export function searchPublicData(tenant: TenantState, query: PublicDataQuery): BusinessSearchResult[] {
  const entry = registryEntry(tenant, query.identifier, query.identifier_type ?? 'hr_nummer');
  if (!entry) return [];
  const address = entry.address;
  const street = [address?.address_line_1, address?.address_line_2].filter(Boolean).join(' ');
  const matches = contains(entry.name, query.name) && contains(street, query.street) && contains(address?.postal_code, query.postal_code)
    && contains(address?.city, query.city) && contains(address?.country, query.country);
  return matches ? [{ identifier: entry.identifier, identifier_type: entry.identifierType, name: entry.name, address }] : [];
}

/** The tenant's onboarding, or a 404 problem. */
export function onboardingOr404(tenant: TenantState, id: string): OnboardingRecord {
  const found = tenant.onboardings.get(id);
  if (!found) throw notFound('onboarding', id);
  return found;
}

const isExpired = (ctx: EmulatorContext, o: OnboardingRecord): boolean =>
  o.status === 'CREATED' && ctx.clock.now() >= o.createdAt + ONBOARDING_LIFETIME_MS;

/** `POST /onboardings`: a new onboarding, the live one of the same business (with a secure resume link), or a DUPLICATE. */
export function createOnboarding(ctx: EmulatorContext, tenant: TenantState, input: OnboardingCreation): Onboarding {
  const business = input.business;
  if (!business) throw validationFailed('Body', [{ name: 'business', reason: 'field required for a partner onboarding' }]);
  const now = ctx.clock.now();
  const live = tenant.onboardings.items.find((o) => o.input.business?.identifier === business.identifier && o.status === 'CREATED' && !isExpired(ctx, o));
  if (live) {
    live.resumeLink = { token: randomBytes(24).toString('base64url'), expiresAt: now + SECURE_RESUME_LINK_TTL_MS };
    live.updatedAt = now;
    return onboardingView(ctx, live);
  }
  const borrowerId = borrowerIdOf(tenant, business.identifier);
  const entry = registryEntry(tenant, business.identifier, business.identifier_type);
  const record = tenant.onboardings.add({
    id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, input,
    status: borrowerId ? 'DUPLICATE' : 'CREATED', businessName: entry?.name ?? business.identifier, borrowerId,
    resumeLink: null, eligible: null, eligibilityId: randomUUID(),
  });
  ctx.store.onboardingTenant.set(record.id, tenant.key);
  return onboardingView(ctx, record);
}

/**
 * The borrower goes through the tunnel: a CREATED, unexpired onboarding is COMPLETED with a READY borrower, unless
 * the business is forced `NOT_ELIGIBLE` (then it stays CREATED with a negative eligibility). Returns where the
 * borrower is sent back to (the onboarding's `redirect_url`, if any).
 */
export function continueOnboarding(ctx: EmulatorContext, id: string): { onboarding: Onboarding; redirect: string | null } {
  const key = ctx.store.onboardingTenant.get(id);
  const tenant = key ? ctx.store.findTenant(key) : undefined;
  const record = tenant?.onboardings.get(id);
  if (!tenant || !record) throw notFound('onboarding', id);
  if (isExpired(ctx, record)) throw invalidTransition('This onboarding has expired; create a new one.', { status: record.status, is_expired: true });
  const business = record.input.business!;
  if (record.status === 'CREATED') {
    record.eligible = tenant.eligibility.get(business.identifier) !== 'NOT_ELIGIBLE';
    if (record.eligible) {
      const generated = generateBusiness({ country: 'FRA', isBorrower: true, nowMs: ctx.clock.now() }, ctx.random);
      const entry = registryEntry(tenant, business.identifier, business.identifier_type);
      const { borrower } = createBorrower(ctx, tenant, {
        ...generated, identifier: business.identifier,
        identifier_type: business.identifier_type === 'name' ? null : business.identifier_type,
        name: entry?.name ?? generated.name, address: completeAddress(entry?.address) ?? generated.address,
        preferred_language: record.input.preferred_language, wait_for_ready: true,
      });
      record.borrowerId = borrower.id;
      record.status = 'COMPLETED';
    }
    record.updatedAt = ctx.clock.now();
  }
  const redirect = record.input.redirect_url ? new URL(record.input.redirect_url, ctx.baseUrl) : null;
  redirect?.searchParams.set('onboarding_id', record.id);
  return { onboarding: onboardingView(ctx, record), redirect: redirect?.toString() ?? null };
}

/** `address` when it has every field a borrower's address needs. */
function completeAddress(address: Address | null | undefined): BusinessAddress | null {
  const { address_line_1: line1, city, country, postal_code: postalCode } = address ?? {};
  return line1 && city && country && postalCode ? { address_line_1: line1, city, country, postal_code: postalCode } : null;
}

/** `APIOnboarding`. */
export function onboardingView(ctx: EmulatorContext, o: OnboardingRecord): Onboarding {
  const input = o.input;
  const business = input.business;
  const now = ctx.clock.now();
  const link = o.resumeLink && o.resumeLink.expiresAt > now
    ? `${ctx.baseUrl}/_emulator/onboarding/continue/${o.id}?token=${o.resumeLink.token}&expires_at=${encodeURIComponent(isoTimestamp(o.resumeLink.expiresAt))}`
    : null;
  const refusal = 'DOES_NOT_MATCH_ELIGIBILITY_CRITERIA';
  return {
    id: o.id,
    status: o.status,
    is_expired: isExpired(ctx, o),
    referral: input.referral ?? ONBOARDING_DEFAULT_REFERRAL,
    borrower_id: o.borrowerId,
    business: business ? { identifier: business.identifier, identifier_type: business.identifier_type, name: o.businessName ?? business.identifier } : null,
    eligibility: o.eligible === null ? null : {
      id: o.eligibilityId, status: 'DONE', finished_processing: true, is_computing: false,
      response: o.eligible
        ? {
          is_eligible: true, max_amount: CREDIT_LINE_POOL_CENTS, fees_daily_rate: FEES_DAILY_RATE_PERCENT,
          pricing_details: { fees_daily_rate: FEES_DAILY_RATE_PERCENT, late_daily_rate: LATE_DAILY_RATE_PERCENT }, reasons: [],
        }
        : { is_eligible: false, max_amount: 0, fees_daily_rate: null, pricing_details: null, reasons: [{ code: refusal, description: translationOf(refusal)?.en ?? 'Not yet available.' }] },
    },
    email: input.email ?? null,
    email_tracking_consent: null,
    integrations: [],
    integrations_need: null,
    phone_number: input.phone_number ?? null,
    preferred_language: input.preferred_language,
    redirect_url: input.redirect_url ?? null,
    reset_password_token: null,
    secure_resume_link: link,
    user: null,
    user_input: null,
    user_need: null,
  };
}
