/**
 * The Odoo addon's files without an Odoo server: every Python file compiles, every XML file
 * parses, the manifest names files that exist, and the addon's Python unit tests pass (among
 * them the shared panel-token vectors). The real-Odoo check is scripts/odoo-addon-check.mjs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';

const root = new URL('../../../addon-bridge/', import.meta.url).pathname;
const addon = join(root, 'sync_studio_bridge');

function files(dir: string, extension: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__pycache__' ? [] : files(path, extension);
    return path.endsWith(extension) ? [path] : [];
  });
}

function python(args: string[]): string {
  return execFileSync('python3', ['-B', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('addon-bridge files', () => {
  test('every Python file compiles', () => {
    const sources = files(root, '.py');
    assert.ok(sources.length >= 8, `expected the addon's Python files, found ${sources.length}`);
    python(['-c', 'import sys\nfor path in sys.argv[1:]:\n    compile(open(path, encoding="utf-8").read(), path, "exec")', ...sources]);
  });

  test('every XML file parses', () => {
    const documents = files(addon, '.xml');
    assert.ok(documents.length >= 5);
    for (const path of documents) {
      const result = XMLValidator.validate(readFileSync(path, 'utf8'));
      assert.equal(result, true, `${relative(root, path)}: ${JSON.stringify(result)}`);
    }
  });

  test('the manifest is Odoo 16, LGPL-3, depends on base and web, and lists files that exist', () => {
    const manifest = JSON.parse(
      python([
        '-c',
        'import ast, json, sys; print(json.dumps(ast.literal_eval(open(sys.argv[1]).read())))',
        join(addon, '__manifest__.py'),
      ]),
    ) as { version: string; license: string; depends: string[]; data: string[]; assets: Record<string, string[]> };
    assert.match(manifest.version, /^16\.0\.\d+\.\d+\.\d+$/);
    assert.equal(manifest.license, 'LGPL-3');
    assert.deepEqual(manifest.depends, ['base', 'web']);
    for (const file of manifest.data) assert.ok(existsSync(join(addon, file)), `${file} is in the manifest but missing`);
    for (const pattern of Object.values(manifest.assets).flat()) {
      const folder = pattern.replace(/^sync_studio_bridge\//, '').replace(/\/\*$/, '');
      assert.ok(readdirSync(join(addon, folder)).length > 0, `${pattern} matches no file`);
    }
  });

  test("the addon's Python unit tests pass (shared token vectors, secret, roles)", () => {
    const output = execFileSync('python3', ['-B', '-m', 'unittest', 'discover', '-s', join(root, 'tests')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal(output, '');
  });
});
