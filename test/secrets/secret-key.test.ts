/** Secret values at rest: a wrong or missing key stops the start; rotate-secret re-encrypts in one transaction. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ProjectStore } from '../../server/src/projects/index.js';
import { SecretCipher, checkSecretKey, openSecret, type StoredSecret } from '../../server/src/secrets/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';

const keyA = 'key-A-0123456789-0123456789-0123456789';
const keyB = 'key-B-0123456789-0123456789-0123456789';
let db: TestDatabase;

before(async () => {
  db = await createTestDatabase('ss_keys');
  const cipher = new SecretCipher(keyA);
  await checkSecretKey(db.pool, cipher);
  const store = new ProjectStore(db.pool, cipher);
  const project = await store.create('project', null, { name: 'keys' });
  await store.create('secret', project.id, { key: 'TOKEN', value: 'value-one' });
  await store.create('secret', project.id, { key: 'OTHER', value: 'value-two' });
});
after(() => db.drop());

const cli = (args: string[], secret: string) => runCli(args, { DATABASE_URL: db.url, SYNC_STUDIO_SECRET: secret });

test('starting with a different key is refused with a clear error instead of serving garbage', async () => {
  const result = await cli(['migrate'], keyB);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /SYNC_STUDIO_SECRET is not the key the stored secret values were encrypted with/);
  assert.doesNotMatch(result.stderr, /value-one/);
});

test('rotate-secret re-encrypts every value under the new key; the old key then stops working', async () => {
  const rotated = await runCli(['rotate-secret', '--new-secret', keyB], { DATABASE_URL: db.url, SYNC_STUDIO_SECRET: keyA });
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(rotated.stdout, /re-encrypted 2 secret value/);
  assert.equal((await cli(['migrate'], keyB)).code, 0);
  assert.equal((await cli(['migrate'], keyA)).code, 1);
  const cipher = new SecretCipher(keyB);
  const { rows } = await db.pool.query<StoredSecret>('select * from sync_studio.project_secret order by key');
  assert.deepEqual(
    rows.map((r) => [r.key, openSecret(cipher, r)]),
    [
      ['OTHER', 'value-two'],
      ['TOKEN', 'value-one'],
    ],
  );
});

test('rotation with a key that is not the current one changes nothing', async () => {
  const before = (await db.pool.query('select value_encrypted from sync_studio.project_secret order by key')).rows;
  const result = await runCli(['rotate-secret', '--new-secret', 'key-C-0123456789-0123456789-0123456789'], {
    DATABASE_URL: db.url,
    SYNC_STUDIO_SECRET: keyA,
  });
  assert.equal(result.code, 1);
  const afterRows = (await db.pool.query('select value_encrypted from sync_studio.project_secret order by key')).rows;
  assert.deepEqual(afterRows, before);
});
