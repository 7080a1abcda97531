/**
 * The one error handler: typed errors become `{error: {code, message, field?}}` with their status
 * (4xx, and 503 "try again later" with Retry-After when the error says when); anything else is
 * logged and answered as a generic 500 that never leaks a stack.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../shared/logger.js';
import { SyncStudioError } from '../shared/errors.js';

export function errorBody(code: string, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof SyncStudioError && (error.status < 500 || error.status === 503)) {
      const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
      return c.json(errorBody(error.code, error.message, error.field), error.status as ContentfulStatusCode);
    }
    if (error instanceof HTTPException) {
      const code = error.status === 413 ? 'payload_too_large' : 'http_error';
      return c.json(errorBody(code, error.message || 'request refused'), error.status);
    }
    logger.error({ err: error, path: c.req.path }, 'request failed');
    const code = error instanceof SyncStudioError ? error.code : 'internal';
    return c.json(errorBody(code, 'internal error; see the server log'), 500);
  };
}
