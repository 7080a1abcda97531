// Lint: typescript-eslint's recommended rules, plus the one-way dependency rule between
// capabilities (server/README.md, "Layout", draws it). Imports are resolved
// to their .ts files by the TypeScript resolver, so `'../db/index.js'` is seen as `db/index.ts`.
// test/layers/lint.test.ts proves that a wrong-way import of every layer fails this config.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const src = './server/src';

/**
 * What each part of server/src may import (besides itself and packages). Every top-level folder
 * is listed (test/layers/lint.test.ts checks that none is missing). The sandbox is split: the worker thread
 * (`worker/`, `endowments/`) never imports host code, the host (`host/`) never imports the
 * worker's, and both share `protocol.ts`, `message-batch.ts`, `log-journal.ts` and `source/`.
 */
export const layers = {
  shared: [],
  // Task code's egress policy: the address rules (which config parses SYNC_STUDIO_EGRESS_ALLOW
  // with) sit at the bottom; the HTTP client that enforces them sits beside the sandbox it serves.
  'egress/policy.ts': ['shared'],
  'egress/agents.ts': ['egress/policy.ts'],
  'egress/secret-handles.ts': ['sandbox/index.ts', 'shared'],
  'egress/task-http.ts': ['egress/agents.ts', 'egress/policy.ts', 'egress/secret-handles.ts', 'sandbox/index.ts', 'shared'],
  'egress/index.ts': ['egress/policy.ts', 'egress/secret-handles.ts', 'egress/task-http.ts'],
  config: ['egress/policy.ts', 'shared'],
  // The typed API contract: every /api route's request and response schemas (zod). Packages and the
  // sandbox's message contract only, so every layer (and the panel, type-only) may import it.
  contract: ['sandbox/protocol.ts'],
  // What every capability's routes share: the request context (principal, role check), input readers,
  // and `serve`, which answers a route of the contract with its input checked.
  api: ['auth', 'contract', 'shared'],
  db: ['shared'],
  secrets: ['db', 'shared'],
  auth: ['contract', 'shared'],
  odoo: ['shared'],
  plugins: ['api', 'contract', 'odoo', 'shared'],
  'sandbox/protocol.ts': [],
  'sandbox/message-batch.ts': [],
  'sandbox/log-journal.ts': ['sandbox/protocol.ts'],
  'sandbox/source': ['sandbox/protocol.ts'],
  'sandbox/endowments': ['sandbox/protocol.ts'],
  'sandbox/worker': ['sandbox/protocol.ts', 'sandbox/message-batch.ts', 'sandbox/log-journal.ts', 'sandbox/source', 'sandbox/endowments'],
  'sandbox/host': ['sandbox/protocol.ts', 'sandbox/message-batch.ts', 'sandbox/log-journal.ts', 'sandbox/source', 'shared'],
  'sandbox/index.ts': ['sandbox/protocol.ts', 'sandbox/source', 'sandbox/host'],
  // Link rows and log levels are part of the sandbox's message contract, which these folders store.
  links: ['api', 'contract', 'db', 'sandbox/protocol.ts', 'shared'],
  history: ['api', 'auth', 'contract', 'db', 'sandbox/protocol.ts', 'shared'],
  projects: ['api', 'auth', 'contract', 'db', 'history', 'secrets', 'shared'],
  jobs: ['api', 'contract', 'db', 'egress/index.ts', 'history', 'odoo', 'plugins', 'projects', 'sandbox/index.ts', 'secrets', 'shared'],
  triggers: ['api', 'auth', 'contract', 'db', 'history', 'jobs', 'odoo', 'projects', 'shared'],
  // Prometheus metrics: the sandbox pool, the job table and the DB event outbox, read when scraped.
  metrics: ['auth', 'db', 'sandbox/index.ts', 'shared', 'triggers'],
  // The app, its middleware and error handling; the capabilities' route groups are handed to it.
  http: ['api', 'auth', 'contract', 'shared'],
  'main.ts': [
    'api',
    'auth',
    'contract',
    'config',
    'db',
    'egress/index.ts',
    'http',
    'jobs',
    'links',
    'metrics',
    'odoo',
    'plugins',
    'projects',
    'history',
    'sandbox/index.ts',
    'secrets',
    'shared',
    'triggers',
  ],
  cli: ['config', 'db', 'main.ts', 'projects', 'secrets', 'shared', 'triggers'],
};

const parts = Object.keys(layers);
const zones = parts.map((part) => ({
  target: `${src}/${part}`,
  from: parts.filter((other) => other !== part && !layers[part].includes(other)).map((other) => `${src}/${other}`),
  message: `${part} may import only: ${layers[part].join(', ') || 'packages'} (server/README.md, "Layout")`,
}));
export default tseslint.config(
  { ignores: ['dist/', 'dist-test/', 'node_modules/', 'ui/dist/', '.data/', '.cache/', 'test/fixtures/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The Odoo addon's web client code runs in the browser, inside Odoo's module system.
    files: ['addon-bridge/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly' } },
  },
  {
    // The panel takes only types from the server (the API contract): no zod or server code in the bundle.
    files: ['ui/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**'],
              allowTypeImports: true,
              message: 'the panel imports only types from the server: use `import type` (ui/src/api/types.ts)',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON response bodies whose shape each assertion checks.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
);
