/**
 * Redaction: the one rule for what counts as a caller's credential, used everywhere a request or
 * something derived from it is shown (webhook journal, job args and results of jobs and sub-jobs,
 * job logs and their live stream), and the redactor of secret values.
 *
 * - A header (or any property of task data) named like a credential — Authorization, Cookie,
 *   signatures, tokens, secrets, API keys — has its value replaced by `[redacted]` for every role
 *   below administrator.
 * - A job's log lines, result and error never contain its project's secret values, nor the
 *   credential values of the request it was started for, in any of their usual encodings (as is,
 *   URL-encoded, base64, JSON-escaped, inside a Basic-auth `user:secret` pair), matched
 *   case-insensitively. Values shorter than 4 characters are not redacted: they would blank out
 *   ordinary text and protect nothing.
 */
export const REDACTED = '[redacted]';

const SENSITIVE = [
  /^authorization$/,
  /^proxy-authorization$/,
  /^cookie$/,
  /^set-cookie$/,
  /^x-hub-signature/,
  /^x-telegram-bot-api-secret-token$/,
  /^x-trello-webhook$/,
  /^x-api-key$/,
  /token|secret|signature|password|api[-_]?key/,
];

export function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE.some((pattern) => pattern.test(lower));
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSensitiveHeader(name) ? REDACTED : value]));
}

/** A copy of `value` in which every property named like a credential holds `[redacted]`. */
export function redactCredentials(value: unknown, depth = 0): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactCredentials(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      isSensitiveHeader(key) && (typeof item === 'string' || Array.isArray(item)) ? REDACTED : redactCredentials(item, depth + 1),
    ]),
  );
}

/** The credential values inside `value` (strings under properties named like credentials). */
export function credentialValues(value: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > 64 || value === null || typeof value !== 'object') return found;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && !Array.isArray(value) && isSensitiveHeader(key)) found.push(...credentialParts(item));
    else credentialValues(item, found, depth + 1);
  }
  return found;
}

/** `Bearer abc` → the whole value and `abc`; `Basic base64(user:pw)` → also `pw`. */
function credentialParts(value: string): string[] {
  const parts = [value];
  const scheme = /^\s*(\w+)\s+(\S+)\s*$/.exec(value);
  if (scheme) {
    parts.push(scheme[2]!);
    if (scheme[1]!.toLowerCase() === 'basic') {
      const decoded = Buffer.from(scheme[2]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) parts.push(decoded.slice(colon + 1));
    }
  }
  return parts;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function that blanks out `values` (≥ 4 characters) in any of their usual encodings. */
export function createRedactor(values: readonly string[]): (text: string) => string {
  const kept = [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
  if (kept.length === 0) return (text) => text;
  const variants = kept.flatMap((v) => [v, encodeURIComponent(v), Buffer.from(v).toString('base64'), JSON.stringify(v).slice(1, -1)]);
  const pattern = new RegExp([...new Set(variants)].map(escapeRegExp).join('|'), 'gi');
  const lowered = kept.map((v) => v.toLowerCase());
  // Basic auth carries base64("user:secret"), whose characters do not line up with base64("secret").
  const basic = /(basic\s+)([A-Za-z0-9+/]{4,}={0,2})/gi;
  const containsSecret = (encoded: string) => {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8').toLowerCase();
    return lowered.some((v) => decoded.includes(v));
  };
  return (text) =>
    text
      .replace(basic, (match, prefix: string, encoded: string) => (containsSecret(encoded) ? `${prefix}${REDACTED}` : match))
      .replace(pattern, REDACTED);
}
