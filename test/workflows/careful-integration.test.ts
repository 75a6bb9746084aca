/**
 * What a careful integration asks Defacto besides the lifecycle's resources, on the real dev server and
 * emulator: the pre-eligibility check before a borrower is enrolled, denial reasons translated in the
 * configured language into the outcome, the progress and the current details, and the early-repayment link
 * an operator asks for (one link per request ID, refused outside TO_REPAY).
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LENDING_SETTINGS } from '../../src/activities';
import { progressQuery, repayNowUpdate } from '../../src/workflows/messages';
import { fileEmulator, lifecycleWorld, progressUntil, type LifecycleWorld, refusal, refusalOrEnded, worldsPerTest } from './harness';

const worlds = worldsPerTest();

/** A SIREN no other test uses. */
function siren(): string {
  return String(randomInt(100_000_000, 999_999_999));
}


async function currentDetails(handle: { query: <T>(name: string) => Promise<T> }): Promise<string> {
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

/** Requests of one route the emulator answered so far (all tenants). */
async function routeCount(route: string): Promise<number> {
  const stats = (await (await fetch(`${worlds.emulator().url}/_emulator/stats`)).json()) as { routes: Record<string, { count: number }> };
  return stats.routes[route]?.count ?? 0;
}

describe('pre-eligibility before enrolling the borrower', () => {
  it('a business Defacto deems not eligible ends DECLINED with the translated reasons, and nothing is created at Defacto', async () => {
    const world = await worlds.open();
    const identifier = siren();
    await world.defacto.sandbox.setBusinessEligibility({ business_identifier: { identifier, identifier_type: 'siren' }, scenario: 'NOT_ELIGIBLE' });
    const { handle } = await world.start({
      borrower: { identifier, identifierType: 'siren', name: 'Refused SAS', country: 'FRA' },
      invoice: { generate: true },
    });
    const outcome = await handle.result();
    expect(outcome).toEqual({
      status: 'DECLINED', loanId: null, denialReason: 'DOES_NOT_MATCH_ELIGIBILITY_CRITERIA', declinedAt: 'ELIGIBILITY',
      reasons: [{
        code: 'DOES_NOT_MATCH_ELIGIBILITY_CRITERIA', source: 'eligibility', language: 'en',
        text: 'The business does not match the eligibility criteria.',
      }],
    });

    const inventory = await world.controls.inventory();
    expect({ borrowers: inventory.borrowers, invoices: inventory.invoices, loans: inventory.loans }).toEqual({ borrowers: 0, invoices: 0, loans: 0 });
    expect(await world.defacto.borrowers.findByIdentifier(identifier)).toBeUndefined();

    const progress = await handle.query(progressQuery);
    expect(progress.eligibility).toEqual({ isEligible: false, reasonCodes: ['DOES_NOT_MATCH_ELIGIBILITY_CRITERIA'] });
    expect(progress.steps.BORROWER_REGISTERED).toMatchObject({ status: 'FAILED', note: expect.stringContaining('does not match the eligibility criteria') });
    expect(progress.steps.INVOICE_CREATED.status).toBe('SKIPPED');
    expect(progress.outcome).toEqual(outcome);
    expect(await currentDetails(handle)).toContain('**Outcome:** DECLINED (ELIGIBILITY): DOES_NOT_MATCH_ELIGIBILITY_CRITERIA: The business does not match');
  });

  it('an eligible business is checked once, then enrolled and financed as before', async () => {
    const world = await worlds.open();
    const before = await routeCount('POST /eligibility/borrower');
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    expect((await handle.result()).status).toBe('CLOSED');
    expect(await routeCount('POST /eligibility/borrower')).toBe(before + 1);
    expect((await handle.query(progressQuery)).eligibility).toEqual({ isEligible: true, reasonCodes: [] });
  });
});

describe('terms accepted at enrolment', () => {
  /** Activity types the workflow scheduled (regular activities only; local ones leave markers). */
  async function scheduledActivities(handle: { fetchHistory: () => Promise<{ events?: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null }[] | null }> }): Promise<string[]> {
    const events = (await handle.fetchHistory()).events ?? [];
    return events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  }

  it('a generated business is created with signed_at: no separate /sign call, no signature activity', async () => {
    const world = await worlds.open();
    const signs = await routeCount('POST /borrower/{borrower_id}/sign');
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    expect((await handle.result()).status).toBe('CLOSED');
    expect(await routeCount('POST /borrower/{borrower_id}/sign')).toBe(signs);
    expect(await scheduledActivities(handle)).toEqual(['createBorrower', 'generateInvoice', 'requestLoan', 'validateLoan']);
    expect((await handle.query(progressQuery)).steps.BORROWER_REGISTERED.note).toContain('terms accepted at creation');
  });

  it('a business given without signedAt still has its terms signed through /sign', async () => {
    const world = await worlds.open();
    const signs = await routeCount('POST /borrower/{borrower_id}/sign');
    const { handle } = await world.start({
      borrower: { identifier: siren(), identifierType: 'siren', name: 'Unsigned SAS', country: 'FRA' },
      invoice: { generate: true },
    });
    expect((await handle.result()).status).toBe('CLOSED');
    expect(await routeCount('POST /borrower/{borrower_id}/sign')).toBe(signs + 1);
    expect(await scheduledActivities(handle)).toContain('signBorrower');
  });
});

describe('translated denial reasons', () => {
  it('a loan Defacto declines carries its reason in the configured language in the outcome, the progress and the current details', async () => {
    const world = await worlds.open({ lending: { ...DEFAULT_LENDING_SETTINGS, language: 'fr' } });
    const before = await routeCount('GET /translation/denial-code/{code}');
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'REJECT' } });
    const outcome = await handle.result();
    const reason = { code: 'CREDIT_RISK_NOT_ELIGIBLE', source: 'loan', language: 'fr', text: "Le risque de crédit de l'entreprise n'est pas éligible." };
    expect(outcome).toMatchObject({ status: 'DECLINED', denialReason: 'CREDIT_RISK_NOT_ELIGIBLE', declinedAt: 'LOAN', reasons: [reason] });
    expect(outcome.status === 'DECLINED' && outcome.loanId).toBeTruthy();

    const progress = await handle.query(progressQuery);
    expect(progress.reasons).toEqual([reason]);
    expect(progress.steps.CONDITIONS_REVIEWED).toMatchObject({ status: 'FAILED', note: expect.stringContaining("Le risque de crédit de l'entreprise") });
    const details = await currentDetails(handle);
    expect(details).toContain("**Outcome:** DECLINED (LOAN): CREDIT_RISK_NOT_ELIGIBLE: Le risque de crédit de l'entreprise n'est pas éligible.");
    expect(details).toContain('**Reasons (fr):** loan CREDIT_RISK_NOT_ELIGIBLE');
    // One code, one translation call.
    expect(await routeCount('GET /translation/denial-code/{code}')).toBe(before + 1);
  });
});

describe('early repayment (repayNowUpdate)', () => {
  it('on a TO_REPAY loan returns a pay-by-link; the same request ID gets the same link and no second one; paying it closes the loan', async () => {
    // Its own emulator: the loans of other tests must not be in TO_REPAY (a link repays the partner's loans).
    const own = await fileEmulator();
    let world: LifecycleWorld | undefined;
    try {
      world = await lifecycleWorld(own);
      const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'SUCCESS_ONE_DAY_LATER' } });
      const waiting = await progressUntil(handle, (p) => p.loan?.status === 'TO_REPAY');
      const loan = waiting.loan!;
      expect(await currentDetails(handle)).toContain('--name repayNow');

      const first = await handle.executeUpdate(repayNowUpdate, { args: [{}], updateId: 'ops-ticket-42' });
      expect(first).toMatchObject({ loanId: loan.id, loanStatus: 'TO_REPAY', requestId: 'ops-ticket-42', amountCents: loan.amountCents + (loan.feesEstimatedCents ?? 0) });
      expect(first.url).toMatch(new RegExp(`^${own.url}/_emulator/pay-by-link/`));
      const stats = async () => ((await (await fetch(`${own.url}/_emulator/stats`)).json()) as { routes: Record<string, { count: number }> }).routes['POST /repay/now']?.count;
      expect(await stats()).toBe(1);

      const retried = await handle.executeUpdate(repayNowUpdate, { args: [{}], updateId: 'ops-ticket-42' });
      expect(retried).toEqual(first);
      expect(await stats()).toBe(1);

      const progress = await handle.query(progressQuery);
      expect(progress.earlyRepayments).toEqual([{ requestId: 'ops-ticket-42', amountCents: first.amountCents, requestedAt: first.requestedAt }]);
      // The temporary link is the caller's alone: neither the progress nor the current details hold it.
      expect(JSON.stringify(progress)).not.toContain(first.url);
      expect(await currentDetails(handle)).not.toContain(first.url);

      expect(await refusal(handle.executeUpdate(repayNowUpdate, { args: [{ amountCents: -5 }], updateId: 'ops-bad-amount' })))
        .toMatch(/^InvalidRepayNowAmount: /);

      const paid = await fetch(first.url, { redirect: 'manual' });
      expect(paid.status).toBe(303);
      expect(paid.headers.get('location')).toContain('status=PAID');
      const outcome = await handle.result();
      expect(outcome.status).toBe('CLOSED');
      expect(await refusalOrEnded(handle.executeUpdate(repayNowUpdate, { args: [{}], updateId: 'ops-too-late' }))).toMatch(/^(ended|LoanLifecycleEnded: .*)$/);
    } finally {
      await world?.close();
      await own.close();
    }
  });

  it('is refused while the loan is not disbursed, naming its status, and nothing is asked of Defacto', async () => {
    const world = await worlds.open();
    const before = await routeCount('POST /repay/now');
    const { handle } = await world.start({
      borrower: { generate: true }, invoice: { generate: true }, loan: { acceptancePolicy: { requireOperatorApproval: true } },
    });
    await progressUntil(handle, (p) => p.awaitingOperator);
    expect(await refusal(handle.executeUpdate(repayNowUpdate, { args: [{}] }))).toMatch(/^LoanNotRepayable: .*TO_VALIDATE/);
    expect(await routeCount('POST /repay/now')).toBe(before);
    await handle.cancel();
    expect((await handle.result()).status).toBe('CANCELED');
  });
});
