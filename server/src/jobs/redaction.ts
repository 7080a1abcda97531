/**
 * Redaction of a project's secret values from everything a job writes (log lines, transmitted
 * data, error messages), whatever path they take. Values shorter than 4 characters are not
 * redacted: they would blank out ordinary text and protect nothing.
 */
export const REDACTED = '[redacted]';

export function createRedactor(secretValues: readonly string[]): (text: string) => string {
  const values = [...new Set(secretValues.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const variants = values.flatMap((v) => [v, encodeURIComponent(v), Buffer.from(v).toString('base64'), JSON.stringify(v).slice(1, -1)]);
  const pattern = new RegExp([...new Set(variants)].map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}
