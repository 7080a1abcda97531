/**
 * The process logger: pino, JSON lines on stdout. Fields that may carry credentials are redacted by
 * path; redaction of a project's secret values inside job logs is the runtime's job, since only it
 * knows those values.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'sync-studio' },
    redact: {
      paths: [
        'password',
        '*.password',
        'secret',
        '*.secret',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        '*.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
