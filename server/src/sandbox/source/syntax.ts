/**
 * Syntax checking of task and common code, without running it.
 *
 * Two layers: acorn parses the code as a strict-mode script (SES evaluates everything in strict
 * mode), then the source text is searched for what SES refuses before parsing: anything that looks
 * like an HTML comment (`<!--`, `-->`, even in `i-->0`), a dynamic import (`import(`, even inside
 * a string) or a direct eval (`eval(`; `(0, eval)(…)` is fine). Those patterns are SES's own (ses/src/transforms.js); SES stays the final guard at
 * evaluation time.
 */
import { parse, type Program } from 'acorn';
import type { SyntaxProblem } from '../protocol.js';

/** ES2024 is what Node 20 parses; newer syntax would pass acorn and fail in V8. */
export const ECMA_VERSION = 2024;
const STRICT_PREFIX = '"use strict";';

const htmlCommentPattern = /(?:<!--|-->)/g;
const importPattern = /(^|[^.]|\.\.\.)\bimport(\s*(?:\(|\/[/*]))/g;
const directEvalPattern = /(^|[^.])\beval(\s*\()/g;

export type ParseResult = { ok: true; program: Program } | { ok: false; problems: SyntaxProblem[] };

/** Parses `code` as SES will see it; problems carry 1-based lines and columns. */
export function parseSource(code: string): ParseResult {
  const problems = findSesRejections(code);
  try {
    const program = parse(STRICT_PREFIX + code, { ecmaVersion: ECMA_VERSION, sourceType: 'script', locations: true });
    return problems.length === 0 ? { ok: true, program } : { ok: false, problems };
  } catch (error) {
    problems.unshift(acornProblem(error));
    return { ok: false, problems };
  }
}

/** `[]` when the code would be accepted. */
export function findSyntaxProblems(code: string): SyntaxProblem[] {
  const result = parseSource(code);
  return result.ok ? [] : result.problems;
}

function acornProblem(error: unknown): SyntaxProblem {
  if (error instanceof SyntaxError && 'loc' in error) {
    const loc = error.loc as { line: number; column: number };
    const column = loc.line === 1 ? loc.column - STRICT_PREFIX.length : loc.column;
    return { line: loc.line, column: Math.max(column, 0) + 1, message: error.message.replace(/ \(\d+:\d+\)$/, '') };
  }
  return { line: 1, column: 1, message: String(error) };
}

function findSesRejections(code: string): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  for (const match of code.matchAll(htmlCommentPattern)) {
    problems.push({
      ...position(code, match.index),
      message: `"${match[0]}" is refused because it looks like an HTML comment (write "i-- > 0" with spaces, or split the string)`,
    });
  }
  for (const match of code.matchAll(importPattern)) {
    problems.push({
      ...position(code, match.index + (match[1] ?? '').length),
      message: 'dynamic import() is not available to task code (the text "import(" is refused even inside strings and comments)',
    });
  }
  for (const match of code.matchAll(directEvalPattern)) {
    problems.push({
      ...position(code, match.index + (match[1] ?? '').length),
      message: 'direct eval(...) is refused (the text "eval(" counts even inside strings); use (0, eval)(...) if you must',
    });
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function position(code: string, index: number): { line: number; column: number } {
  const before = code.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: index - lineStart + 1 };
}
