/**
 * Typed errors shared by every capability.
 *
 * `SyncStudioError` carries a stable machine-readable `code` (documented in docs/errors.md), an
 * HTTP status the API layer maps it to, and optionally the offending `field`. Expected failures
 * (bad input, missing rows, forbidden actions) are thrown as subclasses; anything else is a bug or
 * an infrastructure fault and reaches the HTTP layer as a generic 500 without details.
 */
export class SyncStudioError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;

  constructor(code: string, message: string, options: { status?: number; field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.field = options.field;
  }
}

/** A setting is missing or invalid; the CLI prints the message and exits with code 2. */
export class ConfigError extends SyncStudioError {
  constructor(setting: string, message: string) {
    super('config_invalid', `${setting}: ${message}`, { status: 500, field: setting });
  }
}

/** Input that does not match what the API or a file format expects. */
export class InvalidInputError extends SyncStudioError {
  constructor(message: string, field?: string) {
    super('invalid_input', message, { status: 400, ...(field === undefined ? {} : { field }) });
  }
}

export class NotFoundError extends SyncStudioError {
  constructor(what: string, id: string | number) {
    super('not_found', `${what} ${id} does not exist`, { status: 404 });
  }
}

export class ConflictError extends SyncStudioError {
  constructor(message: string, field?: string) {
    super('conflict', message, { status: 409, ...(field === undefined ? {} : { field }) });
  }
}

export class UnauthorizedError extends SyncStudioError {
  constructor(message = 'missing or invalid token') {
    super('unauthorized', message, { status: 401 });
  }
}

export class ForbiddenError extends SyncStudioError {
  constructor(message: string, field?: string) {
    super('forbidden', message, { status: 403, ...(field === undefined ? {} : { field }) });
  }
}

/** The encryption key does not match the secrets stored in the database. */
export class SecretKeyError extends SyncStudioError {
  constructor(message: string) {
    super('secret_key_mismatch', message, { status: 500 });
  }
}
