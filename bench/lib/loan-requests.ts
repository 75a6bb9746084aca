/** The loans the benchmark starts: generated borrower and invoice, auto validation, a scenario per index. */
import type { Scenario } from '../../src/domain/loan';
import { parseLoanRequest, type LoanRequest } from '../../src/domain/schemas';

/** Scenario of loan `index`: all SUCCESS, or a fixed mix (70 % SUCCESS, 10 % each FAIL, REJECT, CANCEL). */
export function scenarioFor(mix: 'success' | 'mixed', index: number): Scenario {
  if (mix === 'success') return 'SUCCESS';
  const slot = index % 10;
  return slot === 7 ? 'FAIL' : slot === 8 ? 'REJECT' : slot === 9 ? 'CANCEL' : 'SUCCESS';
}

/** Counts of each scenario among loans `0 … count-1`. */
export function scenarioCounts(mix: 'success' | 'mixed', count: number, only?: Scenario): Partial<Record<Scenario, number>> {
  const counts: Partial<Record<Scenario, number>> = {};
  for (let i = 0; i < count; i += 1) {
    const s = only ?? scenarioFor(mix, i);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

/** A validated request; `reference` becomes the workflow ID (`loan-ref-<reference>`). */
export function loanRequest(reference: string, scenario: Scenario): LoanRequest {
  const parsed = parseLoanRequest({
    requestReference: reference,
    borrower: { generate: true },
    invoice: { generate: true, scenario },
    loan: { autoValidate: true },
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
