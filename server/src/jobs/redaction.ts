/**
 * A job's redactor: its project's secret values (pattern cached per project version) plus the
 * credentials of the request it runs for (e.g. a webhook caller's Authorization header, or a
 * request handed on to a sub-job), blanked out of everything the job writes.
 */
import { createRedactor, credentialValues } from '../shared/redaction.js';

export { createRedactor, REDACTED } from '../shared/redaction.js';

export function redactorForJob(projectRedact: (text: string) => string, args: unknown): (text: string) => string {
  const credentials = credentialValues(args);
  if (credentials.length === 0) return projectRedact;
  const redactCredentials = createRedactor(credentials);
  return (text) => redactCredentials(projectRedact(text));
}
