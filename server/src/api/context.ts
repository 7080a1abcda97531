/** What every route handler can read from the request context, and the role check they all use. */
import type { Context } from 'hono';
import { hasRole, type Principal, type Role } from '../auth/index.js';
import { ForbiddenError } from '../shared/errors.js';

export interface AppVariables {
  principal: Principal;
  /** Answers are checked against their route's response schemas (tests; api/routes.ts). */
  checkResponses?: boolean;
}
export type AppEnv = { Variables: AppVariables };

/** Throws 403 unless the caller has at least `role`; returns the caller. */
export function requireRole(c: Context<AppEnv>, role: Role, action: string): Principal {
  const principal = c.get('principal');
  if (!hasRole(principal, role)) throw new ForbiddenError(`${action} needs the ${role} role; you are ${principal.role}`);
  return principal;
}
