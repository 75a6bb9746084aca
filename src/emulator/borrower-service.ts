/**
 * Borrower enrolment (digest §3.6, §3.9, §4.3): TO_SIGN until signed; once signed, READY one step later
 * (or at once with `wait_for_ready`) together with its credit line and a `CreditLine.CREATED` event.
 */
import { randomUUID } from 'node:crypto';
import type { ApiBorrower, ApiPostBorrower, Page, SignBorrowerRequest } from '../defacto/wire';
import { BORROWER_READY_AFTER_STEPS, CREDIT_LINE_POOL_CENTS, DUPLICATE_BORROWER_POLICY } from './assumptions';
import type { EmulatorContext } from './context';
import { listPage } from './list-filters';
import { BORROWER_LIST } from './lists';
import type { PageRequest } from './pagination';
import { notFound, ProblemError } from './problems';
import type { BorrowerRecord } from './records';
import type { TenantState } from './store';
import { creditLineEvent, moveBorrower } from './transitions';
import { borrowerView } from './views';

/** The tenant's borrower, or a 404 problem. */
export function borrowerOr404(tenant: TenantState, id: string): BorrowerRecord {
  const borrower = tenant.borrowers.get(id);
  if (!borrower) throw notFound('borrower', id);
  return borrower;
}

/** `GET /borrowers`. */
export function listBorrowers(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<ApiBorrower> {
  return listPage(BORROWER_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.borrowers.items, (b) => borrowerView(ctx, b));
}

/** Creates a borrower, or returns the tenant's existing one with the same identifier (`created: false`). */
export function createBorrower(
  ctx: EmulatorContext, tenant: TenantState, body: ApiPostBorrower,
): { borrower: BorrowerRecord; created: boolean } {
  const existingId = tenant.borrowerByIdentifier.get(body.identifier);
  const existing = existingId ? tenant.borrowers.get(existingId) : undefined;
  if (existing) {
    if (DUPLICATE_BORROWER_POLICY === 'reject') {
      throw new ProblemError(400, 'bad_request', 'A borrower with this identifier already exists.',
        [{ name: 'identifier', reason: 'already exists' }]);
    }
    return { borrower: existing, created: false };
  }
  const now = ctx.clock.now();
  const { wait_for_ready: waitForReady, ...input } = body;
  const signedAt = body.signed_at ? Date.parse(body.signed_at) : null;
  const borrower: BorrowerRecord = {
    id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now,
    businessId: randomUUID(), input, status: 'TO_SIGN', signedAt, contractId: randomUUID(),
    ownerId: body.owner ? randomUUID() : null, directorIds: (body.directors ?? []).map(() => randomUUID()),
    creditLineId: null,
  };
  moveBorrower(ctx, borrower, signedAt === null ? 'ENROLL' : 'ENROLL_SIGNED', true);
  tenant.borrowers.add(borrower);
  tenant.borrowerByIdentifier.set(body.identifier, borrower.id);
  if (signedAt !== null) becomeReady(ctx, tenant, borrower, waitForReady === true);
  return { borrower, created: true };
}

/** Registers the T&C signature; signing an already signed borrower changes nothing (safe to retry). */
export function signBorrower(
  ctx: EmulatorContext, tenant: TenantState, borrower: BorrowerRecord, body: SignBorrowerRequest,
): void {
  if (borrower.signedAt !== null && borrower.status !== 'TO_SIGN') {
    if (borrower.status === 'SIGNED' && body.wait_for_ready) makeReady(ctx, tenant, borrower);
    return;
  }
  moveBorrower(ctx, borrower, 'SIGN');
  borrower.signedAt = Date.parse(body.signed_at);
  becomeReady(ctx, tenant, borrower, body.wait_for_ready === true);
}

/** `POST /borrower/{id}/deactivate`. */
export function deactivateBorrower(ctx: EmulatorContext, borrower: BorrowerRecord): void {
  if (borrower.status === 'DEACTIVATED') return;
  moveBorrower(ctx, borrower, 'DEACTIVATE');
}

function becomeReady(ctx: EmulatorContext, tenant: TenantState, borrower: BorrowerRecord, now: boolean): void {
  if (now) makeReady(ctx, tenant, borrower);
  else ctx.clock.schedule(ctx.timing.stepDelayMs * BORROWER_READY_AFTER_STEPS, () => makeReady(ctx, tenant, borrower));
}

/** Creates the credit line and moves a signed borrower to READY; a no-op in any other status. */
export function makeReady(ctx: EmulatorContext, tenant: TenantState, borrower: BorrowerRecord): void {
  if (borrower.status !== 'SIGNED' && borrower.status !== 'SDD_SETUP' && borrower.status !== 'ALL_PAYMENT_SETUP') return;
  if (!borrower.creditLineId) {
    const now = ctx.clock.now();
    const line = tenant.creditLines.add({
      id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, kind: 'borrower', borrowerId: borrower.id,
      borrowerIdentifier: borrower.input.identifier, pool: CREDIT_LINE_POOL_CENTS, balanceAvailable: CREDIT_LINE_POOL_CENTS,
      balancePending: 0, balancePendingValidation: 0, signedAt: borrower.signedAt,
    });
    borrower.creditLineId = line.id;
    tenant.creditLineByBorrowerIdentifier.set(line.borrowerIdentifier, line.id);
    creditLineEvent(ctx, tenant, line, 'CREATED');
  }
  moveBorrower(ctx, borrower, 'MAKE_READY');
}
