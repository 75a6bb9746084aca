/**
 * In-memory state, one partition per tenant (= bearer token). Every record carries a global, strictly
 * increasing `seq` (its insertion position), which list cursors use, so pages stay stable while other
 * requests insert. Lookups by id and by natural key are O(1). The record shapes are in records.ts.
 */
import { randomUUID } from 'node:crypto';
import { PARTNER_CREDIT_LINE_POOL_CENTS } from './assumptions';
import type {
  AccountingEventRecord, BorrowerRecord, CounterpartyRecord, CreditLineRecord, InstallmentPlanRecord, InvoiceRecord, LoanRecord,
  OnboardingRecord, PayLinkRecord, PaymentRecord, RecollectionCaseRecord, RepaymentMethodRecord, RepaymentMode, StoredRecord, WebhookRecord,
} from './records';
import type { EligibilityScenario } from '../defacto/wire';

/** Records in insertion (seq) order with O(1) lookup by id. */
export class Collection<T extends StoredRecord> {
  readonly items: T[] = [];
  private readonly byId = new Map<string, T>();

  add(record: T): T {
    this.items.push(record);
    this.byId.set(record.id, record);
    return record;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  remove(id: string): boolean {
    if (!this.byId.delete(id)) return false;
    const index = this.items.findIndex((r) => r.id === id);
    if (index >= 0) this.items.splice(index, 1);
    return true;
  }

  get size(): number {
    return this.items.length;
  }
}

/** Everything one tenant owns, plus the indexes its handlers need. */
export class TenantState {
  readonly borrowers = new Collection<BorrowerRecord>();
  readonly invoices = new Collection<InvoiceRecord>();
  readonly loans = new Collection<LoanRecord>();
  readonly payments = new Collection<PaymentRecord>();
  readonly creditLines = new Collection<CreditLineRecord>();
  readonly webhooks = new Collection<WebhookRecord>();
  readonly accountingEvents = new Collection<AccountingEventRecord>();
  readonly payLinks = new Collection<PayLinkRecord>();
  readonly repaymentMethods = new Map<string, RepaymentMethodRecord[]>();
  readonly onboardings = new Collection<OnboardingRecord>();
  readonly recollectionCases = new Collection<RecollectionCaseRecord>();
  readonly installmentPlans = new Collection<InstallmentPlanRecord>();

  readonly borrowerByIdentifier = new Map<string, string>();
  readonly invoicesByNumber = new Map<string, string[]>();
  readonly loanBySalt = new Map<string, { loanId: string; bodyHash: string }>();
  readonly paymentsByLoan = new Map<string, PaymentRecord[]>();
  readonly creditLineByBorrowerIdentifier = new Map<string, string>();
  /** Counterparties by identifier (or `name:<name>` when they have none). */
  readonly counterparties = new Map<string, CounterpartyRecord>();
  readonly counterpartyList = new Collection<CounterpartyRecord>();
  readonly ibanOwner = new Map<string, string>();
  readonly eligibility = new Map<string, EligibilityScenario>();
  /** Installment plans of `POST /installment-plans` by `salt_id` (given or derived from the sorted loan ids). */
  readonly installmentPlanBySalt = new Map<string, string>();
  readonly documents = new Map<string, string>();
  readonly counters = { validations: 0, cancels: 0 };
  repaymentMode: RepaymentMode | undefined;
  /** The partner's own credit line, created with the tenant. */
  readonly partnerLine: CreditLineRecord;

  constructor(readonly key: string, partnerLine: Omit<CreditLineRecord, 'kind' | 'borrowerId' | 'borrowerIdentifier'>) {
    this.partnerLine = this.creditLines.add({ ...partnerLine, kind: 'partner', borrowerId: '', borrowerIdentifier: '' });
  }
}

/** All tenants, plus global indexes for the tenant-less `/_emulator` controls. */
export class EmulatorStore {
  private readonly tenants = new Map<string, TenantState>();
  private seq = 0;
  /** loan id → tenant key, so `POST /_emulator/repayments` works without a bearer token. */
  readonly loanTenant = new Map<string, string>();
  /** pay-by-link id → tenant key: the link is followed without a bearer token. */
  readonly payLinkTenant = new Map<string, string>();
  /** onboarding id → tenant key: the tunnel is followed without a bearer token. */
  readonly onboardingTenant = new Map<string, string>();

  /** The next insertion sequence number (global, strictly increasing). */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** The tenant's partition, created on first use (at `now`, with the partner's credit line). */
  tenant(key: string, now = 0): TenantState {
    let state = this.tenants.get(key);
    if (!state) {
      state = new TenantState(key, {
        id: randomUUID(), seq: this.nextSeq(), createdAt: now, updatedAt: now, pool: PARTNER_CREDIT_LINE_POOL_CENTS,
        balanceAvailable: PARTNER_CREDIT_LINE_POOL_CENTS, balancePending: 0, balancePendingValidation: 0, signedAt: now,
      });
      this.tenants.set(key, state);
    }
    return state;
  }

  /** The tenant's partition if it exists. */
  findTenant(key: string): TenantState | undefined {
    return this.tenants.get(key);
  }

  /** Every tenant (for inspection endpoints). */
  allTenants(): IterableIterator<TenantState> {
    return this.tenants.values();
  }

  /** Forgets everything. */
  reset(): void {
    this.tenants.clear();
    this.loanTenant.clear();
    this.payLinkTenant.clear();
    this.onboardingTenant.clear();
  }
}

/** Appends `value` to the array stored under `key`. */
export function pushIndex<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}
