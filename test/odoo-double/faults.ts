/**
 * Odoo's exceptions as the double raises them: a Python dotted name and a message, turned into
 * Odoo 16's JSON-RPC error envelope or XML-RPC fault by the server. `pyRepr` prints values the
 * way Python's `repr` does, because Odoo's messages embed reprs (`Invalid leaf ('name', 'badop', 'x')`).
 */
export class OdooFault extends Error {
  constructor(
    readonly pythonName: string,
    message: string,
  ) {
    super(message);
    this.name = 'OdooFault';
  }
}

export const valueError = (message: string): OdooFault => new OdooFault('builtins.ValueError', message);
export const userError = (message: string): OdooFault => new OdooFault('odoo.exceptions.UserError', message);
export const validationError = (message: string): OdooFault => new OdooFault('odoo.exceptions.ValidationError', message);
export const accessDenied = (): OdooFault => new OdooFault('odoo.exceptions.AccessDenied', 'Access Denied');

export function missingError(model: string, ids: readonly number[], uid: number): OdooFault {
  return new OdooFault(
    'odoo.exceptions.MissingError',
    `Record does not exist or has been deleted.\n(Record: ${model}${pyTuple(ids)}, User: ${uid})`,
  );
}

export function unknownDatabase(db: string): OdooFault {
  return new OdooFault(
    'psycopg2.OperationalError',
    `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${db}" does not exist\n`,
  );
}

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** A Python tuple's repr: `(7,)` for one element, `(1, 2)` for several. */
export function pyTuple(values: readonly unknown[]): string {
  return values.length === 1 ? `(${pyRepr(values[0])},)` : `(${values.map(pyRepr).join(', ')})`;
}

/** A fake traceback shaped like Odoo's `debug` field (tests check it never reaches a message). */
export function traceback(fault: OdooFault): string {
  return (
    'Traceback (most recent call last):\n' +
    '  File "/opt/odoo/odoo/http.py", line 1584, in _serve_db\n' +
    '    return service_model.retrying(self._serve_ir_http, self.env)\n' +
    `${fault.pythonName.replace(/^builtins\./, '')}: ${fault.message}\n`
  );
}
