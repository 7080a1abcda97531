/**
 * The Odoo ↔ Odoo demo end to end (server/samples/demos/odoo2odoo.xml) between two databases of
 * the Odoo double: the sidecar lives in "odoo" and reaches "remote" over XML-RPC. A partner
 * created here appears there, linked; the cron pulls a remote change back; while the other Odoo
 * is down (behind a proxy that resets its connections) the job retries, and the partner arrives
 * once it is back; the manual push moves the unlinked partners in sub-jobs of 10 with the name prefix,
 * and the cron then pulls none of them back (a remote partner unchanged since its link is skipped).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createXmlRpcClient, type OdooClient } from '../../server/src/odoo/index.js';
import { adminPassword } from '../odoo-double/index.js';
import { FlakyProxy } from '../helpers/tcp-proxy.js';
import { jobsOfTrigger, logLines, startDemo, type DemoHarness } from './harness.js';

let h: DemoHarness;
let remote: OdooClient;
/** The demo reaches the other Odoo through it. */
let proxy: FlakyProxy;

before(async () => {
  h = await startDemo('odoo2odoo.xml', { databases: ['odoo', 'remote'], secrets: { USERNAME: 'admin', PASSWORD: adminPassword } });
  proxy = await new FlakyProxy(h.odoo.url).start();
  const { rows } = await h.s.db.pool.query(`select id, key from sync_studio.project_param where project_id = $1`, [h.projectId]);
  for (const row of rows) await h.s.store.update('param', row.id, { value: row.key === 'URL' ? proxy.url : 'remote' });
  remote = createXmlRpcClient({ url: h.odoo.url, db: 'remote', login: 'admin', password: adminPassword });
});
after(async () => {
  remote.close();
  await proxy.stop();
  await h.close();
});

const linkOf = async (localId: number) =>
  (
    await h.s.db.pool.query(`select ref1, ref2, system1, system2, date from sync_studio.link where relation = 'odoo2odoo_partner'`)
  ).rows.find((row) => (row.system1 === 'odoo' ? row.ref1 : row.ref2) === String(localId));
const remoteIdOf = (link: any) => Number(link.system1 === 'odoo' ? link.ref2 : link.ref1);
/** Run Now on CHECK_EXTERNAL_ODOO; the settled job. */
async function runCron() {
  const { rows } = await h.s.db.pool.query(`select id from sync_studio.trigger_cron where trigger_name = 'CHECK_EXTERNAL_ODOO'`);
  const run = await h.s.call('developer', 'POST', `/api/triggers/cron/${rows[0].id}/run`, {});
  return h.s.settled(run.body.job_id, 60_000);
}

describe('Odoo ↔ Odoo demo', () => {
  let localId: number;
  let remoteId: number;

  test('a partner created here is created on the other Odoo and linked', async () => {
    localId = await h.rpc.executeKw<number>('res.partner', 'create', [{ name: 'Grace Hopper', image_1920: 'aW1hZ2U=' }]);
    const [job] = await jobsOfTrigger(h, 'db', 'LOCAL_PARTNER_CREATED', 1);
    assert.equal(job.state, 'done', await logLines(h, job.id));
    const link = await linkOf(localId);
    assert.ok(link, 'the partners are linked');
    remoteId = remoteIdOf(link);
    const [copy] = await remote.executeKw<any[]>('res.partner', 'read', [[remoteId]], { fields: ['name', 'image_1920'] });
    assert.deepEqual([copy.name, copy.image_1920], ['Grace Hopper', 'aW1hZ2U=']);
    assert.match(await logLines(h, job.id), /data_out XMLRPC DB=remote URL=/);
    assert.ok(!(await logLines(h, job.id)).includes(adminPassword), 'the password is not in the log');
  });

  test('the cron pulls a name and avatar changed on the other Odoo', async () => {
    // The link was made a while ago: Odoo's dates have whole seconds, a change within the link's second is not seen.
    await h.s.db.pool.query(`update sync_studio.link set date = date - interval '1 minute' where relation = 'odoo2odoo_partner'`);
    await remote.executeKw('res.partner', 'write', [[remoteId], { name: 'Rear Admiral Grace Hopper', image_1920: 'bmV3' }]);
    const job = await runCron();
    assert.equal(job.state, 'done', await logLines(h, job.id));
    const [local] = await h.rpc.executeKw<any[]>('res.partner', 'read', [[localId]], { fields: ['name', 'image_1920'] });
    assert.deepEqual([local.name, local.image_1920], ['Rear Admiral Grace Hopper', 'bmV3']);
  });

  let retriedId: number;
  test('the other Odoo down: the job ends in retries (RetryableJobError), and the partner arrives once it is back', async () => {
    proxy.down(2);
    retriedId = await h.rpc.executeKw<number>('res.partner', 'create', [{ name: 'Ada Lovelace' }]);
    const [, job] = await jobsOfTrigger(h, 'db', 'LOCAL_PARTNER_CREATED', 2);
    const logs = await logLines(h, job.id);
    assert.equal(job.state, 'done', logs);
    assert.equal(proxy.reset, 2, 'both connections of the outage were refused');
    assert.ok(job.attempts >= 2, `attempts: ${job.attempts}`);
    assert.match(logs, /RetryableJobError: Error on connecting to external Odoo: .*\nattempt 1 of \d+ failed; retrying at /);
    const link = await linkOf(retriedId);
    assert.ok(link, 'linked once the other Odoo is back');
    const [copy] = await remote.executeKw<any[]>('res.partner', 'read', [[remoteIdOf(link)]], { fields: ['name'] });
    assert.equal(copy.name, 'Ada Lovelace');
    const copies = await remote.executeKw<number>('res.partner', 'search_count', [[['name', '=', 'Ada Lovelace']]]);
    assert.equal(copies, 1, 'created once on the other Odoo');
  });

  test('PUSH_ALL_LOCAL_PARTNERS pushes the unlinked partners in sub-jobs of 10 with the name prefix', async () => {
    const { rows: dbTrigger } = await h.s.db.pool.query(
      `select id from sync_studio.trigger_db where trigger_name = 'LOCAL_PARTNER_CREATED'`,
    );
    await h.s.store.update('db', dbTrigger[0].id, { active: false });
    await h.rpc.executeKw('res.partner', 'create', [Array.from({ length: 21 }, (_, i) => ({ name: `Batch ${i}` }))]);
    const unlinked = (await h.rpc.executeKw<number[]>('res.partner', 'search', [[]])).filter((id) => id !== localId && id !== retriedId);
    const parent = await h.press('PUSH_ALL_LOCAL_PARTNERS');
    assert.equal(parent.state, 'done', await logLines(h, parent.id));
    const { rows: subJobs } = await h.s.db.pool.query('select args, state from sync_studio.job where parent_job_id = $1 order by id', [
      parent.id,
    ]);
    assert.equal(subJobs.length, Math.ceil(unlinked.length / 10));
    assert.deepEqual(
      subJobs.map((job) => job.args[0].length),
      Array.from({ length: subJobs.length }, (_, i) => Math.min(10, unlinked.length - i * 10)),
    );
    assert.ok(
      subJobs.every((job) => job.state === 'done' && job.args[1] === 'Sync Studio:'),
      JSON.stringify(subJobs.map((job) => [job.state, job.args[1]])),
    );
    for (const id of unlinked) assert.ok(await linkOf(id), `partner ${id} is linked`);
    const pushed = await remote.executeKw<any[]>('res.partner', 'search_read', [[['name', '=like', 'Sync Studio: Batch %']]], {
      fields: ['name'],
    });
    assert.equal(pushed.length, 21);
    const again = await h.press('PUSH_ALL_LOCAL_PARTNERS');
    assert.match(await logLines(h, again.id), /0 partners to push in 0 sub-jobs/);
  });

  test('the cron after the push pulls nothing back: a remote partner unchanged since its link keeps the local name (no prefix), run after run', async () => {
    const before = await h.rpc.executeKw<any[]>('res.partner', 'search_read', [[]], { fields: ['name'] });
    for (let run = 0; run < 2; run++) {
      const job = await runCron();
      const logs = await logLines(h, job.id);
      assert.equal(job.state, 'done', logs);
      assert.doesNotMatch(logs, /updated from remote partner/);
    }
    assert.deepEqual(await h.rpc.executeKw<any[]>('res.partner', 'search_read', [[]], { fields: ['name'] }), before);
  });
});
