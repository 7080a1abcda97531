/**
 * The sidecar's side of the shared panel-token vectors (addon-bridge/token-vectors.json, read by the
 * addon's Python tests too): it mints the valid ones byte for byte and refuses the others for the
 * stated reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createTokenVerifier, mintToken, type TokenPayload } from '../../server/src/auth/index.js';
import { UnauthorizedError } from '../../server/src/shared/errors.js';

interface VectorCase {
  name: string;
  kind: 'valid' | 'expired' | 'tampered' | 'wrong-database' | 'wrong-role';
  payload?: TokenPayload;
  token: string;
  expect: { uid: number; db: string; role: string } | 'expired' | 'signature' | 'database' | 'malformed';
}
const vectors = JSON.parse(readFileSync(new URL('../../../addon-bridge/token-vectors.json', import.meta.url), 'utf8')) as {
  secret: string;
  now: number;
  database: string;
  cases: VectorCase[];
};

const refusals: Record<string, RegExp> = {
  expired: /expired/,
  signature: /not valid/,
  malformed: /malformed/,
  database: /database/,
};

describe('shared panel-token vectors', () => {
  const verifier = createTokenVerifier({ secret: vectors.secret, db: vectors.database, now: () => vectors.now });

  test('cover valid, expired, tampered, wrong-database and wrong-role tokens', () => {
    assert.deepEqual(new Set(vectors.cases.map((c) => c.kind)), new Set(['valid', 'expired', 'tampered', 'wrong-database', 'wrong-role']));
  });

  for (const vector of vectors.cases) {
    if (vector.kind === 'valid' || vector.kind === 'expired' || vector.kind === 'wrong-database') {
      test(`mints ${vector.name} byte for byte`, () => {
        assert.equal(mintToken(vectors.secret, vector.payload!), vector.token);
      });
    }
    test(`verifies ${vector.name}`, () => {
      if (typeof vector.expect === 'object') {
        assert.deepEqual(verifier.verify(vector.token), vector.expect);
      } else {
        assert.throws(
          () => verifier.verify(vector.token),
          (error: unknown) => error instanceof UnauthorizedError && refusals[vector.expect as string]!.test(error.message),
        );
      }
    });
  }
});
