/**
 * Secret ciphertexts are bound to their row (AES-GCM additional data: project id and key): a value
 * moved to another row by someone with database write access no longer decrypts; renaming a key and
 * duplicating a project keep values readable; values written before migration 000005 stay readable
 * and are re-encrypted for their rows at the next start.
 */
import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPool, migrate } from '../../server/src/db/index.js';
import { checkSecretKey, openSecret, SecretCipher, type StoredSecret } from '../../server/src/secrets/index.js';
import { migrationsDir } from '../../server/src/shared/paths.js';
import { createTestApp, TEST_SECRET, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { createEmptyDatabase } from '../helpers/db.js';

describe('secret values bound to their rows', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const newSecret = async (project: string, key: string, value: string) => {
    const p = await t.call('administrator', 'POST', '/api/projects', { name: project });
    const s = await t.call('administrator', 'POST', `/api/projects/${p.body.id}/secrets`, { key, value });
    assert.equal(s.status, 201);
    return { projectId: p.body.id as number, secretId: s.body.id as number };
  };

  test('a ciphertext copied into another project row does not decrypt there (nor leak the other value)', async () => {
    const a = await newSecret('Bank A', 'TOKEN', 'token-of-project-a');
    const b = await newSecret('Bank B', 'TOKEN', 'token-of-project-b');
    await t.db.pool.query(
      `update sync_studio.project_secret set value_encrypted = (select value_encrypted from sync_studio.project_secret where id = $1)
        where id = $2`,
      [a.secretId, b.secretId],
    );
    const read = await t.call('administrator', 'GET', `/api/secrets/${b.secretId}`);
    assert.equal(read.status, 500);
    assert.equal(read.body.error.code, 'secret_key_mismatch');
    assert.doesNotMatch(JSON.stringify(read.body), /token-of-project-a/);
    assert.equal((await t.call('administrator', 'GET', `/api/secrets/${a.secretId}`)).body.value, 'token-of-project-a');
  });

  test('a ciphertext copied to another key of the same project does not decrypt there', async () => {
    const { projectId, secretId } = await newSecret('Keys', 'LIVE_KEY', 'live-value');
    const other = await t.call('administrator', 'POST', `/api/projects/${projectId}/secrets`, { key: 'TEST_KEY', value: 'test-value' });
    await t.db.pool.query(
      `update sync_studio.project_secret set value_encrypted = (select value_encrypted from sync_studio.project_secret where id = $1)
        where id = $2`,
      [secretId, other.body.id],
    );
    const read = await t.call('administrator', 'GET', `/api/secrets/${other.body.id}`);
    assert.equal(read.status, 500);
    assert.doesNotMatch(JSON.stringify(read.body), /live-value/);
  });

  test('renaming a key and duplicating the project keep the values readable', async () => {
    const { projectId, secretId } = await newSecret('Renamed', 'OLD_NAME', 'kept-value');
    const renamed = await t.call('developer', 'PATCH', `/api/secrets/${secretId}`, { key: 'NEW_NAME' });
    assert.equal(renamed.status, 200);
    assert.equal((await t.call('administrator', 'GET', `/api/secrets/${secretId}`)).body.value, 'kept-value');
    const copy = await t.call('administrator', 'POST', `/api/projects/${projectId}/duplicate`);
    assert.equal(copy.status, 201);
    const copied = await t.call('administrator', 'GET', `/api/projects/${copy.body.id}/secrets`);
    assert.deepEqual(
      copied.body.items.map((s: { key: string; value: string }) => [s.key, s.value]),
      [['NEW_NAME', 'kept-value']],
    );
    assert.equal(copied.body.items[0].cipher_version, undefined, 'the cipher version is storage detail, not shown');
  });

  test('a value stored before migration 000005 (not yet re-encrypted) is still readable', async () => {
    const { rows } = await t.db.pool.query<{ id: number }>(`insert into sync_studio.project (name) values ('Older') returning id`);
    const inserted = await t.db.pool.query<{ id: number }>(
      `insert into sync_studio.project_secret (project_id, key, value_encrypted, cipher_version) values ($1, 'OLD', $2, 1) returning id`,
      [rows[0]!.id, versionOneCiphertext(TEST_SECRET, 'older-value')],
    );
    assert.equal((await t.call('administrator', 'GET', `/api/secrets/${inserted.rows[0]!.id}`)).body.value, 'older-value');
  });
});

/** A value as the sidecar stored it before migration 000005: additional data a fixed label. */
function versionOneCiphertext(secret: string, plaintext: string): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'sync-studio', 'secret values v1', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from('sync-studio secret v1'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

test('values stored before migration 000005 are re-encrypted for their rows at the next start', async () => {
  const old = await createEmptyDatabase('ss_bind_old');
  const olderMigrations = await mkdtemp(join(tmpdir(), 'ss-migrations-'));
  const pool = createPool(old.url, 2);
  try {
    for (const name of (await readdir(migrationsDir)).filter((n) => n < '000005')) {
      await copyFile(join(migrationsDir, name), join(olderMigrations, name));
    }
    await migrate(pool, olderMigrations);
    await checkSecretKey(pool, new SecretCipher(TEST_SECRET));
    const { rows } = await pool.query<{ id: number }>(`insert into sync_studio.project (name) values ('Old') returning id`);
    await pool.query(`insert into sync_studio.project_secret (project_id, key, value_encrypted) values ($1, 'OLD_TOKEN', $2)`, [
      rows[0]!.id,
      versionOneCiphertext(TEST_SECRET, 'stored-before-000005'),
    ]);

    // A start (here `sync-studio migrate`) applies 000005, then re-encrypts the old value for its row.
    const migrated = await runCli(['migrate'], { DATABASE_URL: old.url, SYNC_STUDIO_SECRET: TEST_SECRET });
    assert.equal(migrated.code, 0, migrated.stderr);
    const row = (await pool.query<StoredSecret>('select * from sync_studio.project_secret')).rows[0]!;
    assert.equal(row.cipher_version, 2);
    assert.equal(openSecret(new SecretCipher(TEST_SECRET), row), 'stored-before-000005');
  } finally {
    await pool.end();
    await rm(olderMigrations, { recursive: true, force: true });
    await old.drop();
  }
});
