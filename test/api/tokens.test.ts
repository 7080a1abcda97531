/** Panel tokens: the verifier refuses tokens of another database and tokens that live too long. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenVerifier, mintToken } from '../../server/src/auth/index.js';
import { loadConfig } from '../../server/src/config/index.js';
import { UnauthorizedError } from '../../server/src/shared/errors.js';

const secret = 'tokens-test-secret-0123456789-abcdefghijkl';
const now = 1_800_000_000;
const verifier = createTokenVerifier({ secret, db: 'prod', maxLifetimeSeconds: 3600, now: () => now });

test('a token minted for another database is refused, naming ODOO_DB', () => {
  const token = mintToken(secret, { uid: 2, db: 'staging', role: 'administrator', exp: now + 60 });
  assert.throws(
    () => verifier.verify(token),
    (error: Error) => error instanceof UnauthorizedError && /ODOO_DB/.test(error.message),
  );
  assert.equal(verifier.verify(mintToken(secret, { uid: 2, db: 'prod', role: 'administrator', exp: now + 60 })).role, 'administrator');
});

test('a token expiring beyond the maximum lifetime is refused, naming the setting', () => {
  const far = mintToken(secret, { uid: 2, db: 'prod', role: 'user', exp: 99_999_999_999 });
  assert.throws(() => verifier.verify(far), /SYNC_STUDIO_TOKEN_MAX_LIFETIME/);
  assert.throws(() => verifier.verify(mintToken(secret, { uid: 2, db: 'prod', role: 'user', exp: now + 3601 })), /too|more than/);
  assert.equal(verifier.verify(mintToken(secret, { uid: 2, db: 'prod', role: 'user', exp: now + 3600 })).uid, 2);
});

test('the maximum lifetime is a validated setting', () => {
  assert.equal(loadConfig({}).tokenMaxLifetime, 43200);
  assert.equal(loadConfig({ SYNC_STUDIO_TOKEN_MAX_LIFETIME: '600' }).tokenMaxLifetime, 600);
  assert.throws(() => loadConfig({ SYNC_STUDIO_TOKEN_MAX_LIFETIME: 'forever' }), /SYNC_STUDIO_TOKEN_MAX_LIFETIME/);
});
