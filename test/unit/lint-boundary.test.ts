import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** Lints `code` as a real file in `dir` (type-aware rules need the file on disk), then removes it. */
async function lint(dir: string, code: string): Promise<ESLint.LintResult['messages']> {
  const file = join(process.cwd(), dir, `lint-probe-${randomUUID()}.ts`);
  writeFileSync(file, code);
  try {
    const [result] = await eslint.lintFiles([file]);
    return result?.messages ?? [];
  } finally {
    rmSync(file, { force: true });
  }
}

async function lintWorkflowSource(code: string): Promise<string[]> {
  const messages = await lint('src/workflows', code);
  return messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the workflow lint boundary', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'a Node builtin'],
    ["import got from 'got';\nexport const x = got;\n", 'got'],
    ["import { DefactoClient } from '../defacto/client';\nexport const x = DefactoClient;\n", 'the Defacto client'],
    ["import { loadConfig } from '../config';\nexport const x = loadConfig;\n", 'config'],
    ["import { buildEmulator } from '../emulator/app';\nexport const x = buildEmulator;\n", 'the emulator'],
  ])('refuses a workflow file importing %#: %s', async (code, _what) => {
    const errors = await lintWorkflowSource(code);
    expect(errors.some((e) => e.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  it('refuses process.env in a workflow file', async () => {
    const errors = await lintWorkflowSource('export const level = process.env.LOG_LEVEL;\n');
    expect(errors.some((e) => e.startsWith('no-restricted-globals'))).toBe(true);
  });

  it('accepts the Temporal workflow API and type-only imports of activities', async () => {
    const code = [
      "import { sleep } from '@temporalio/workflow';",
      "import type { Activities } from '../activities';",
      'export async function probe(a: Activities | undefined): Promise<void> {',
      '  void a;',
      '  await sleep(1);',
      '}',
      '',
    ].join('\n');
    const errors = await lintWorkflowSource(code);
    expect(errors.filter((e) => e.includes('restricted'))).toEqual([]);
  });

  it('flags a floating promise anywhere in the project', async () => {
    const messages = await lint('src', 'async function f(): Promise<void> {}\nf();\n');
    expect(messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-floating-promises');
  });
});
