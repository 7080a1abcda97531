// Lint: typescript-eslint's recommended rules, plus the one-way dependency rule between
// capabilities (STYLE.md "Layout by capability"): lower layers never import higher ones, and the
// sandbox worker never imports host code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const src = './server/src';
const zone = (target, from, message) => ({ target: `${src}/${target}`, from: from.map((f) => `${src}/${f}`), message });
const higher = ['main.ts', 'cli', 'http', 'triggers', 'jobs'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'ui/dist/', '.data/', '.cache/'] },
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
    // Tests read JSON response bodies whose shape each assertion checks.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone(
              'shared',
              ['config', 'db', 'projects', 'runs', 'links', 'sandbox', 'odoo', 'secrets', 'auth', ...higher],
              'shared/ is the bottom layer',
            ),
            zone(
              'config',
              ['db', 'projects', 'runs', 'links', 'sandbox', 'odoo', 'secrets', 'auth', ...higher],
              'config/ depends on shared/ only',
            ),
            zone('db', ['projects', 'runs', 'links', 'sandbox', 'odoo', ...higher], 'db/ sits below the capabilities'),
            zone('projects', higher, 'capabilities must not import http/triggers/jobs/cli'),
            zone('runs', higher, 'capabilities must not import http/triggers/jobs/cli'),
            zone('links', higher, 'capabilities must not import http/triggers/jobs/cli'),
            zone('odoo', higher, 'capabilities must not import http/triggers/jobs/cli'),
            zone(
              'sandbox/worker',
              ['config', 'db', 'projects', 'runs', 'links', 'odoo', 'secrets', 'auth', 'sandbox/host', ...higher],
              'the sandbox worker must not import host code',
            ),
          ],
        },
      ],
    },
  },
);
