/**
 * A safe reader for the Python literals that Odoo data files put in `eval="..."` attributes:
 * True/False/None, integers and floats, strings in either quote, lists and tuples, and `ref('x')`
 * calls (the only call allowed). Nothing is ever evaluated: anything else is a
 * `PythonLiteralError`, which the importer turns into an error naming the record and field.
 */

/** `ref('module.name')` inside an eval. */
export interface PyRef {
  ref: string;
}
export type PyValue = null | boolean | number | string | PyRef | PyValue[];

export class PythonLiteralError extends Error {}

export function isPyRef(value: PyValue): value is PyRef {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists nested deeper than this are refused (Odoo's own files nest three levels at most). */
const MAX_NESTING = 64;

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', '\n': '' };

class Reader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly source: string) {}

  readDocument(): PyValue {
    const value = this.readValue();
    this.skipSpace();
    if (this.pos < this.source.length) this.fail('unexpected text after the value');
    return value;
  }

  private readValue(): PyValue {
    this.skipSpace();
    const char = this.source[this.pos];
    if (char === undefined) this.fail('a value is missing');
    if (char === '[') return this.readSequence(']');
    if (char === '(') return this.readSequence(')');
    if (char === "'" || char === '"') return this.readString(char);
    if (/[-+0-9.]/.test(char)) return this.readNumber();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.source.slice(this.pos))?.[0];
    if (word === undefined) this.fail(`unexpected "${char}"`);
    this.pos += word.length;
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    if (word === 'ref') return this.readRef();
    return this.fail(`"${word}" is not a literal (only True, False, None, numbers, strings, lists, tuples and ref('...') are read)`);
  }

  private readRef(): PyRef {
    this.expect('(');
    this.skipSpace();
    const quote = this.source[this.pos];
    if (quote !== "'" && quote !== '"') this.fail('ref() takes one quoted xml id');
    const ref = this.readString(quote);
    this.expect(')');
    return { ref };
  }

  /** A list or tuple (both read as arrays); `(x)` without a comma is just `x`, as in Python. */
  private readSequence(close: ']' | ')'): PyValue {
    if (++this.depth > MAX_NESTING) this.fail(`lists or tuples nested deeper than ${MAX_NESTING} levels`);
    this.pos += 1;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.source[this.pos] === close) break;
      items.push(this.readValue());
      this.skipSpace();
      if (this.source[this.pos] === ',') {
        this.pos += 1;
        sawComma = true;
      } else if (this.source[this.pos] !== close) {
        this.fail(`expected "," or "${close}"`);
      }
    }
    this.pos += 1;
    this.depth -= 1;
    if (close === ')' && items.length === 1 && !sawComma) return items[0]!;
    return items;
  }

  private readString(quote: string): string {
    this.pos += 1;
    let result = '';
    for (;;) {
      const char = this.source[this.pos];
      if (char === undefined || char === '\n') this.fail('unterminated string');
      this.pos += 1;
      if (char === quote) return result;
      if (char !== '\\') {
        result += char;
        continue;
      }
      const next = this.source[this.pos] ?? '';
      const hex = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
      if (hex > 0) {
        const digits = this.source.slice(this.pos + 1, this.pos + 1 + hex);
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) this.fail(`bad \\${next} escape`);
        const codePoint = parseInt(digits, 16);
        if (codePoint > 0x10ffff) this.fail(`\\${next}${digits} is beyond the last Unicode character U+10FFFF`);
        result += String.fromCodePoint(codePoint);
        this.pos += 1 + hex;
      } else if (next in escapes) {
        result += escapes[next];
        this.pos += 1;
      } else {
        result += `\\${next}`; // Python keeps unknown escapes as written
        this.pos += 1;
      }
    }
  }

  private readNumber(): number {
    const text = /^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?/.exec(this.source.slice(this.pos))?.[0] ?? '';
    const value = Number(text.replaceAll('_', ''));
    if (text === '' || /^[-+]?\.?$/.test(text) || !Number.isFinite(value)) this.fail('bad number');
    this.pos += text.length;
    return value;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.source[this.pos] !== char) this.fail(`expected "${char}"`);
    this.pos += 1;
  }

  private skipSpace(): void {
    while (/\s/.test(this.source[this.pos] ?? '')) this.pos += 1;
  }

  private fail(message: string): never {
    const shown = this.source.length > 200 ? `${this.source.slice(0, 200)}…` : this.source;
    throw new PythonLiteralError(`${message} at character ${this.pos + 1} of ${JSON.stringify(shown)}`);
  }
}

export function readPythonLiteral(source: string): PyValue {
  return new Reader(source).readDocument();
}

/** A Python string literal for `value`, single-quoted like `repr()` unless only double quotes avoid escapes. */
export function pythonStringLiteral(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const body = value.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
  return quote + (quote === "'" ? body.replaceAll("'", "\\'") : body) + quote;
}
