/**
 * A webhook caller's credentials are never shown to roles below administrator: not in the job's
 * args or result, not in a sub-job the request was handed to, not in any log line (whatever task
 * code logs); secret values are also caught inside Basic-auth pairs and in other letter cases.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
before(async () => {
  s = await createTestStack();
});
after(() => s.close());

const credentials = {
  authorization: 'Bearer very-secret-token-1234',
  cookie: 'session=cookie-value-5678',
  'x-hub-signature-256': 'sha256=0badc0ffee0badc0ffee',
};
const leaks = (text: string) => ['very-secret-token-1234', 'cookie-value-5678', '0badc0ffee0badc0ffee'].filter((v) => text.includes(v));

test("a webhook's credentials are redacted for non-administrators in jobs, sub-jobs and logs", async () => {
  const ids = await s.project(
    `function handle_webhook(request) {
       log('headers: ' + JSON.stringify(request.headers));
       log('token alone: ' + request.headers.authorization.split(' ')[1]);
       add_job('later')(request);
       return { seen: request.headers.authorization };
     }
     function later(request) { log('later: ' + request.headers.cookie); }`,
    { kind: 'webhook' },
  );
  const { rows } = await s.db.pool.query('select path from sync_studio.trigger_webhook where id = $1', [ids.triggerId]);
  const res = await s.app.request(`/sync/webhook/${rows[0].path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credentials },
    body: '{"order":1}',
  });
  assert.equal(res.status, 200);
  const { rows: jobs } = await s.db.pool.query('select id from sync_studio.job where task_id = $1 order by id', [ids.taskId]);
  const [parent, child] = jobs.map((row) => row.id as number);
  await s.settled(parent!);

  for (const role of ['user', 'developer'] as const) {
    for (const id of [parent, child]) {
      const job = await s.call(role, 'GET', `/api/jobs/${id}?include=args`);
      assert.equal(job.status, 200);
      assert.deepEqual(leaks(JSON.stringify(job.body)), [], `${role} reads job ${id} without credentials`);
      assert.equal(job.body.args[0].headers.authorization, '[redacted]');
      assert.equal(job.body.args[0].headers['content-type'], 'application/json', 'other headers stay visible');
    }
    const logs = await s.call(role, 'GET', `/api/logs?job_id=${parent}&limit=100`);
    const childLogs = await s.call(role, 'GET', `/api/logs?job_id=${child}&limit=100`);
    assert.deepEqual(leaks(JSON.stringify([logs.body, childLogs.body])), [], `${role} reads logs without credentials`);
  }
  const asAdmin = await s.call('administrator', 'GET', `/api/jobs/${parent}?include=args`);
  assert.equal(asAdmin.body.args[0].headers.authorization, credentials.authorization, 'administrators see the request as received');
  const stored = [...(await logsOf(s, parent!)), ...(await logsOf(s, child!))].map((l) => l.message).join('\n');
  assert.deepEqual(leaks(stored), [], 'log rows never hold the credentials, whoever reads them');
  assert.match(stored, /token alone: \[redacted\]/);
});

test('secret values are redacted inside Basic-auth pairs and in other letter cases', async () => {
  const ids = await s.project(
    `function handle_button() {
       log('Authorization: Basic ' + b64encode('alice:hunter2-secret'));
       log('shouted: HUNTER2-SECRET');
     }`,
  );
  await s.store.create('secret', ids.projectId, { key: 'PASSWORD', value: 'hunter2-secret' });
  const run = await s.call('developer', 'POST', `/api/triggers/button/${ids.triggerId}/run`, { wait: true });
  const lines = (await logsOf(s, run.body.job_id)).map((l) => l.message);
  assert.ok(lines.includes('Authorization: Basic [redacted]'), lines.join('\n'));
  assert.ok(lines.includes('shouted: [redacted]'), lines.join('\n'));
});
