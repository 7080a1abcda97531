/**
 * Reads one field of a file record as a typed value, the way Odoo's loader would (element text,
 * `eval` literal or `ref`), with errors that name the record and the field.
 */
import { InvalidInputError } from '../../shared/errors.js';
import type { FieldSource } from './parse.js';
import { isPyRef, readPythonLiteral, PythonLiteralError, type PyValue } from './python-literal.js';

/** Where a value comes from, for error messages. */
export interface FieldAt {
  record: string;
  field: string;
}

export function fieldError(at: FieldAt, message: string): InvalidInputError {
  return new InvalidInputError(`record "${at.record}": field ${at.field}: ${message}`, at.field);
}

export function evalOf(source: string, at: FieldAt): PyValue {
  try {
    return readPythonLiteral(source);
  } catch (error) {
    if (error instanceof PythonLiteralError) throw fieldError(at, `cannot read eval: ${error.message}`);
    throw error;
  }
}

/** Text verbatim (Odoo keeps surrounding whitespace); an eval must give a string, False or None (empty). */
export function textOf(source: FieldSource, at: FieldAt): string {
  if (source.kind === 'text') return source.text;
  if (source.kind === 'ref') throw fieldError(at, 'expects text, not a ref');
  if (source.source.trim() === '') return '';
  const value = evalOf(source.source, at);
  if (typeof value === 'string') return value;
  if (value === false || value === null) return '';
  throw fieldError(at, `expects a string, got ${source.source}`);
}

/** A name, key or description: surrounding whitespace and line breaks of hand-written files collapse to single spaces. */
export function nameOf(source: FieldSource, at: FieldAt): string {
  return textOf(source, at).replace(/\s+/g, ' ').trim();
}

const trueWords = ['y', 'yes', '1', 'true', 't', 'on'];
const falseWords = ['n', 'no', '0', 'false', 'f', 'off', ''];

export function boolOf(source: FieldSource, at: FieldAt): boolean {
  if (source.kind === 'eval') {
    const value = evalOf(source.source || 'False', at);
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number' || value === null) return Boolean(value);
    throw fieldError(at, `expects True or False, got ${source.source}`);
  }
  const word = textOf(source, at).trim().toLowerCase();
  if (trueWords.includes(word)) return true;
  if (falseWords.includes(word)) return false;
  throw fieldError(at, `expects True or False, got "${word}"`);
}

/** A number; empty text or False/None give null (Odoo's exporter writes 0 as empty text). */
export function numberOf(source: FieldSource, at: FieldAt, integer: boolean): number | null {
  const kind = integer ? 'an integer' : 'a number';
  if (source.kind === 'eval') {
    const value = evalOf(source.source || 'None', at);
    if (value === null || value === false) return null;
    if (typeof value === 'number' && (!integer || Number.isInteger(value))) return value;
    throw fieldError(at, `expects ${kind}, got ${source.source}`);
  }
  const raw = textOf(source, at).trim();
  if (raw === '') return null;
  const pattern = integer ? /^[-+]?\d+$/ : /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
  if (!pattern.test(raw)) throw fieldError(at, `expects ${kind}, got "${raw}"`);
  return Number(raw);
}

/** One of `allowed` (surrounding whitespace ignored); empty gives null. */
export function selectionOf<T extends string>(source: FieldSource, at: FieldAt, allowed: readonly T[]): T | null {
  const value = textOf(source, at).trim();
  if (value === '') return null;
  if (!(allowed as readonly string[]).includes(value)) throw fieldError(at, `"${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

/** The xml id a many2one field points at; empty text, False or None give undefined. */
export function refOf(source: FieldSource, at: FieldAt): string | undefined {
  if (source.kind === 'ref') return source.ref.trim() || undefined;
  if (source.kind === 'text') {
    if (source.text.trim() === '') return undefined;
    throw fieldError(at, 'expects a ref="..." attribute');
  }
  const value = evalOf(source.source || 'False', at);
  if (value === null || value === false) return undefined;
  if (isPyRef(value)) return value.ref;
  throw fieldError(at, `expects ref('...'), got ${source.source}`);
}

/** Odoo's x2many commands that a file can use on a many2many: link (4), unlink (3), clear (5), replace (6). */
export type ManyCommand = { op: 'link' | 'unlink'; ref: string } | { op: 'clear' } | { op: 'replace'; refs: string[] };

export function manyCommandsOf(source: FieldSource, at: FieldAt): ManyCommand[] {
  if (source.kind !== 'eval') {
    if (source.kind === 'text' && source.text.trim() === '') return [];
    throw fieldError(at, 'expects an eval="[(4, ref(...)), ...]" or eval="[(6, 0, [ref(...), ...])]" list');
  }
  const value = evalOf(source.source || '[]', at);
  if (!Array.isArray(value)) throw fieldError(at, `expects a list of commands, got ${source.source}`);
  const refAt = (item: PyValue | undefined): string => {
    if (item !== undefined && isPyRef(item)) return item.ref;
    throw fieldError(at, `expects ref('...') in ${source.source}`);
  };
  return value.map((command): ManyCommand => {
    const [code, first, second] = Array.isArray(command) ? command : [];
    if (code === 4 || code === 3) return { op: code === 4 ? 'link' : 'unlink', ref: refAt(first) };
    if (code === 5) return { op: 'clear' };
    if (code === 6 && Array.isArray(second)) return { op: 'replace', refs: second.map(refAt) };
    throw fieldError(at, `unsupported command in ${source.source} (only (3, id), (4, id), (5,) and (6, 0, ids) are read)`);
  });
}

/** Applies many2many commands to the current list of names; `resolve` gives undefined for refs it cannot name. */
export function applyManyCommands(current: string[], commands: ManyCommand[], resolve: (ref: string) => string | undefined): string[] {
  let result = [...current];
  const names = (refs: string[]) => refs.map(resolve).filter((name): name is string => name !== undefined);
  for (const command of commands) {
    if (command.op === 'clear') result = [];
    else if (command.op === 'replace') result = [...new Set(names(command.refs))];
    else {
      const [name] = names([command.ref]);
      if (name === undefined) continue;
      if (command.op === 'unlink') result = result.filter((existing) => existing !== name);
      else if (!result.includes(name)) result.push(name);
    }
  }
  return result;
}
