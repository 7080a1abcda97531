/**
 * Secret values and the rows they belong to: reading a stored row's value, the columns to write
 * when a secret is saved (a new value sealed for its row, or the current one sealed again when the
 * row's key or project changes), and the start step that re-encrypts values written before
 * migration 000005 (bound to a fixed label) for their rows.
 */
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { CURRENT_CIPHER_VERSION, type CipherVersion, type SecretBinding, type SecretCipher } from './cipher.js';

/** The columns of a `project_secret` row that its value depends on. */
export interface StoredSecret {
  project_id: number | string;
  key: string;
  value_encrypted: string | null;
  cipher_version: CipherVersion;
}

function bindingOf(row: Pick<StoredSecret, 'project_id' | 'key'>): SecretBinding {
  return { projectId: Number(row.project_id), key: row.key };
}

/** The value of a stored secret row, or null when it has none. */
export function openSecret(cipher: SecretCipher, row: StoredSecret): string | null {
  return row.value_encrypted === null ? null : cipher.decrypt(row.value_encrypted, bindingOf(row), row.cipher_version);
}

/**
 * The `value_encrypted` / `cipher_version` columns to write for a secret row that will be `next`:
 * `value` undefined keeps the current value (sealed again if the row moves to another key or
 * project), null or '' clears it, a string is sealed for the row.
 */
export function secretColumns(
  cipher: SecretCipher,
  next: SecretBinding,
  value: string | null | undefined,
  current?: StoredSecret,
): { value_encrypted?: string | null; cipher_version?: CipherVersion } {
  if (value === undefined) {
    if (!current || current.value_encrypted === null) return {};
    const moved = Number(current.project_id) !== next.projectId || current.key !== next.key;
    if (!moved) return {};
    value = openSecret(cipher, current);
  }
  if (value === null || value === '') return { value_encrypted: null, cipher_version: CURRENT_CIPHER_VERSION };
  return { value_encrypted: cipher.encrypt(value, next), cipher_version: CURRENT_CIPHER_VERSION };
}

/** Re-encrypts the stored values of the rows selected by `where` (with `params`) under `next`, for their rows. */
export async function resealSecrets(
  db: Queryable,
  current: SecretCipher,
  next: SecretCipher,
  where: string,
  params: unknown[],
): Promise<number> {
  const { rows } = await db.query<StoredSecret & { id: number }>(
    `select id, project_id, key, value_encrypted, cipher_version from sync_studio.project_secret
      where value_encrypted is not null and (${where}) order by id for update`,
    params,
  );
  for (const row of rows) {
    await db.query('update sync_studio.project_secret set value_encrypted = $2, cipher_version = $3 where id = $1', [
      row.id,
      next.encrypt(openSecret(current, row)!, bindingOf(row)),
      CURRENT_CIPHER_VERSION,
    ]);
  }
  return rows.length;
}

/**
 * Values written before migration 000005 are bound to a fixed label only; this seals each for its
 * row (project, key), in one transaction. Run at every start; a no-op once none is left.
 */
export async function bindOlderSecrets(pool: Pool, cipher: SecretCipher): Promise<number> {
  return withTransaction(pool, (db) => resealSecrets(db, cipher, cipher, 'cipher_version < $1', [CURRENT_CIPHER_VERSION]));
}
