/**
 * The layer rule of eslint.config.js holds: every part of server/src is covered, an import that
 * runs the wrong way fails lint (the kept fixture, and every forbidden pair of parts), and every
 * allowed import passes. Lints text in memory with the project's own config and resolver.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import { ESLint } from 'eslint';
import { packageRoot } from '../../server/src/shared/paths.js';

const src = join(packageRoot, 'server', 'src');
const RULE = 'import-x/no-restricted-paths';
let eslint: ESLint;
let layers: Record<string, string[]>;

before(async () => {
  eslint = new ESLint({ cwd: packageRoot });
  ({ layers } = await import(pathToFileURL(join(packageRoot, 'eslint.config.js')).href));
});

/** The layer-rule messages ESLint reports for `code` placed at `file` (relative to server/src). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(src, file) });
  const fatal = result!.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${file} must parse`);
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

/** Where a probe file of `part` sits, and a real module of `part` another part can import. */
function probeOf(part: string): string {
  return part.endsWith('.ts') ? part : `${part}/layer-probe.ts`;
}
function moduleOf(part: string): string {
  if (part.endsWith('.ts')) return part;
  if (existsSync(join(src, part, 'index.ts'))) return `${part}/index.ts`;
  const first = readdirSync(join(src, part)).find((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  return `${part}/${first}`;
}
function importLine(fromFile: string, module: string): string {
  let path = relative(dirname(join(src, fromFile)), join(src, module)).replace(/\.ts$/, '.js');
  if (!path.startsWith('.')) path = `./${path}`;
  return `import * as probe from '${path}';\nexport const keep = probe;\n`;
}

test('the kept wrong-way fixture fails lint where it breaks the rule and passes where the import is allowed', async () => {
  const fixture = readFileSync(join(packageRoot, 'test', 'fixtures', 'layers', 'shared-imports-db.ts'), 'utf8');
  const errors = await layerErrors('shared/wrong-way.ts', fixture);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /shared may import only/);
  assert.deepEqual(await layerErrors('jobs/right-way.ts', fixture), []);
});

test('every folder and top-level file of server/src belongs to a layer', () => {
  const covered = (path: string) => Object.keys(layers).some((part) => path === part || path.startsWith(`${part}/`));
  const uncovered: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(join(src, dir))) {
      const path = dir ? `${dir}/${name}` : name;
      if (covered(path)) continue;
      if (statSync(join(src, path)).isDirectory()) visit(path);
      else if (name.endsWith('.ts')) uncovered.push(path);
    }
  };
  visit('');
  assert.deepEqual(uncovered, []);
});

test('every forbidden import between two parts fails lint, and every allowed one passes', async () => {
  const parts = Object.keys(layers);
  const wrong: string[] = [];
  for (const part of parts) {
    for (const other of parts) {
      if (other === part) continue;
      const errors = await layerErrors(probeOf(part), importLine(probeOf(part), moduleOf(other)));
      const allowed = layers[part]!.includes(other);
      if (allowed !== (errors.length === 0)) wrong.push(`${part} → ${other}: ${allowed ? `refused (${errors[0]})` : 'passed'}`);
    }
  }
  assert.deepEqual(wrong, []);
});
