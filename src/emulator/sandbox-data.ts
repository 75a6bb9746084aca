/**
 * Fake but well-formed sandbox data (digest §3.2–§3.4): businesses with valid SIRENs (Luhn) and French
 * details, scenario IBANs, and invoices shaped like the real generator outputs, with a small valid PDF.
 */
import type {
  ApiPostBorrower, BorrowerIdentifierType, Country, CounterpartyCreation, GeneratedInvoice, InvoiceCreation, Scenario,
} from '../defacto/wire';
import { SANDBOX_BIC } from '../defacto/wire';
import {
  DAY_MS, GENERATED_INVOICE_DUE_DAYS, GENERATED_INVOICE_NET_CENTS, GENERATED_INVOICE_VAT_RATE,
} from './assumptions';
import { isoTimestamp } from './clock';
import { generateScenarioIban } from './scenario';

type Random = () => number;

const FIRST_NAMES = ['Anne', 'Patricia', 'Robert', 'Charles', 'Cathy', 'Loretta', 'Julien', 'Camille', 'Hugo', 'Léa',
  'Louis', 'Chloé', 'Nathan', 'Manon', 'Paul', 'Inès', 'Lucas', 'Zoé', 'Théo', 'Emma'];
const LAST_NAMES = ['Young', 'Reyna', 'Beck', 'Chon', 'Blake', 'Green', 'Martin', 'Bernard', 'Dubois', 'Thomas',
  'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel'];
const STREETS = ['rue de Rivoli', 'avenue Victor Hugo', 'boulevard Haussmann', 'rue de la République', 'quai de la Loire',
  'rue du Faubourg Saint-Honoré', 'place Bellecour', 'cours Mirabeau'];
const CITIES: ReadonlyArray<readonly [string, string]> = [['Paris', '75002'], ['Lyon', '69002'], ['Marseille', '13001'],
  ['Bordeaux', '33000'], ['Lille', '59000'], ['Nantes', '44000'], ['Toulouse', '31000'], ['Strasbourg', '67000']];

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const digits = (random: Random, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String(Math.floor(random() * 10));
  return s;
};

/** Whether a digit string passes the Luhn check (SIREN/SIRET validity rule). */
export function luhnValid(value: string): boolean {
  let sum = 0;
  for (let i = 0; i < value.length; i += 1) {
    let d = Number(value[value.length - 1 - i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A random 9-digit SIREN that passes the Luhn check. */
export function generateSiren(random: Random): string {
  const body = String(1 + Math.floor(random() * 9)) + digits(random, 7);
  for (let check = 0; check < 10; check += 1) {
    if (luhnValid(`${body}${check}`)) return `${body}${check}`;
  }
  throw new Error('unreachable: one Luhn check digit always exists');
}

/** French intra-community VAT number of a SIREN. */
export function frenchVatNumber(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}

/** A company identifier of the right kind for a generator country. */
function companyIdentifier(country: Country, random: Random): { identifier: string; identifier_type: BorrowerIdentifierType } {
  switch (country) {
    case 'ESP': return { identifier: `B${digits(random, 8)}`, identifier_type: 'nif' };
    case 'NLD': return { identifier: digits(random, 8), identifier_type: 'kvk' };
    case 'DEU': return { identifier: digits(random, 10), identifier_type: 'steuernummer' };
    case 'BEL': return { identifier: `0${digits(random, 9)}`, identifier_type: 'belgium_registration_number' };
    default: return { identifier: generateSiren(random), identifier_type: 'siren' };
  }
}

/** A fake business ready for `POST /borrowers` (§3.2); `signed_at` is set when it is a borrower. */
export function generateBusiness(
  options: { country?: Country | undefined; isBorrower?: boolean | undefined; nowMs: number },
  random: Random,
): ApiPostBorrower {
  const country = options.country ?? 'FRA';
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  const [city, postal] = pick(random, CITIES);
  const id = companyIdentifier(country, random);
  const email = `${first}.${last}`.normalize('NFD').replace(/[^\w.]/g, '').toLowerCase();
  const business: ApiPostBorrower = {
    ...id,
    name: `${first} ${last} Co.`,
    legal_form: 'SAS',
    vat_number: id.identifier_type === 'siren' ? frenchVatNumber(id.identifier) : null,
    address: { address_line_1: `${1 + Math.floor(random() * 150)} ${pick(random, STREETS)}`, city, postal_code: postal, country },
    account_number: generateScenarioIban('SUCCESS', random),
    directors: [{
      first_name: first,
      last_name: last,
      title: 'Président',
      birth_date: `19${60 + Math.floor(random() * 40)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      birth_place: { city, country: 'FRA' },
      nationality: 'FRA',
      business_email: `${email}@example.com`,
      business_phone_number: `+3361${digits(random, 7)}`,
      role: 'DIRECTOR',
      entity_type: 'people',
    }],
    preferred_language: 'fr',
  };
  if (options.isBorrower ?? true) business.signed_at = isoTimestamp(options.nowMs);
  return business;
}

const SCENARIO_DESCRIPTIONS: Readonly<Record<Scenario, string>> = {
  SUCCESS: 'Successfully creates a loan that will be payed immediately after your approval. The credit transfer repayment will be triggered immediately after payment',
  SUCCESS_ONE_DAY_LATER: 'Successfully creates a loan that will be payed immediately after your approval. The credit transfer repayment will be triggered the day after payment',
  FAIL: 'Successfully creates a loan that which payment will fail immediately after your approval. ',
  REJECT: 'Creates a loan that will be declined by Defacto.',
  CANCEL: 'Creates a loan that will be canceled right after your approval.',
};

function counterparty(given: CounterpartyCreation | null | undefined, random: Random): CounterpartyCreation {
  const name = given?.name ?? `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)} Co.`;
  const identifier = given?.identifier ?? generateSiren(random);
  return given ? { ...given, name, identifier } : { name, identifier };
}

/** A generated invoice (§3.4): `FK-INVOICE-<6 hex>`, due 30 days after issue, 20 % VAT, scenario IBAN, PDF. */
export function generateInvoice(
  options: {
    scenario?: Scenario | undefined; buyer?: CounterpartyCreation | null | undefined;
    seller?: CounterpartyCreation | null | undefined; nowMs: number; baseUrl: string;
  },
  random: Random,
): GeneratedInvoice {
  const scenario = options.scenario ?? 'SUCCESS';
  const invoiceNumber = `FK-INVOICE-${Math.floor(random() * 0x1000000).toString(16).padStart(6, '0')}`;
  const net = GENERATED_INVOICE_NET_CENTS[scenario];
  const tax = Math.round(net * GENERATED_INVOICE_VAT_RATE);
  const buyer = counterparty(options.buyer, random);
  const seller = counterparty(options.seller, random);
  const payload: InvoiceCreation = {
    invoice_number: invoiceNumber,
    issued_at: isoTimestamp(options.nowMs),
    due_at: isoTimestamp(options.nowMs + GENERATED_INVOICE_DUE_DAYS * DAY_MS),
    invoice_type: null,
    is_draft: false,
    buyer,
    seller,
    to_account: { account_number: generateScenarioIban(scenario, random), bank_identifier: SANDBOX_BIC },
    net_amount: net,
    tax_amount: tax,
    to_pay_amount: net + tax,
    total_amount: net + tax,
    metadata: {
      created_with: 'Defacto sandbox invoice generator',
      scenario_name: scenario,
      scenario_description: SCENARIO_DESCRIPTIONS[scenario],
    },
    currency: 'EUR',
    document: invoicePdfBase64([
      `Invoice ${invoiceNumber}`,
      `Seller: ${seller.name ?? ''} (${seller.identifier ?? ''})`,
      `Buyer: ${buyer.name ?? ''} (${buyer.identifier ?? ''})`,
      `Total: ${((net + tax) / 100).toFixed(2)} EUR incl. VAT`,
      `Scenario: ${scenario}`,
    ]),
  };
  return { pdf_download_url: `${options.baseUrl}/_emulator/sandbox-pdf/${invoiceNumber}.pdf`, invoice_creation_payload: payload };
}

/** A small, valid one-page PDF (correct xref offsets) with the given lines, base64-encoded. */
export function invoicePdfBase64(lines: readonly string[]): string {
  const escape = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
  const text = lines.map((line, i) => `BT /F1 12 Tf 72 ${760 - i * 18} Td (${escape(line)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1').toString('base64');
}
