/**
 * The panel bundle's weight (issue 12's target: the first screen's JavaScript ≤ 150 KB gzipped):
 * the first screen is index.html's module and every chunk it imports statically; dynamic imports
 * (the CodeMirror editor) load later. Prints raw and gzipped bytes for both and the whole bundle.
 *
 * Usage: npm run build && node dist/bench/panel-bundle.js
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { panelDist } from '../server/src/http/panel.js';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const size = (file: string) => {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};

/** Chunks a module imports statically (`import"./x.js"`, `from"./x.js"`), not `import("./x.js")`. */
function staticImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.{1,2}\/[^"']+\.js)["']/g)].map((m) => join(dirname(file), m[1]!));
}

const html = readFileSync(join(panelDist, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => join(panelDist, m[1]!.replace(/^\.\//, '')));
const firstScreen = new Set<string>();
const visit = (file: string) => {
  if (firstScreen.has(file)) return;
  firstScreen.add(file);
  staticImports(file).forEach(visit);
};
entries.forEach(visit);

const all = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
})(panelDist).filter((f) => f.endsWith('.js'));

const total = (files: Iterable<string>) =>
  [...files].map(size).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });
for (const file of all) {
  const s = size(file);
  console.log(
    `${firstScreen.has(file) ? 'first screen' : 'on demand   '}  ${relative(panelDist, file).padEnd(44)} ${kb(s.raw).padStart(10)} ${kb(s.gzip).padStart(10)} gzip`,
  );
}
const first = total(firstScreen);
const whole = total(all);
console.log(`first screen JS: ${kb(first.raw)} raw, ${kb(first.gzip)} gzipped (target ≤ 150 KB gzipped)`);
console.log(`whole bundle JS: ${kb(whole.raw)} raw, ${kb(whole.gzip)} gzipped`);
