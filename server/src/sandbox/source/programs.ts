/**
 * Turns task and common code into the programs a compartment evaluates.
 *
 * Each source is wrapped in a strict function that runs its statements and returns its top-level
 * names as an object, so the worker can hand common code's public names (no leading `_`) to task
 * code as globals and find the handler by name. The wrapper opens on the code's first line, so line
 * numbers in stacks match the code the user wrote. Code without statements (empty, comments, a
 * "use strict") gets no program at all: there is nothing to run, and the worker saves an evaluation.
 */
import type { Pattern, Program } from 'acorn';
import type { SyntaxProblem } from '../protocol.js';
import { parseSource } from './syntax.js';

export interface CompiledSource {
  /** Every top-level declared name, in source order. */
  names: readonly string[];
  /**
   * Evaluates to a function that runs the code and returns `{name: value, ...}` for `exported`;
   * undefined when the code has no statements (directives at most), so there is nothing to run.
   */
  program: string | undefined;
}

export class SourceSyntaxError extends Error {
  constructor(
    readonly origin: string,
    readonly problems: SyntaxProblem[],
  ) {
    super(problems.map((p) => `${origin} line ${p.line}, column ${p.column}: ${p.message}`).join('; '));
    this.name = 'SyntaxError';
  }
}

/** `origin` names the code in stacks and messages, e.g. "task 12" or "common code". */
export function compileSource(code: string, origin: string, exported: (name: string) => boolean): CompiledSource {
  const parsed = parseSource(code);
  if (!parsed.ok) throw new SourceSyntaxError(origin, parsed.problems);
  const names = topLevelNames(parsed.program);
  const returned = names.filter(exported).join(', ');
  const sourceUrl = origin.replace(/[^\w-]+/g, '-');
  const hasStatements = parsed.program.body.some(
    (statement) => statement.type !== 'ExpressionStatement' || statement.directive === undefined,
  );
  return {
    names,
    program: hasStatements ? `(function () { "use strict"; ${code}\n;return { ${returned} };\n})\n//# sourceURL=${sourceUrl}\n` : undefined,
  };
}

export const isPublicName = (name: string): boolean => !name.startsWith('_');

function topLevelNames(program: Program): string[] {
  const names: string[] = [];
  for (const statement of program.body) {
    if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
      names.push(statement.id.name);
    } else if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) collectPatternNames(declarator.id, names);
    }
  }
  return [...new Set(names)];
}

function collectPatternNames(pattern: Pattern, names: string[]): void {
  switch (pattern.type) {
    case 'Identifier':
      names.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties) {
        collectPatternNames(property.type === 'RestElement' ? property.argument : property.value, names);
      }
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) if (element) collectPatternNames(element, names);
      break;
    case 'AssignmentPattern':
      collectPatternNames(pattern.left, names);
      break;
    case 'RestElement':
      collectPatternNames(pattern.argument, names);
      break;
    case 'MemberExpression':
      break;
  }
}
