// @ts-check
import { dirname, relative, resolve } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/**
 * The layers of `src` and what each may import of our own code (one-way imports; docs/architecture.md).
 * A module is named by its path from the repository root without extension; a folder entry covers the
 * folder and everything under it. Every file of `src` belongs to exactly one layer or is an entry point.
 */
const LAYERS = {
  domain: { modules: ['src/domain'], may: [], why: 'src/domain is pure: it imports nothing of ours' },
  defacto: { modules: ['src/defacto'], may: ['domain', 'logging'], why: 'src/defacto knows HTTP, not Temporal: it imports only src/domain (and the logger type)' },
  activities: { modules: ['src/activities'], may: ['domain', 'defacto', 'logging', 'metricNames'], why: 'src/activities import only src/domain and src/defacto (and the metric catalogue)' },
  workflows: { modules: ['src/workflows'], may: ['domain', 'metricNames'], typeOnly: ['activities'], why: 'workflows import only src/domain (and the metric catalogue), and `import type` of src/activities' },
  emulator: { modules: ['src/emulator'], may: ['domain', 'wire', 'logging'], why: 'the emulator shares only the wire types of src/defacto (and src/domain)' },
  http: { modules: ['src/http'], may: ['domain', 'defacto', 'messages', 'loans', 'logging', 'metricNames'], why: 'src/http imports src/domain, src/defacto, src/loans, the workflow message definitions and the metric catalogue, never an entry point' },
  loans: { modules: ['src/loans'], may: ['domain', 'defacto', 'activities', 'workflows', 'support', 'logging', 'codec', 'observability'], why: 'src/loans (start, watch, run loans) imports the layers below it, never src/http, the emulator or an entry point' },
  stack: { modules: ['src/stack'], may: ['domain', 'defacto', 'activities', 'emulator', 'http', 'loans', 'support', 'logging', 'codec', 'observability'], why: 'the stack builder assembles the layers, never through an entry point' },
  cluster: { modules: ['src/cluster'], may: ['support', 'logging'], why: 'src/cluster runs Temporal and PostgreSQL processes: it imports only support modules' },
  support: {
    modules: ['src/config', 'src/cli', 'src/command-line', 'src/temporal-runtime', 'src/dev-server', 'src/namespace-setup'],
    may: ['logging', 'messages', 'codec', 'metricNames'],
    why: 'support modules (config, command line, runtime, dev server, namespace setup) import only the logger, src/codec, the workflow message definitions and the metric catalogue',
  },
  observability: {
    modules: ['src/observability'], may: ['support', 'logging'], typeOnly: ['workflows'],
    why: 'src/observability (tracing set-up, the workflow-metrics sink, the Prometheus runner) imports only support modules, the logger and types of the workflow sink',
  },
  logging: { modules: ['src/logging'], may: [], why: 'src/logging imports nothing of ours' },
  codec: { modules: ['src/codec'], may: [], why: 'src/codec (payload encryption, search tags) imports nothing of ours' },
  // Sub-modules other layers may name on their own.
  wire: { modules: ['src/defacto/wire'], may: [], part: true },
  messages: { modules: ['src/workflows/messages', 'src/workflows/search-attributes'], may: [], part: true },
  // The metric catalogue: names and definitions only, pure, named by workflows, activities, the edge and the runtime.
  metricNames: { modules: ['src/observability/metric-names'], may: [], part: true },
};

/** Programs: they may import any layer; nothing may import them. */
const ENTRY_POINTS = ['src/worker', 'src/starter', 'src/http/server', 'src/emulator/server', 'src/codec/server'];

/** @param {string} module @param {string} prefix */
const within = (module, prefix) => module === prefix || module.startsWith(`${prefix}/`);

/** @param {string} module @returns {string | undefined} the layer of a module (parts excluded) */
function layerOf(module) {
  return Object.entries(LAYERS).find(([, layer]) => !('part' in layer) && layer.modules.some((m) => within(module, m)))?.[0];
}

/** @param {string} module @param {string} name */
function inLayer(module, name) {
  const layer = /** @type {Record<string, { modules: string[] }>} */ (LAYERS)[name];
  return layer !== undefined && layer.modules.some((m) => within(module, m));
}

/** @param {string} file an absolute path @returns {string} its module name */
function moduleOf(file) {
  return relative(root, file).split('\\').join('/').replace(/\.(d\.)?[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
}

/** @type {import('eslint').Rule.RuleModule} */
const layerBoundaries = {
  meta: { type: 'problem', schema: [], docs: { description: 'One-way imports between the layers of src; nothing imports an entry point.' } },
  create(context) {
    const from = moduleOf(context.filename);
    const fromLayer = layerOf(from);
    const isEntry = ENTRY_POINTS.includes(from);
    const inSrc = within(from, 'src');
    /** @param {any} node @param {any} source @param {boolean} typeOnly */
    const check = (node, source, typeOnly) => {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = moduleOf(resolve(dirname(context.filename), source.value));
      if (ENTRY_POINTS.includes(target)) {
        context.report({ node, message: `${target}.ts is an entry point (a program): import the library module it uses instead.` });
        return;
      }
      if (!inSrc || isEntry || !within(target, 'src')) return;
      if (!fromLayer) return; // reported once, on the file
      const targetLayer = layerOf(target);
      if (targetLayer === fromLayer) return;
      const rules = /** @type {{ may: string[], typeOnly?: string[], why: string }} */ (/** @type {Record<string, unknown>} */ (LAYERS)[fromLayer]);
      if (rules.may.some((name) => inLayer(target, name))) return;
      if (typeOnly && (rules.typeOnly ?? []).some((name) => inLayer(target, name))) return;
      context.report({ node, message: `${from}.ts may not import ${target}: ${rules.why}.` });
    };
    /** @param {any} node */
    const allTypes = (node) => node.importKind === 'type' || node.exportKind === 'type'
      || (node.specifiers?.length > 0 && node.specifiers.every((/** @type {any} */ s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      Program: (node) => {
        if (inSrc && !isEntry && !fromLayer) {
          context.report({ node, message: `${from}.ts belongs to no layer: add it to LAYERS in eslint.config.js (or to ENTRY_POINTS).` });
        }
      },
      ImportDeclaration: (node) => check(node, node.source, allTypes(node)),
      ExportNamedDeclaration: (node) => check(node, node.source, allTypes(node)),
      ExportAllDeclaration: (node) => check(node, node.source, allTypes(node)),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : undefined, false),
    };
  },
};

/** Imports a workflow may never make: they break determinism or pull I/O into the sandbox. */
const workflowForbiddenImports = {
  patterns: [
    {
      group: ['node:*'],
      message: 'Workflows are deterministic: no Node builtins. Do I/O in an activity.',
    },
    {
      group: ['undici', 'undici/*', 'got', 'got/*'],
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
    files: ['src/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    plugins: { layers: { rules: { boundaries: layerBoundaries } } },
    rules: { 'layers/boundaries': 'error' },
  },
  {
    // src/domain is imported by workflows, so it obeys their determinism rules too.
    files: ['src/domain/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', workflowForbiddenImports] },
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
