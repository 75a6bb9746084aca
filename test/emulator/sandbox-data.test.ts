import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiPostBorrowerSchema, GeneratedInvoiceSchema, ScenarioSchema } from '../../src/defacto/wire';
import { seededRandom } from '../../src/emulator/faults';
import { billedDays, feesFor } from '../../src/emulator/fees';
import {
  frenchVatNumber, generateBusiness, generateInvoice, generateSiren, invoicePdfBase64, luhnValid,
} from '../../src/emulator/sandbox-data';
import { generateScenarioIban, isValidIban, scenarioOfIban } from '../../src/emulator/scenario';

const random = seededRandom(42);
const NOW = Date.parse('2024-05-02T09:00:00Z');

describe('sandbox IBANs', () => {
  it('recognise the scenario of the IBANs observed in Defacto documentation', () => {
    expect(scenarioOfIban('FR8811111015593603018280926')).toBe('SUCCESS');
    expect(scenarioOfIban('FR3711111025593244332331294')).toBe('SUCCESS_ONE_DAY_LATER');
    expect(scenarioOfIban('FR1311111045594746737398900')).toBe('FAIL');
  });

  it.each(ScenarioSchema.options)('generate valid mod-97 French IBANs that encode %s', (scenario) => {
    const iban = generateScenarioIban(scenario, random);
    expect(iban).toMatch(/^FR\d{2}111110\d559\d{13}$/);
    expect(isValidIban(iban)).toBe(true);
    expect(scenarioOfIban(iban)).toBe(scenario);
  });

  it('treat any other IBAN as SUCCESS', () => {
    expect(scenarioOfIban('FR7630006000011234567890189')).toBe('SUCCESS');
    expect(scenarioOfIban('DE89370400440532013000')).toBe('SUCCESS');
    expect(scenarioOfIban(undefined)).toBe('SUCCESS');
  });
});

describe('generated businesses', () => {
  it('have a Luhn-valid SIREN, its VAT number and a SUCCESS IBAN, and are signed when borrowers', () => {
    const business = generateBusiness({ nowMs: NOW }, random);
    expect(ApiPostBorrowerSchema.parse(business)).toBeTruthy();
    expect(business.identifier).toMatch(/^\d{9}$/);
    expect(luhnValid(business.identifier)).toBe(true);
    expect(business.vat_number).toBe(frenchVatNumber(business.identifier));
    expect(scenarioOfIban(business.account_number)).toBe('SUCCESS');
    expect(business.signed_at).toBe('2024-05-02T09:00:00.000000+00:00');
    expect(generateBusiness({ nowMs: NOW, isBorrower: false }, random).signed_at).toBeUndefined();
  });

  it('produce SIRENs that are always Luhn-valid', () => {
    for (let i = 0; i < 200; i += 1) expect(luhnValid(generateSiren(random))).toBe(true);
  });
});

describe('generated invoices', () => {
  const sample = JSON.parse(readFileSync('/work/shared/defacto-reference/sandbox-invoice_success.json', 'utf8')) as {
    invoice_creation_payload: Record<string, unknown>;
  };

  it('have the same fields as a real sandbox generator output', () => {
    const generated = generateInvoice({ nowMs: NOW, baseUrl: 'http://x' }, random);
    expect(Object.keys(generated.invoice_creation_payload).sort()).toEqual(Object.keys(sample.invoice_creation_payload).sort());
    expect(GeneratedInvoiceSchema.parse(generated)).toBeTruthy();
  });

  it('follow the observed conventions: number, 30-day term, 20 % VAT, scenario metadata and IBAN', () => {
    const { invoice_creation_payload: p } = generateInvoice({ scenario: 'FAIL', nowMs: NOW, baseUrl: 'http://x' }, random);
    expect(p.invoice_number).toMatch(/^FK-INVOICE-[0-9a-f]{6}$/);
    expect(Date.parse(p.due_at!) - Date.parse(p.issued_at!)).toBe(30 * 86_400_000);
    expect(p.tax_amount).toBe(p.net_amount! * 0.2);
    expect(p.total_amount).toBe(p.net_amount! + p.tax_amount!);
    expect(p.to_pay_amount).toBe(p.total_amount);
    expect(p.metadata).toMatchObject({ created_with: 'Defacto sandbox invoice generator', scenario_name: 'FAIL' });
    expect(scenarioOfIban(p.to_account?.account_number)).toBe('FAIL');
    expect(p.to_account?.bank_identifier).toBe('FK2FACTO');
  });

  it('keep the buyer and seller they are given', () => {
    const { invoice_creation_payload: p } = generateInvoice({
      seller: { identifier: '123456782', name: 'Mine' }, nowMs: NOW, baseUrl: 'http://x',
    }, random);
    expect(p.seller).toEqual({ identifier: '123456782', name: 'Mine' });
    expect(p.buyer?.identifier).toMatch(/^\d{9}$/);
  });
});

describe('the generated PDF', () => {
  it('is a small, well-formed PDF whose xref offsets point at its objects', () => {
    const pdf = Buffer.from(invoicePdfBase64(['Invoice FK-INVOICE-abcdef', 'Total: 120.00 EUR']), 'base64').toString('latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pdf.length).toBeLessThan(2_000);
    const startxref = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...pdf.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((offset, i) => expect(pdf.slice(offset).startsWith(`${i + 1} 0 obj`)).toBe(true));
  });
});

describe('the fee rule', () => {
  it('charges amount × days × 0.05 % per day, at least one day', () => {
    expect(feesFor(1_000_000, NOW, NOW + 30 * 86_400_000)).toBe(15_000);
    expect(feesFor(12_000, NOW, NOW + 1_000)).toBe(6);
    expect(billedDays(NOW, NOW)).toBe(1);
    expect(billedDays(NOW, NOW + 86_400_001)).toBe(2);
  });
});
