/**
 * Odoo's failures as typed errors. A server-side exception arrives as `data.name` (the Python
 * class, e.g. `odoo.exceptions.ValidationError`) and `data.message`; both are kept (`odooName`,
 * `odooMessage`) and the message is Odoo's own. The traceback (`data.debug`) names server paths:
 * it is kept only as a non-enumerable `traceback` property, never in the message, so loggers and
 * JSON serialisation leave it out.
 */
import { SyncStudioError } from '../shared/errors.js';

export interface OdooFaultData {
  name: string;
  message: string;
  debug?: string;
}

export class OdooError extends SyncStudioError {
  readonly odooName: string;
  readonly odooMessage: string;
  declare readonly traceback: string | undefined;

  constructor(code: string, status: number, data: OdooFaultData, message = data.message) {
    super(code, message, { status });
    this.odooName = data.name;
    this.odooMessage = data.message;
    Object.defineProperty(this, 'traceback', { value: data.debug, enumerable: false });
  }
}

/** odoo.exceptions.UserError (and RedirectWarning, and faults XML-RPC reports as warnings). */
export class UserError extends OdooError {
  constructor(data: OdooFaultData) {
    super('odoo_user_error', 400, data);
  }
}

export class ValidationError extends OdooError {
  constructor(data: OdooFaultData) {
    super('odoo_validation_error', 422, data);
  }
}

/** odoo.exceptions.AccessError and AccessDenied (wrong credentials). */
export class AccessError extends OdooError {
  constructor(data: OdooFaultData, message = data.message) {
    super('odoo_access_error', 403, data, message);
  }
}

export class MissingError extends OdooError {
  constructor(data: OdooFaultData) {
    super('odoo_missing_error', 404, data);
  }
}

/** Any other exception raised inside Odoo (ValueError for an unknown field or a bad domain, ...). */
export class OdooServerError extends OdooError {
  constructor(data: OdooFaultData) {
    super('odoo_server_error', 502, data);
  }
}

/** The Odoo database named in the settings does not exist or cannot be opened. */
export class OdooDatabaseError extends OdooError {
  constructor(data: OdooFaultData, db: string) {
    super('odoo_database_unavailable', 502, data, `Odoo database '${db}' is not available: ${data.message.trim()}`);
  }
}

/** Odoo could not be reached or did not answer like Odoo (network fault, timeout, HTTP error). */
export class OdooConnectionError extends SyncStudioError {
  constructor(
    readonly url: string,
    message: string,
    cause?: { code?: string; message: string },
  ) {
    // The cause is rebuilt from code + message only: transport errors carry the request body,
    // which holds the password.
    super('odoo_unreachable', message, {
      status: 502,
      ...(cause ? { cause: Object.assign(new Error(cause.message), { code: cause.code }) } : {}),
    });
  }
}

/** The typed error for an Odoo fault (`error.data` of a JSON-RPC answer). */
export function toOdooError(data: OdooFaultData, db: string): OdooError {
  switch (data.name) {
    case 'odoo.exceptions.UserError':
    case 'odoo.exceptions.RedirectWarning':
    case 'odoo.exceptions.Warning':
    case 'odoo.exceptions.except_orm':
      return new UserError(data);
    case 'odoo.exceptions.ValidationError':
      return new ValidationError(data);
    case 'odoo.exceptions.AccessError':
    case 'odoo.exceptions.AccessDenied':
    case 'odoo.http.SessionExpiredException':
      return new AccessError(data);
    case 'odoo.exceptions.MissingError':
      return new MissingError(data);
    case 'psycopg2.OperationalError':
      return new OdooDatabaseError(data, db);
    default:
      return new OdooServerError(data);
  }
}
