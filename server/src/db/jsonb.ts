/**
 * JSON text for jsonb columns. PostgreSQL's jsonb refuses U+0000 in strings and keys ("unsupported
 * Unicode escape sequence"), which a webhook body or a handler's result may well contain: the whole
 * statement would fail, taking the job and the journal entry with it. U+0000 becomes U+FFFD, as in
 * log lines; the journal keeps the exact bytes of a request's body.
 */
export function jsonbText(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\u0000') ? JSON.stringify(value, withoutNul) : text;
}

const NUL = /\0/g;

function withoutNul(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return value.replace(NUL, '\uFFFD');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  if (!Object.keys(value).some((key) => key.includes('\0'))) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key.replace(NUL, '\uFFFD'), entry]));
}
