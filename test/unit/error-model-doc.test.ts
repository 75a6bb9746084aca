/**
 * docs/error-model.md describes the code exactly: its table is read and checked against the one
 * retryability table (`DEFACTO_FAILURES`) and the status mapping the client uses.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/defacto/retry-policy';
import { ERROR_CLASS_BY_TYPE, errorFromResponse } from '../../src/defacto/errors';
import {
  DEFACTO_FAILURE_TYPES, DEFACTO_FAILURES, failureTypeForStatus, type DefactoFailureType,
} from '../../src/domain/defacto-failures';

interface DocRow {
  readonly failure: string;
  readonly type: DefactoFailureType;
  readonly retry: string;
  readonly temporal: string;
}

/** The rows of the `## Table` section whose class column names a failure type. */
function docRows(): DocRow[] {
  const doc = readFileSync(new URL('../../docs/error-model.md', import.meta.url), 'utf8');
  const section = doc.split('## Table')[1]?.split('\n## ')[0] ?? '';
  const rows: DocRow[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| HTTP status')) continue;
    const cells = line.slice(1, -1).split(' | ').map((cell) => cell.trim());
    const type = /`(Defacto\w+Error)`/.exec(cells[2] ?? '')?.[1];
    if (!type) continue;
    rows.push({ failure: cells[0] ?? '', type: type as DefactoFailureType, retry: cells[3] ?? '', temporal: cells[4] ?? '' });
  }
  return rows;
}

const site = { method: 'GET', pathTemplate: '/loans' };

describe('docs/error-model.md matches the code', () => {
  const rows = docRows();

  it('names every failure type of the table, and no other', () => {
    expect(rows.length).toBeGreaterThanOrEqual(DEFACTO_FAILURE_TYPES.length);
    expect(new Set(rows.map((row) => row.type))).toEqual(new Set(DEFACTO_FAILURE_TYPES));
  });

  it('gives each failure type the retry decision of the table and of classify', () => {
    for (const row of rows) {
      const expected = DEFACTO_FAILURES[row.type].retry;
      expect(row.retry.startsWith('fail fast') ? 'fail_fast' : row.retry === 'retry' ? 'retryable' : row.retry, row.type).toBe(expected);
      expect(classify(new ERROR_CLASS_BY_TYPE[row.type]('x', site)).kind === 'fail_fast', row.type).toBe(expected === 'fail_fast');
      expect(row.temporal.includes('non-retryable') || row.temporal.includes('nonRetryable: true'), row.type).toBe(expected === 'fail_fast');
    }
  });

  it('maps every HTTP status it lists to the class it names', () => {
    let statuses = 0;
    for (const row of rows) {
      for (const status of row.failure.match(/\b[1-5]\d\d\b/g) ?? []) {
        statuses += 1;
        expect(failureTypeForStatus(Number(status)), `HTTP ${status}`).toBe(row.type);
        expect(errorFromResponse({ ...site, status: Number(status), body: undefined, headers: {} }).name).toBe(row.type);
      }
    }
    expect(statuses).toBeGreaterThanOrEqual(12);
  });

  it('lists every exact status of the table', () => {
    const documented = new Set(rows.flatMap((row) => (row.failure.match(/\b[1-5]\d\d\b/g) ?? []).map(Number)));
    for (const type of DEFACTO_FAILURE_TYPES) {
      for (const status of DEFACTO_FAILURES[type].statuses) expect(documented.has(status), `HTTP ${status}`).toBe(true);
    }
  });
});
