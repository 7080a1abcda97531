/** Header values that authenticate a caller: hidden from job logs and from non-administrators. */
const SENSITIVE = [
  /^authorization$/,
  /^proxy-authorization$/,
  /^cookie$/,
  /^x-hub-signature/,
  /^x-telegram-bot-api-secret-token$/,
  /^x-trello-webhook$/,
  /^x-api-key$/,
  /token|secret|signature/,
];

export function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE.some((pattern) => pattern.test(lower));
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isSensitiveHeader(name) ? '[redacted]' : value]));
}
