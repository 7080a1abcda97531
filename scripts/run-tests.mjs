#!/usr/bin/env node
// Builds the whole tree into an emptied folder (dist-test/) and runs its compiled test files
// (*.test.js) with Node's own test runner. The folder is emptied first so a deleted or renamed
// test never runs from an old build.
// Usage: node scripts/run-tests.mjs [substring filter ...]   (e.g. test/triggers)
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

// Beside dist/ (same depth), so tests that find the repository from their own file keep working.
const outDir = 'dist-test';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

rmSync(outDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', outDir, '--incremental', 'false'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const filters = process.argv.slice(2);
const files = walk(outDir)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ') || 'anything'} under ${outDir}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // --test-force-exit: a file whose tests have all finished is ended rather than left to hit the
  // per-file time limit because of a handle nobody awaits (seen: a MessagePort left open after the
  // DB-trigger PostgreSQL-restart test passed; to be tracked down). Each test still has its limit.
  [
    '--enable-source-maps',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    '--test-timeout=120000',
    '--test-force-exit',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
