/**
 * Typed client of the Defacto lending API. Every response is checked against its wire schema; every
 * failure is a {@link DefactoError} subclass. By default it never retries (Temporal owns retries);
 * `retry: 'standalone'` enables capped exponential back-off driven by the same `classify`.
 * The method groups live in `*-client.ts`, one module a concern, each a factory over one `send`.
 */
import { inspect } from 'node:util';
import type { Logger } from '../logging';
import { borrowerMethods, counterpartyMethods, eligibilityMethods, type BorrowerMethods, type CounterpartyMethods, type EligibilityMethods } from './borrower-client';
import { invoiceMethods, type InvoiceMethods } from './invoice-client';
import {
  accountingEventMethods, creditLineMethods, loanMethods, paymentMethods, repaymentsMethods,
  type AccountingEventMethods, type CreditLineMethods, type LoanMethods, type PaymentMethods, type RepaymentsMethods,
} from './loan-client';
import { onboardingMethods, type OnboardingMethods } from './onboarding-client';
import { installmentPlanMethods, recollectionMethods, type InstallmentPlanMethods, type RecollectionMethods } from './recollection-client';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './retry-policy';
import { sandboxMethods, type SandboxMethods } from './sandbox-client';
import { createTransport, safeBaseUrl, type Send } from './transport';
import { webhookMethods, type WebhookMethods } from './webhook-client';

/** Settings of a {@link DefactoClient}. */
export interface DefactoClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request total in milliseconds (default 30 000); phase timeouts are derived from it. */
  timeoutMs?: number;
  /** `'none'` (default): Temporal owns retries. `'standalone'`: retry transient failures in-process. */
  retry?: 'none' | 'standalone';
  /** Tuning of the standalone mode (defaults: {@link DEFAULT_BACKOFF}). */
  backoff?: Partial<BackoffPolicy>;
  logger?: Logger;
}

/** Typed client of the Defacto API; the API key is unreachable from outside (not inspectable, not serialisable). */
export class DefactoClient {
  readonly #send: Send;
  readonly #description: { baseUrl: string; timeoutMs: number; retry: 'none' | 'standalone' };

  /** Sandbox-only helpers (fake businesses, scenario IBANs and invoices, forced eligibility). */
  readonly sandbox: SandboxMethods;
  /** Borrower enrolment, signature and look-up by company number. */
  readonly borrowers: BorrowerMethods;
  /** Invoices and look-up by invoice number. */
  readonly invoices: InvoiceMethods;
  /** Loan requests (idempotent on `salt_id`), consent, cancellation, activity log. */
  readonly loans: LoanMethods;
  /** Disbursements and repayments. */
  readonly payments: PaymentMethods;
  /** Credit lines of the partner and its borrowers. */
  readonly creditLines: CreditLineMethods;
  /** Pre-eligibility of a business, and the denial codes with their translations. */
  readonly eligibility: EligibilityMethods;
  /** The businesses the partner's borrowers trade with, and their credit limits. */
  readonly counterparties: CounterpartyMethods;
  /** Accounting events (`GET /events`). */
  readonly accountingEvents: AccountingEventMethods;
  /** Repayment instalments and the pay-by-link for an early repayment. */
  readonly repayments: RepaymentsMethods;
  /** Onboardings through Defacto's tunnel and public business data (`onboarding-client.ts`). */
  readonly onboardings: OnboardingMethods;
  /** Recollection cases and their installment plans (`recollection-client.ts`). */
  readonly recollection: RecollectionMethods;
  /** Installment plans (`POST /installment-plans`, `GET /installment-plan/{id}`). */
  readonly installmentPlans: InstallmentPlanMethods;
  /** Webhook subscriptions and look-up by URL. */
  readonly webhooks: WebhookMethods;

  constructor(options: DefactoClientOptions) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const retry = options.retry ?? 'none';
    this.#description = { baseUrl: safeBaseUrl(options.baseUrl), timeoutMs, retry };
    const send = createTransport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs,
      retry,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      logger: options.logger,
    });
    this.#send = send;
    this.sandbox = sandboxMethods(send);
    this.borrowers = borrowerMethods(send);
    this.invoices = invoiceMethods(send);
    this.loans = loanMethods(send);
    this.payments = paymentMethods(send);
    this.creditLines = creditLineMethods(send);
    this.eligibility = eligibilityMethods(send);
    this.counterparties = counterpartyMethods(send);
    this.accountingEvents = accountingEventMethods(send);
    this.repayments = repaymentsMethods(send);
    this.onboardings = onboardingMethods(send);
    this.recollection = recollectionMethods(send);
    this.installmentPlans = installmentPlanMethods(send);
    this.webhooks = webhookMethods(send);
  }

  /** `GET /hello`: checks connectivity and the API key; returns Defacto's greeting. */
  hello(): Promise<string> {
    return this.#send({ method: 'GET', pathTemplate: '/hello', response: { kind: 'text' }, idempotent: true });
  }

  /** Safe description for `JSON.stringify`: base URL, timeout and retry mode; never the key. */
  toJSON(): { baseUrl: string; timeoutMs: number; retry: 'none' | 'standalone' } {
    return { ...this.#description };
  }

  /** Safe description for `util.inspect` / `console.log`; never the key. */
  [inspect.custom](): string {
    return `DefactoClient ${JSON.stringify(this.#description)}`;
  }
}
