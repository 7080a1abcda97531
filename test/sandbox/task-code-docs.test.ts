/**
 * docs/task-code.md covers every name task code sees: each global of the evaluation context that is
 * not standard JavaScript, every export of the built-in plugins, and each handler name.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { builtInPlugins } from '../../server/src/plugins/index.js';
import { createSandboxPool, type SandboxPool } from '../../server/src/sandbox/index.js';
import { packageRoot } from '../../server/src/shared/paths.js';
import { makeRequest, RecordingPowers } from './helpers.js';

let pool: SandboxPool;
before(() => {
  pool = createSandboxPool({ workers: 1, memoryMb: 128 });
});
after(() => pool.close());

test('docs/task-code.md names every global, plugin export and handler task code has', async () => {
  const doc = await readFile(join(packageRoot, 'docs', 'task-code.md'), 'utf8');
  const outcome = await pool.run(
    makeRequest({ code: 'function handle_cron() { return Object.getOwnPropertyNames(globalThis); }' }),
    new RecordingPowers(),
  );
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message);
  // Standard JavaScript (what Node's own global object has too) needs no page of ours.
  const names = (outcome.result as string[]).filter((name) => !Object.getOwnPropertyNames(globalThis).includes(name));
  assert.ok(names.includes('env') && names.includes('add_job'), names.join(', '));
  const exports = builtInPlugins().flatMap((plugin) => plugin.exportNames);
  const handlers = ['handle_cron', 'handle_db', 'handle_webhook', 'handle_button'];
  const missing = [...names, ...exports, ...handlers].filter((name) => !doc.includes(`\`${name}`));
  assert.deepEqual(missing, [], `not in docs/task-code.md: ${missing.join(', ')}`);
});
