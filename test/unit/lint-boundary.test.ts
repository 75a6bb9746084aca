import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

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

// The first type-aware lint builds the TypeScript program of the project: slow, so done once up front.
beforeAll(async () => {
  await lint('src/domain', 'export const warmUp = 1;\n');
}, 180_000);

async function lintWorkflowSource(code: string): Promise<string[]> {
  const messages = await lint('src/workflows', code);
  return messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the workflow lint boundary', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'a Node builtin'],
    ["import { request } from 'undici';\nexport const x = request;\n", 'an HTTP client'],
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

  it('refuses a workflow file importing the activities as values (only `import type`)', async () => {
    const errors = await lintWorkflowSource("import { createActivities } from '../activities';\nexport const x = createActivities;\n");
    expect(errors.some((e) => e.startsWith('layers/boundaries'))).toBe(true);
  });

  it('flags a floating promise anywhere in the project', async () => {
    const messages = await lint('src', 'async function f(): Promise<void> {}\nf();\n');
    expect(messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-floating-promises');
  });
});

/** The `layers/boundaries` errors of a probe file in `dir` importing `specifier`. */
async function layerErrors(dir: string, specifier: string, typeOnly = false): Promise<string[]> {
  const code = typeOnly
    ? `import type * as probe from '${specifier}';\nexport type Probe = typeof probe;\n`
    : `import * as probe from '${specifier}';\nexport const x = probe;\n`;
  const messages = await lint(dir, code);
  return messages.filter((m) => m.ruleId === 'layers/boundaries').map((m) => m.message);
}

describe('the layer boundaries of src (one-way imports; nothing imports an entry point)', () => {
  it.each([
    ['src/domain', '../defacto', 'domain imports nothing of ours'],
    ['src/domain', '../logging', 'domain imports nothing of ours (not even the logger)'],
    ['src/defacto', '../activities', 'defacto only domain: not the activities'],
    ['src/defacto', '../config', 'defacto only domain: not the configuration'],
    ['src/defacto', '../workflows/messages', 'defacto knows nothing of Temporal'],
    ['src/activities', '../workflows/activity-options', 'activities only domain and defacto'],
    ['src/activities', '../http/app', 'activities never reach the inbound edge'],
    ['src/workflows', '../defacto/errors', 'workflows only domain'],
    ['src/workflows', '../loans/start-loan', 'workflows only domain'],
    ['src/emulator', '../defacto/client', 'the emulator shares only the wire types'],
    ['src/emulator', '../activities', 'the emulator shares only the wire types'],
    ['src/http', '../starter', 'http never imports an entry point (starter)'],
    ['src/http', '../worker', 'http never imports an entry point (worker)'],
    ['src/http', '../emulator/app', 'http never imports the emulator'],
    ['src/http', '../activities', 'http never runs activities'],
    ['src/http', '../workflows/loan-lifecycle', 'http knows the workflow messages, not the workflow code'],
    ['src/loans', '../http/app', 'src/loans never imports the inbound edge'],
    ['src/loans', '../emulator/app', 'src/loans never imports the emulator'],
    ['src/http', '../stack', 'http never imports the stack builder'],
    ['src/stack', '../worker', 'the stack builder uses src/loans, not the worker entry point'],
    ['src/cluster', '../defacto', 'the cluster runner imports only support modules'],
    ['scripts', '../src/worker', 'scripts import library modules, not entry points'],
    ['bench', '../src/http/server', 'harnesses import library modules, not entry points'],
  ])('refuses %s importing %s (%s)', async (dir, specifier) => {
    expect(await layerErrors(dir, specifier)).not.toEqual([]);
  });

  it('refuses a file of src that belongs to no layer', async () => {
    const messages = await lint('src', 'export const orphan = 1;\n');
    expect(messages.filter((m) => m.ruleId === 'layers/boundaries').map((m) => m.message).join()).toMatch(/belongs to no layer/);
  });

  it.each([
    ['src/defacto', '../domain/defacto-failures', false],
    ['src/activities', '../defacto', false],
    ['src/workflows', '../activities/types', true],
    ['src/emulator', '../defacto/wire', false],
    ['src/emulator', '../defacto/wire/loans', false],
    ['src/http', '../loans/start-loan', false],
    ['src/http', '../workflows/messages', false],
    ['src/loans', '../workflows', false],
    ['src/loans', '../activities', false],
    ['src/stack', '../emulator/app', false],
    ['src/cluster', '../namespace-setup', false],
    ['scripts', '../src/loans/loan-worker', false],
  ])('accepts %s importing %s (type-only: %s)', async (dir, specifier, typeOnly) => {
    expect(await layerErrors(dir, specifier, typeOnly)).toEqual([]);
  });
});
