/** The Odoo user behind an event: name, language and time zone read from Odoo (the double), cached. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OdooUsers } from '../../server/src/jobs/odoo-users.js';
import { createJsonRpcClient, type OdooClient } from '../../server/src/odoo/index.js';
import { adminPassword, startOdooDouble, type OdooDouble } from '../odoo-double/index.js';

let odoo: OdooDouble;
let client: OdooClient;
before(async () => {
  odoo = await startOdooDouble({ databases: ['odoo'] });
  client = createJsonRpcClient({ url: odoo.url, db: 'odoo', login: 'admin', password: adminPassword });
});
after(async () => {
  client.close();
  await odoo.stop();
});

test("reads the user's name, language and time zone once, then from the cache", async () => {
  // lang and tz live on the user's partner (res.users inherits them).
  const [admin] = await client.executeKw<{ partner_id: [number, string] }[]>('res.users', 'read', [[2]], { fields: ['partner_id'] });
  const partnerId = admin!.partner_id[0];
  await client.executeKw('res.partner', 'write', [[partnerId], { lang: 'fr_FR', tz: 'Europe/Paris' }]);
  let now = 0;
  const users = new OdooUsers(client, () => now);
  const first = await users.get(2);
  assert.equal(first.problem, undefined);
  assert.equal(first.user.lang, 'fr_FR');
  assert.equal(first.user.tz, 'Europe/Paris');
  assert.ok(first.user.name.length > 0);
  await client.executeKw('res.partner', 'write', [[partnerId], { lang: 'en_US' }]);
  assert.equal((await users.get(2)).user.lang, 'fr_FR', 'cached');
  now += 10 * 60_000;
  assert.equal((await users.get(2)).user.lang, 'en_US', 'read again after the cache expired');
});

test('an unknown user or no Odoo gives the defaults, with the reason when there is one', async () => {
  const missing = await new OdooUsers(client).get(999_999);
  assert.deepEqual(missing.user, { id: 999_999, name: '', lang: 'en_US', tz: 'UTC' });
  assert.match(missing.problem!, /999999/);
  const none = await new OdooUsers(undefined).get(7);
  assert.deepEqual(none, { user: { id: 7, name: '', lang: 'en_US', tz: 'UTC' } });
});
