/**
 * Sandbox scenario IBANs (digest §3.3, §8): valid mod-97 French IBANs, bank `11111`, branch `0X559`
 * where X encodes the scenario. Any other IBAN behaves as SUCCESS.
 */
import type { Scenario } from '../defacto/wire';
import { SANDBOX_BANK_CODE, SCENARIO_BRANCH_CODES } from './assumptions';

const BRANCH_TO_SCENARIO = new Map<string, Scenario>(
  Object.entries(SCENARIO_BRANCH_CODES).map(([scenario, branch]) => [branch, scenario as Scenario]),
);

/** Removes spaces and upper-cases an IBAN. */
export function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase();
}

/** The scenario a (possibly unknown) IBAN triggers. */
export function scenarioOfIban(iban: string | null | undefined): Scenario {
  if (!iban) return 'SUCCESS';
  const n = normalizeIban(iban);
  if (!n.startsWith('FR') || n.length !== 27 || n.slice(4, 9) !== SANDBOX_BANK_CODE) return 'SUCCESS';
  return BRANCH_TO_SCENARIO.get(n.slice(9, 14)) ?? 'SUCCESS';
}

/** Whether an IBAN is one of the sandbox scenario IBANs (bank code 11111). */
export function isSandboxIban(iban: string): boolean {
  const n = normalizeIban(iban);
  return n.startsWith('FR') && n.length === 27 && n.slice(4, 9) === SANDBOX_BANK_CODE;
}

/** ISO 13616 mod-97 of an IBAN-style digit string with letters expanded (A=10 … Z=35). */
function mod97(text: string): number {
  let remainder = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

/** Builds a valid IBAN from a country code and a BBAN (computes the check digits). */
export function ibanFromBban(country: string, bban: string): string {
  const check = 98 - mod97(`${bban}${country}00`);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

/** Whether an IBAN's check digits are valid. */
export function isValidIban(iban: string): boolean {
  const n = normalizeIban(iban);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(n)) return false;
  return mod97(`${n.slice(4)}${n.slice(0, 4)}`) === 1;
}

/** A fresh scenario IBAN; the last 13 digits are random (the embedded RIB key is not valid, as observed). */
export function generateScenarioIban(scenario: Scenario, random: () => number): string {
  let tail = '';
  for (let i = 0; i < 13; i += 1) tail += String(Math.floor(random() * 10));
  return ibanFromBban('FR', `${SANDBOX_BANK_CODE}${SCENARIO_BRANCH_CODES[scenario]}${tail}`);
}
