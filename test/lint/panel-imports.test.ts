/**
 * The panel takes only types from the server: a value import of the API contract (which would put
 * zod and server code into the browser bundle) fails lint, a type-only import passes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { packageRoot } from '../../server/src/shared/paths.js';

async function lintPanelFile(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: packageRoot });
  const [result] = await eslint.lintText(code, { filePath: join(packageRoot, 'ui', 'src', 'api', 'probe.ts') });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

test('a value import from server/ in the panel fails lint; a type-only import passes', async () => {
  const contract = '../../../server/src/contract/index.js';
  const value = await lintPanelFile(`import { triggerKinds } from '${contract}';\nexport const kinds = triggerKinds;\n`);
  assert.equal(value.length, 1);
  assert.match(value[0]!, /no-restricted-imports: .*import type/);
  assert.deepEqual(await lintPanelFile(`import type { Project } from '${contract}';\nexport type P = Project;\n`), []);
});
