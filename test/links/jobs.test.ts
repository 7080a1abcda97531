/**
 * Links from task code in real jobs: the SES worker's link functions, the job runner's `links`
 * power and executeLinkOp on the database, end to end through Run Now.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
before(async () => {
  s = await createTestStack();
});
after(() => s.close());

const runButton = async (code: string) => {
  const { triggerId } = await s.project(code);
  const response = await s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as { job_id: number; state: string; result: unknown; error?: { message: string } };
};

test('task code sets, finds and catches link conflicts as ValidationError', async () => {
  const job = await runButton(`
    async function handle_button() {
      const partner = env['res.partner'].browse(7);
      const link = await partner.set_link('crm', 'c-7', '2024-05-01 12:00:00');
      let conflict = null;
      try {
        await env['res.partner'].browse(8).set_link('crm', 'c-7');
      } catch (error) {
        conflict = [error instanceof ValidationError, error.message];
      }
      await set_link('issues', { github: 1, trello: 'card' });
      const issue = await get_link('issues', { github: 1, trello: null });
      const found = await partner.search_links('crm');
      return {
        external: link.external,
        date: link.sync_date.toISOString(),
        odoo: (await get_link('crm', 'c-7')).odoo.ids,
        conflict,
        trello: issue.get('trello'),
        count: found.length,
        missing: await get_link('crm', 'nope'),
      };
    }`);
  assert.equal(job.state, 'done', JSON.stringify(job.error));
  assert.deepEqual(job.result, {
    external: 'c-7',
    date: '2024-05-01T12:00:00.000Z',
    odoo: [7],
    conflict: [true, 'crm link already exists: __external__=c-7, __odoo__=7'],
    trello: 'card',
    count: 1,
    missing: null,
  });
  const debug = (await logsOf(s, job.job_id)).filter((line) => line.name === 'sync.link').map((line) => line.message);
  assert.ok(debug.includes('Create link: crm __external__=c-7, __odoo__=7 (res.partner)'), debug.join('\n'));
  const { rows } = await s.db.pool.query('select relation, ref1, ref2, model from sync_studio.link order by id');
  assert.deepEqual(rows, [
    { relation: 'crm', ref1: 'c-7', ref2: '7', model: 'res.partner' },
    { relation: 'issues', ref1: '1', ref2: 'card', model: null },
  ]);
});

test('a bad op from task code fails the job with a clear message', async () => {
  const job = await runButton(`async function handle_button() { await set_link('r', { a: 1, b: 2, c: 3 }); }`);
  assert.equal(job.state, 'failed');
  assert.match(job.error!.message, /refs must name exactly two systems, got 3: a, b, c/);
});
