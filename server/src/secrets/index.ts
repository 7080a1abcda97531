/**
 * Secret values at rest: the cipher, the check that the configured key is the one the stored
 * secrets were encrypted with, and key rotation (re-encrypt everything in one transaction).
 */
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { SecretKeyError } from '../shared/errors.js';
import { resealSecrets } from './binding.js';
import { SecretCipher } from './cipher.js';

export { SecretCipher, type SecretBinding } from './cipher.js';
export { bindOlderSecrets, openSecret, resealSecrets, secretColumns, type StoredSecret } from './binding.js';

const FINGERPRINT = 'secret_key_fingerprint';

async function storedFingerprint(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ value: string }>('select value from sync_studio.setting where key = $1', [FINGERPRINT]);
  return rows[0]?.value;
}

async function countEncrypted(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from sync_studio.project_secret where value_encrypted is not null',
  );
  return rows[0]!.n;
}

/**
 * Refuses to go on when secrets exist that were encrypted under another key; records the key's
 * fingerprint on first use.
 */
export async function checkSecretKey(pool: Pool, cipher: SecretCipher): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('lock table sync_studio.setting in share row exclusive mode');
    const stored = await storedFingerprint(client);
    if (stored === undefined) {
      if ((await countEncrypted(client)) > 0) {
        throw new SecretKeyError('encrypted secrets exist but no key fingerprint is stored; the database was altered by hand');
      }
      await client.query('insert into sync_studio.setting (key, value) values ($1, $2)', [FINGERPRINT, cipher.fingerprint()]);
    } else if (!cipher.matches(stored)) {
      throw new SecretKeyError(
        'SYNC_STUDIO_SECRET is not the key the stored secret values were encrypted with; start with the original key, ' +
          'or change keys with `sync-studio rotate-secret --new-secret ...` while the original key is configured',
      );
    }
  });
}

/** Re-encrypts every secret value under a new key, in one transaction. Returns how many were re-encrypted. */
export async function rotateSecretKey(pool: Pool, current: SecretCipher, next: SecretCipher): Promise<number> {
  return withTransaction(pool, async (client) => {
    const stored = await storedFingerprint(client);
    if (stored !== undefined && !current.matches(stored)) {
      throw new SecretKeyError('the configured SYNC_STUDIO_SECRET is not the current key; rotation needs the current key');
    }
    const count = await resealSecrets(client, current, next, 'true', []);
    await client.query(
      'insert into sync_studio.setting (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value',
      [FINGERPRINT, next.fingerprint()],
    );
    return count;
  });
}
