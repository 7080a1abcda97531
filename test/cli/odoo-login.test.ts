/**
 * `serve` in Odoo mode logs in to Odoo at start, not at the first job: a wrong password is said in
 * the sidecar's output at once, naming login and database, and the sidecar keeps serving.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { startServe, stop } from '../helpers/cli.js';
import { pollUntil } from '../helpers/poll.js';
import { startOdooDouble } from '../odoo-double/index.js';

const odoo = await startOdooDouble({ databases: ['odoo'] });
after(() => odoo.stop());

test('a wrong Odoo password is said at start, and the sidecar keeps serving', async () => {
  const serve = await startServe({
    DATABASE_URL: odoo.databaseUrl('odoo'),
    ODOO_URL: odoo.url,
    ODOO_DB: 'odoo',
    ODOO_USER: 'admin',
    ODOO_PASSWORD: 'not-the-password',
    SYNC_STUDIO_SECRET: 'odoo-login-test-secret-with-more-than-32-characters',
    SYNC_STUDIO_ADMIN_TOKEN: `ssa_${randomBytes(18).toString('base64url')}`,
    SYNC_STUDIO_WORKERS: '1',
    PORT: '0',
  });
  try {
    await pollUntil('the login failure in the output', async () => /Odoo login failed/.test(serve.output()));
    assert.match(serve.output(), /wrong login or password for admin on database odoo/);
    assert.ok(!serve.output().includes('not-the-password'), 'the password is not logged');
    assert.equal((await fetch(`${serve.url}/readyz`)).status, 200);
  } finally {
    await stop(serve.child);
  }
});
