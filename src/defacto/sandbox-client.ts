/** Sandbox-only methods of the Defacto client. */
import { jsonResponse, type Send } from './transport';
import {
  ApiPostBorrowerSchema, GeneratedInvoiceSchema, IbanGeneratedSchema,
  type ApiPostBorrower, type BusinessEligibleParams, type Country, type GeneratedInvoice, type GenerateInvoiceRequest,
  type IbanGenerated, type Scenario,
} from './wire';

/** Sandbox-only helpers (fake businesses, scenario IBANs and invoices, forced eligibility). */
export interface SandboxMethods {
  generateBusiness(q?: { country?: Country; isBorrower?: boolean }): Promise<ApiPostBorrower>;
  generateIban(q?: { country?: Country; scenario?: Scenario }): Promise<IbanGenerated>;
  generateInvoice(body?: GenerateInvoiceRequest): Promise<GeneratedInvoice>;
  setBusinessEligibility(body: BusinessEligibleParams): Promise<void>;
}

/** The sandbox methods over `send`. */
export function sandboxMethods(send: Send): SandboxMethods {
  return {
    generateBusiness: (q = {}) =>
      send({
        method: 'GET', pathTemplate: '/sandbox/business-generator', query: { country: q.country, is_borrower: q.isBorrower },
        response: jsonResponse(ApiPostBorrowerSchema, 'APIPostBorrower'), idempotent: true,
      }),
    generateIban: (q = {}) =>
      send({
        method: 'GET', pathTemplate: '/sandbox/iban-generator', query: { country: q.country, scenario: q.scenario },
        response: jsonResponse(IbanGeneratedSchema, 'GenerateIbanResponse'), idempotent: true,
      }),
    generateInvoice: (body = {}) =>
      send({
        method: 'POST', pathTemplate: '/sandbox/invoice-generator', body,
        response: jsonResponse(GeneratedInvoiceSchema, 'GeneratedInvoice'), idempotent: true,
      }),
    setBusinessEligibility: (body) =>
      send({ method: 'POST', pathTemplate: '/sandbox/business-eligible', body, response: { kind: 'empty' }, idempotent: true }),
  };
}
