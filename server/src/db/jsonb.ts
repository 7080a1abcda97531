/**
 * Text PostgreSQL accepts. Its JSON input refuses U+0000 and lone UTF-16 surrogates
 * in strings and keys ("unsupported Unicode escape sequence"), which a webhook body or a handler's
 * result may well contain (`{"a":"\u0000"}`, `{"a":"\ud800"}` are valid JSON): the whole statement
 * would fail, taking the job and the journal entry with it. Such characters become U+FFFD, as in
 * text columns, where U+0000 is refused too; the journal keeps the exact bytes of a request's body.
 */
export function jsonbText(value: unknown): string {
  const text = JSON.stringify(value);
  // JSON.stringify writes both as \u escapes (a paired surrogate stays a raw character).
  return /\\u0000|\\ud[89a-f]/i.test(text) ? JSON.stringify(value, accepted) : text;
}

const REFUSED = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** For text columns: U+0000 and lone surrogates become U+FFFD. */
export const pgText = (text: string): string => text.replace(REFUSED, '\uFFFD');

function accepted(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return pgText(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  if (!Object.keys(value).some((key) => pgText(key) !== key)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [pgText(key), entry]));
}
