/**
 * Access rights, as far as the double models them: the one difference between Odoo 16's admin and
 * a technical user (Internal User + Contact Creation, not Administration / Access Rights) that the
 * sidecar meets. `base.group_user` has no right on ir.model.data and only read on res.users;
 * `base.group_erp_manager` (Administration / Access Rights, which Settings implies) has all four
 * (base/security/ir.model.access.csv). Membership is the `access_rights` column of res_users (not a
 * field): true for admin, false for users made with `OdooDouble.addUser` unless asked.
 * Record rules and the other groups are not modelled.
 */
import { OdooFault } from './faults.js';
import type { ModelDef } from './models.js';
import type { OrmEnv } from './orm.js';

export type Operation = 'read' | 'write' | 'create' | 'unlink';

const accessRightsOnly: Readonly<Record<string, readonly Operation[]>> = {
  'ir.model.data': ['read', 'write', 'create', 'unlink'],
  'res.users': ['write', 'create', 'unlink'],
};

const verbs: Record<Operation, string> = { read: 'access', write: 'modify', create: 'create', unlink: 'delete' };

function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && value in verbs;
}

export async function inAccessRightsGroup(env: OrmEnv): Promise<boolean> {
  const { rows } = await env.client.query('SELECT access_rights FROM res_users WHERE id = $1', [env.uid]);
  return (rows[0] as { access_rights: boolean } | undefined)?.access_rights ?? false;
}

/** Odoo's `check_access_rights`: true, or false / AccessError (Odoo's message) when the user lacks the right. */
export async function checkAccessRights(
  env: OrmEnv,
  model: ModelDef,
  operation: unknown,
  raiseException: unknown = true,
): Promise<boolean> {
  if (!isOperation(operation)) throw new OdooFault('builtins.AssertionError', 'Invalid access mode');
  if (!accessRightsOnly[model.name]?.includes(operation) || (await inAccessRightsGroup(env))) return true;
  if (!raiseException) return false;
  throw new OdooFault(
    'odoo.exceptions.AccessError',
    `You are not allowed to ${verbs[operation]} '${model.description}' (${model.name}) records.\n\n` +
      'This operation is allowed for the following groups:\n\t- Administration/Access Rights\n\n' +
      'Contact your administrator to request access if necessary.',
  );
}
