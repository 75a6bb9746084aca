/**
 * Counterparties (digest §3.26): created from invoices (buyer `DEBTOR`, seller `SUPPLIER`) or explicitly;
 * one per identifier per tenant, relation types accumulate. Each has a credit limit of
 * `COUNTERPARTY_CREDIT_LIMIT_CENTS`, reduced by the committed loans of the invoices it must pay.
 */
import { randomUUID } from 'node:crypto';
import type {
  CounterpartyCreation, CounterpartyExplicitCreation, CounterpartyWithExposure, Page, RelationType,
} from '../defacto/wire';
import { IdentifierTypeSchema, RelationTypeSchema } from '../defacto/wire';
import { COUNTERPARTY_CREDIT_LIMIT_CENTS } from './assumptions';
import type { EmulatorContext } from './context';
import { listPage, type ListSpec } from './list-filters';
import type { PageRequest } from './pagination';
import { notFound } from './problems';
import { creditHold } from './state-machines';
import type { CounterpartyRecord } from './records';
import type { TenantState } from './store';

/** The tenant's counterparty for `input` (created on first sight), with `relation` added. */
export function knownCounterparty(
  ctx: EmulatorContext, tenant: TenantState, input: CounterpartyCreation, relation: RelationType,
): CounterpartyRecord {
  const identifier = input.identifier ?? '';
  const key = identifier || `name:${input.name ?? ''}`;
  let known = tenant.counterparties.get(key);
  if (!known) {
    const now = ctx.clock.now();
    known = tenant.counterpartyList.add({
      id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, businessId: randomUUID(), identifier,
      identifierType: input.identifier_type ?? null, name: input.name ?? null, vatNumber: input.vat_number ?? null, input,
      relationTypes: new Set(),
    });
    tenant.counterparties.set(key, known);
  }
  known.relationTypes.add(relation);
  return known;
}

/** `POST /counterparties`: 201 when created, 200 (relation types merged) when the identifier is known. */
export function createCounterparty(
  ctx: EmulatorContext, tenant: TenantState, input: CounterpartyExplicitCreation,
): { counterparty: CounterpartyWithExposure; created: boolean } {
  const created = !tenant.counterparties.has(input.identifier);
  const [first, ...others] = input.relation_types;
  const record = knownCounterparty(ctx, tenant, input, first!);
  for (const relation of others) record.relationTypes.add(relation);
  if (input.name) record.name = input.name;
  if (input.vat_number) record.vatNumber = input.vat_number;
  record.input = { ...record.input, ...input };
  record.updatedAt = ctx.clock.now();
  return { counterparty: counterpartyView(tenant, record), created };
}

/** The tenant's counterparty, or a 404 problem. */
export function counterpartyOr404(tenant: TenantState, id: string): CounterpartyRecord {
  const found = tenant.counterpartyList.get(id);
  if (!found) throw notFound('counterparty', id);
  return found;
}

const selected = (tenant: TenantState, c: CounterpartyRecord): boolean => tenant.eligibility.get(c.identifier) !== 'NOT_ELIGIBLE';

/** `APICounterpartyWithExposure`. */
export function counterpartyView(tenant: TenantState, c: CounterpartyRecord): CounterpartyWithExposure {
  let used = 0;
  for (const loan of tenant.loans.items) {
    if (creditHold(loan.status) === 'none') continue;
    if (loan.invoiceIds.some((id) => tenant.invoices.get(id)?.buyer?.id === c.id)) used += loan.amount;
  }
  const type = IdentifierTypeSchema.safeParse(c.identifierType);
  return {
    id: c.id, identifier: c.identifier, identifier_type: type.success ? type.data : 'name', name: c.name ?? c.identifier,
    relation_types: RelationTypeSchema.options.filter((r) => c.relationTypes.has(r)), vat_number: c.vatNumber,
    address: c.input.address ?? null, contact: c.input.contact ?? null, selected_for_financing: selected(tenant, c),
    credit_limit: { available_amount: Math.max(0, COUNTERPARTY_CREDIT_LIMIT_CENTS - used), max_amount: COUNTERPARTY_CREDIT_LIMIT_CENTS, max_amount_details: null },
  };
}

const COUNTERPARTY_LIST: ListSpec<CounterpartyRecord, TenantState> = {
  filters: {
    identifier: { kind: 'any_of', get: (c) => c.identifier },
    identifier_type: { kind: 'any_of', get: (c) => c.identifierType, allowed: IdentifierTypeSchema.options },
    business_name: { kind: 'text', get: (c) => [c.name] },
    relation_types: { kind: 'any_of', get: (c) => [...c.relationTypes], allowed: RelationTypeSchema.options },
    selected_for_financing: { kind: 'flag', get: (c, tenant) => selected(tenant, c) },
  },
};

/** `GET /counterparties`. */
export function listCounterparties(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<CounterpartyWithExposure> {
  return listPage(COUNTERPARTY_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.counterpartyList.items, (c) => counterpartyView(tenant, c));
}
