/**
 * Panel authentication and roles.
 *
 * A panel token is `base64url(payload).base64url(HMAC-SHA256(SYNC_STUDIO_SECRET, base64url(payload)))`
 * with payload `{uid, db, role, exp}` (exp in Unix seconds). addon-bridge mints it inside Odoo for
 * the logged-in user; the sidecar only verifies it. An optional administrator token
 * (SYNC_STUDIO_ADMIN_TOKEN, printed at start in standalone mode) is accepted as a bearer token too.
 *
 * Roles are ordered: user ⊂ developer ⊂ administrator (what each may do: docs/security.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { roles, type Role } from '../contract/index.js';
import { UnauthorizedError } from '../shared/errors.js';

export { roles, type Role };

export interface Principal {
  uid: number | null;
  db: string | null;
  role: Role;
}

export function hasRole(principal: Principal, needed: Role): boolean {
  return roles.indexOf(principal.role) >= roles.indexOf(needed);
}

const payloadSchema = z.strictObject({
  uid: z.number().int(),
  db: z.string(),
  role: z.enum(roles),
  exp: z.number().int(),
});
export type TokenPayload = z.infer<typeof payloadSchema>;

function sign(secret: string, encodedPayload: string): string {
  return createHmac('sha256', secret).update(encodedPayload).digest('base64url');
}

export function mintToken(secret: string, payload: TokenPayload): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${sign(secret, encoded)}`;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface TokenVerifier {
  verify(bearer: string | undefined): Principal;
}

export interface TokenVerifierOptions {
  secret: string;
  adminToken?: string | undefined;
  /** The Odoo database this sidecar serves (ODOO_DB): tokens minted for another database are refused. Unset: not checked. */
  db?: string | undefined;
  /** Tokens whose `exp` lies further in the future than this are refused (SYNC_STUDIO_TOKEN_MAX_LIFETIME). */
  maxLifetimeSeconds?: number | undefined;
  /** Unix seconds. */
  now?: () => number;
}

export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 43_200;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.now ?? (() => Date.now() / 1000);
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_TOKEN_MAX_LIFETIME_SECONDS;
  return {
    verify(bearer) {
      if (!bearer) throw new UnauthorizedError('an Authorization: Bearer token is required');
      if (options.adminToken !== undefined && safeEqual(bearer, options.adminToken)) return { uid: null, db: null, role: 'administrator' };
      const [encoded, signature, extra] = bearer.split('.');
      if (!encoded || !signature || extra !== undefined || !safeEqual(signature, sign(options.secret, encoded))) {
        throw new UnauthorizedError('the token is not valid');
      }
      let payload: TokenPayload;
      try {
        payload = payloadSchema.parse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
      } catch {
        throw new UnauthorizedError('the token payload is malformed');
      }
      const at = now();
      if (payload.exp <= at) throw new UnauthorizedError('the token has expired');
      if (payload.exp - at > maxLifetime) {
        throw new UnauthorizedError(
          `the token expires more than ${maxLifetime} s from now (SYNC_STUDIO_TOKEN_MAX_LIFETIME); mint a shorter-lived one`,
        );
      }
      if (options.db !== undefined && payload.db !== options.db) {
        throw new UnauthorizedError(`the token was minted for another database than this sidecar's (ODOO_DB)`);
      }
      return { uid: payload.uid, db: payload.db, role: payload.role };
    },
  };
}
