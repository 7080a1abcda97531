/**
 * Stateless helpers for task code: `json`, base64, `html2plaintext`, `type2str` and the date
 * helpers for Odoo's "YYYY-MM-DD HH:MM:SS" UTC strings. Binary results are fresh Uint8Arrays, never
 * Node Buffers (whose prototype is not frozen and whose memory may be a shared pool).
 */

const json = {
  parse: (text: string) => JSON.parse(text) as unknown,
  stringify: (value: unknown, replacer?: (string | number)[] | null, space?: string | number) => JSON.stringify(value, replacer, space),
  /** upstream names */
  loads: (text: string) => JSON.parse(text) as unknown,
  dumps: (value: unknown) => JSON.stringify(value),
};

export function toBytes(data: unknown, what: string): Uint8Array {
  if (typeof data === 'string') return new Uint8Array(Buffer.from(data, 'utf8'));
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`${what}: expected a string or a Uint8Array, got ${type2str(data)}`);
}

function b64encode(data: string | Uint8Array): string {
  const bytes = toBytes(data, 'b64encode');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Bytes by default; a string when an encoding ('utf-8' / 'utf8' / 'latin1') is given. */
function b64decode(text: string, encoding?: 'utf-8' | 'utf8' | 'latin1'): Uint8Array | string {
  if (typeof text !== 'string') throw new TypeError(`b64decode: expected a base64 string, got ${type2str(text)}`);
  const buffer = Buffer.from(text, 'base64');
  if (encoding === undefined) return new Uint8Array(buffer);
  if (encoding === 'utf-8' || encoding === 'utf8' || encoding === 'latin1') return buffer.toString(encoding);
  throw new TypeError(`b64decode: unknown encoding ${String(encoding)}; use 'utf-8' or 'latin1'`);
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** HTML to readable text: block ends become line breaks, list items "* ", links "text [url]". */
function html2plaintext(html: string): string {
  if (typeof html !== 'string' || html === '') return '';
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<a\b[^>]*\bhref\s*=\s*["']([^"']*)["'][^>]*>([\s\S]*?)<\/a\s*>/gi, (_, href: string, text: string) => `${text} [${href}]`)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '* ')
    .replace(/<\/(p|div|h[1-6]|li|ul|ol|table|tr|blockquote|pre)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, entity: string) => {
      if (entity[0] === '#') {
        const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : match;
      }
      return entities[entity.toLowerCase()] ?? match;
    })
    .replace(/[ \t\r\f\v]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** 'null', 'undefined', 'string', 'number', 'boolean', 'bigint', 'symbol', 'function', 'Array', or the object's class name. */
function type2str(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value !== 'object') return typeof value;
  try {
    const name: unknown = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'Object';
  } catch {
    return 'Object';
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function toDate(value: unknown, what: string): Date {
  const date = value instanceof Date ? value : typeof value === 'number' || typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw new TypeError(`${what}: not a valid date: ${String(value)}`);
  return date;
}

/** Date (or ISO string, or epoch milliseconds; now when omitted) → "YYYY-MM-DD HH:MM:SS" in UTC. */
function odoo_datetime(value: unknown = new Date()): string {
  const d = toDate(value, 'odoo_datetime');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Date → "YYYY-MM-DD" in UTC. */
function odoo_date(value: unknown = new Date()): string {
  return odoo_datetime(value).slice(0, 10);
}

const odooDateTimePattern = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?$/;

/** "YYYY-MM-DD HH:MM:SS" (UTC, as Odoo stores it) or "YYYY-MM-DD" → Date. */
function parse_odoo_datetime(text: string): Date {
  const match = typeof text === 'string' ? odooDateTimePattern.exec(text) : null;
  if (!match) throw new TypeError(`parse_odoo_datetime: expected "YYYY-MM-DD HH:MM:SS", got ${JSON.stringify(text)}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match.map((part) => part ?? undefined) as string[];
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/** Shared by every job of the worker; hardened once by the caller. */
export const helpers = {
  json,
  b64encode,
  b64decode,
  html2plaintext,
  type2str,
  odoo_datetime,
  odoo_date,
  parse_odoo_datetime,
  DEFAULT_SERVER_DATETIME_FORMAT: '%Y-%m-%d %H:%M:%S',
  DEFAULT_SERVER_DATE_FORMAT: '%Y-%m-%d',
};
