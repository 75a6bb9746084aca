// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports a workflow may never make: they break determinism or pull I/O into the sandbox. */
const workflowForbiddenImports = {
  patterns: [
    {
      group: ['node:*'],
      message: 'Workflows are deterministic: no Node builtins. Do I/O in an activity.',
    },
    {
      group: ['got', 'got/*'],
      message: 'Workflows do no HTTP. Call an activity instead.',
    },
    {
      group: ['**/defacto', '**/defacto/**', '**/emulator', '**/emulator/**', '**/http', '**/http/**', '**/config', '**/config.*'],
      message: 'Workflows import only src/domain and `import type` of activities.',
    },
  ],
  paths: [
    'fs', 'fs/promises', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'dns', 'process',
    'stream', 'url', 'util', 'worker_threads', 'timers', 'events',
  ].map((name) => ({ name, message: 'Workflows are deterministic: no Node builtins.' })),
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.cache/**', '**/*.tmp.ts', 'coverage/**', 'test/replay/histories/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'src/codec/*.cjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // Modules the Temporal SDK loads by path with require() (the failure converter).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', workflowForbiddenImports],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflows read their settings from input, not process.env.' },
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
      ],
    },
  },
);
