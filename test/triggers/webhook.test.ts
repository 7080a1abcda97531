/**
 * Webhooks over the full stack (hono's app.request, no port): return shapes, forms and files,
 * refusals, errors and time limits, the journal, dedup, queued mode and replay.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
before(async () => {
  s = await createTestStack({ env: { SYNC_STUDIO_WEBHOOK_MAX_BYTES: '300000' } });
});
after(() => s.close());

async function webhook(code: string, trigger: Record<string, unknown> = {}) {
  const ids = await s.project(code, { kind: 'webhook', trigger });
  const { rows } = await s.db.pool.query('select path from sync_studio.trigger_webhook where id = $1', [ids.triggerId]);
  return { ...ids, path: rows[0].path as string, url: `/sync/webhook/${rows[0].path}` };
}

const json = (res: Response): Promise<any> => res.json();
const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  s.app.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function webhookJobs(triggerId: number) {
  const { rows } = await s.db.pool.query(`select * from sync_studio.job where trigger_kind = 'webhook' and trigger_id = $1 order by id`, [
    triggerId,
  ]);
  return rows;
}

async function journal(triggerId: number) {
  const { rows } = await s.db.pool.query('select * from sync_studio.webhook_request where trigger_id = $1 order by id', [triggerId]);
  return rows;
}

describe('answering from the handler', () => {
  test('a JSON webhook answers with the returned value; job, journal and data_in/data_out logs are written', async () => {
    const hook = await webhook(
      `function handle_webhook(request) { return { got: request.json, method: request.method, q: request.query.q }; }`,
    );
    const res = await postJson(`${hook.url}?q=1`, { hello: 'world' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    assert.deepEqual(await json(res), { got: { hello: 'world' }, method: 'POST', q: '1' });
    const [job] = await webhookJobs(hook.triggerId);
    assert.equal(job.state, 'done');
    assert.equal(job.function, 'handle_webhook');
    const [entry] = await journal(hook.triggerId);
    assert.equal(entry.job_id, job.id);
    assert.equal(entry.method, 'POST');
    assert.equal(entry.body.toString(), '{"hello":"world"}');
    const lines = await logsOf(s, job.id);
    const dataIn = lines.find((l) => l.type === 'data_in')!;
    const dataOut = lines.find((l) => l.type === 'data_out')!;
    assert.match(dataIn.message, /^POST \/sync\/webhook\/.+\?q=1\n/);
    assert.match(dataIn.message, /\{"hello":"world"\}$/);
    assert.match(dataOut.message, /^200\n/);
    assert.match(dataOut.message, /"got":\{"hello":"world"\}/);
  });

  test('JSON webhooks send arrays, strings and numbers as JSON; nothing returned is 200 OK', async () => {
    const hook = await webhook(`function handle_webhook(request) { return request.json.value; }`);
    for (const value of [[1, 404], 'text', 42]) {
      const res = await postJson(hook.url, { value });
      assert.equal(res.status, 200);
      assert.deepEqual(await json(res), value);
    }
    const none = await postJson(hook.url, {});
    assert.equal(none.status, 200);
    assert.equal(await none.text(), 'OK');
  });

  test('http webhooks: body, [body, status], [body, status, headers] as an object or as pairs', async () => {
    const hook = await webhook(
      `function handle_webhook(request) {
         const shape = request.form.shape;
         if (shape === 'body') return 'plain';
         if (shape === 'status') return ['created', 201];
         if (shape === 'object') return ['<p>x</p>', 202, { 'Content-Type': 'text/html', 'X-Trace': 'abc' }];
         if (shape === 'pairs') return [{ ok: true }, 409, [['X-A', '1'], ['Set-Cookie', 'sid=1']]];
       }`,
      { kind: 'http' },
    );
    const send = (shape: string) =>
      s.app.request(hook.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `shape=${shape}` });
    const body = await send('body');
    assert.deepEqual([body.status, await body.text(), body.headers.get('content-type')], [200, 'plain', 'text/plain; charset=utf-8']);
    const status = await send('status');
    assert.deepEqual([status.status, await status.text()], [201, 'created']);
    const object = await send('object');
    assert.deepEqual(
      [object.status, await object.text(), object.headers.get('content-type'), object.headers.get('x-trace')],
      [202, '<p>x</p>', 'text/html', 'abc'],
    );
    const pairs = await send('pairs');
    assert.deepEqual([pairs.status, await json(pairs), pairs.headers.get('x-a')], [409, { ok: true }, '1']);
    assert.equal(pairs.headers.get('set-cookie'), null, 'handlers cannot set cookies');
    const none = await send('none');
    assert.deepEqual([none.status, await none.text()], [200, 'OK']);
    const jobs = await webhookJobs(hook.triggerId);
    const warning = (await logsOf(s, jobs[3].id)).find((l) => l.level === 'warning');
    assert.match(warning!.message, /Set-Cookie/);
  });

  test('every webhook response carries nosniff and a sandbox CSP; redirect and CORS headers need the webhook to opt in', async () => {
    const code = `function handle_webhook(request) {
       return ['<script>parent.document</script>', 302, {
         'Content-Type': 'text/html', Location: 'https://evil.example/', Refresh: '0;url=https://evil.example/',
         'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true',
         'Content-Security-Policy': 'default-src *', 'X-Content-Type-Options': 'sniff', 'X-Kept': 'yes' }];
     }`;
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' };
    const closed = await webhook(code, { kind: 'http' });
    const res = await s.app.request(closed.url, form);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-security-policy'), 'sandbox', "the handler's own policy is dropped");
    for (const name of ['location', 'refresh', 'access-control-allow-origin', 'access-control-allow-credentials'])
      assert.equal(res.headers.get(name), null, `${name} is dropped`);
    assert.equal(res.headers.get('x-kept'), 'yes');
    const [job] = await webhookJobs(closed.triggerId);
    const warning = (await logsOf(s, job.id)).find((l) => l.level === 'warning');
    assert.match(warning!.message, /Location, Refresh, Access-Control-Allow-Origin, Access-Control-Allow-Credentials/);

    const open = await webhook(code, { kind: 'http', allow_redirect_and_cors: true });
    const opened = await s.app.request(open.url, form);
    assert.equal(opened.headers.get('location'), 'https://evil.example/');
    assert.equal(opened.headers.get('access-control-allow-origin'), '*');
    assert.equal(opened.headers.get('content-security-policy'), 'sandbox', 'the opt-in never lifts the sandbox');

    const refused = await s.app.request(`/sync/webhook/00000000-0000-4000-8000-000000000000`, form);
    assert.equal(refused.status, 404);
    assert.equal(refused.headers.get('x-content-type-options'), 'nosniff', 'our own error replies too');
    assert.equal(refused.headers.get('content-security-policy'), 'sandbox');
  });

  test('http webhooks get multipart fields and files', async () => {
    const hook = await webhook(
      `function handle_webhook(request) { const f = request.files[0]; return [JSON.stringify([request.form, f.field, f.filename, f.content_type, f.size, f.base64]), 200]; }`,
      { kind: 'http' },
    );
    const form = new FormData();
    form.append('note', 'hi');
    form.append('doc', new Blob(['file body'], { type: 'text/csv' }), 'a.csv');
    const res = await s.app.request(hook.url, { method: 'POST', body: form });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(await res.text()), [
      { note: 'hi' },
      'doc',
      'a.csv',
      'text/csv',
      9,
      Buffer.from('file body').toString('base64'),
    ]);
  });

  test('GET requests reach the handler with their query, also under a sub-path', async () => {
    const hook = await webhook(
      `function handle_webhook(request) { return [request.method + ' ' + request.path + ' ' + request.query.challenge, 200]; }`,
      { kind: 'http' },
    );
    const res = await s.app.request(`${hook.url}/verify?challenge=abc`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), `GET /sync/webhook/${hook.path}/verify abc`);
  });

  test("HEAD requests (Trello's check of a new webhook URL) answer 200 without a body; the handler sees HEAD", async () => {
    const hook = await webhook(`function handle_webhook(request) { log('method ' + request.method); return 'ignored body'; }`, {
      kind: 'http',
    });
    const res = await s.app.request(hook.url, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    const [job] = await webhookJobs(hook.triggerId);
    assert.ok((await logsOf(s, job.id)).some((l) => l.message === 'method HEAD'));
  });

  test('a handler error is a 500 without stack or message; the stack is in the job log', async () => {
    const hook = await webhook(
      `function handle_webhook() { inner(); }\nfunction inner() { throw new Error('secret detail ' + params.TOKEN); }`,
    );
    await s.store.create('param', hook.projectId, { key: 'TOKEN', value: 'tok-123' });
    const res = await postJson(hook.url, {});
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.doesNotMatch(text, /secret detail|tok-123|inner|at /);
    assert.equal(JSON.parse(text).error.code, 'handler_failed');
    const [job] = await webhookJobs(hook.triggerId);
    assert.equal(job.state, 'failed');
    const critical = (await logsOf(s, job.id)).find((l) => l.level === 'critical');
    assert.match(critical!.message, /inner/);
  });

  test('a WebhookSignatureError is a 401 invalid_signature, a RetryableJobError a 503 handler_unavailable; neither shows the message', async () => {
    const hook = await webhook(
      `function handle_webhook(request) {
         if (request.json.forged) throw new WebhookSignatureError('bad signature ' + params.TOKEN);
         throw new RetryableJobError('API down ' + params.TOKEN);
       }`,
    );
    await s.store.create('param', hook.projectId, { key: 'TOKEN', value: 'tok-456' });
    const forged = await postJson(hook.url, { forged: true });
    assert.equal(forged.status, 401);
    const refusal = await json(forged);
    assert.equal(refusal.error.code, 'invalid_signature');
    assert.doesNotMatch(JSON.stringify(refusal), /bad signature|tok-456/);
    const down = await postJson(hook.url, {});
    assert.equal(down.status, 503);
    const unavailable = await json(down);
    assert.equal(unavailable.error.code, 'handler_unavailable');
    assert.doesNotMatch(JSON.stringify(unavailable), /API down|tok-456/);
    const jobs = await webhookJobs(hook.triggerId);
    assert.deepEqual(
      jobs.map((job) => job.state),
      ['failed', 'failed'],
    );
    const messages = (await logsOf(s, jobs[0].id)).map((l) => l.message).join('\n');
    assert.match(messages, /WebhookSignatureError: bad signature/);
  });

  test('a handler over its time limit is a 504', async () => {
    const hook = await webhook(`function handle_webhook() { for (;;) {} }`);
    await s.store.update('task', hook.taskId, { timeout_seconds: 0.3 });
    const res = await postJson(hook.url, {});
    assert.equal(res.status, 504);
    assert.equal((await json(res)).error.code, 'handler_timeout');
  });

  test('an invalid reply shape is a 500 with the reason in the job log', async () => {
    const hook = await webhook(`function handle_webhook() { return ['x', 1000]; }`, { kind: 'http' });
    const res = await s.app.request(hook.url, { method: 'POST' });
    assert.equal(res.status, 500);
    const [job] = await webhookJobs(hook.triggerId);
    assert.ok((await logsOf(s, job.id)).some((l) => l.level === 'error' && /status 1000/.test(l.message)));
    assert.equal((await s.call('user', 'GET', `/api/jobs/${job.id}`)).body.state, 'failed', 'the job that answered 500 is failed');
  });
  test('U+0000 or a lone surrogate in the body, the result or an error (which jsonb refuses) loses no request and no job', async () => {
    const hook = await webhook(
      `function handle_webhook(request) { if (request.json.fail) throw new Error('bad \\u0000 byte'); return { echo: request.json.text }; }`,
    );
    const body = '{"text":"a\\u0000b","lone":"\\ud800","emoji":"😀"}';
    const res = await s.app.request(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { echo: 'a\u0000b' }, 'the handler saw the exact text and its reply carries it');
    const failing = await postJson(hook.url, { fail: true });
    assert.equal(failing.status, 500);
    const jobs = await webhookJobs(hook.triggerId);
    assert.deepEqual(
      jobs.map((job) => [job.state, job.result]),
      [
        ['done', { echo: 'a\uFFFDb' }],
        ['failed', null],
      ],
    );
    // The job rows reference the journal, which keeps the exact bytes: the request is rebuilt exactly.
    const args = await Promise.all(
      jobs.map(async (job) => (await s.call('administrator', 'GET', `/api/jobs/${job.id}?include=args`)).body.args[0].json),
    );
    assert.deepEqual(args, [{ text: 'a\u0000b', lone: '\ud800', emoji: '😀' }, { fail: true }]);
    assert.match(jobs[1].error, /bad \uFFFD byte/);
    const entries = await journal(hook.triggerId);
    assert.equal(entries[0].body.toString(), body, 'the journal keeps the exact bytes');
  });
});

describe('refusals', () => {
  test('unknown, malformed, disabled and archived webhooks are 404 with a one-line reason', async () => {
    const hook = await webhook(`function handle_webhook() { return 1; }`);
    assert.equal((await postJson('/sync/webhook/00000000-0000-4000-8000-000000000000', {})).status, 404);
    const malformed = await postJson("/sync/webhook/not-a-uuid'; drop table x", {});
    assert.equal(malformed.status, 404);
    await s.store.update('webhook', hook.triggerId, { active: false });
    const disabled = await postJson(hook.url, {});
    assert.equal(disabled.status, 404);
    assert.equal((await json(disabled)).error.message, 'this webhook is disabled');
    await s.store.update('webhook', hook.triggerId, { active: true });
    await s.store.update('task', hook.taskId, { active: false });
    const archived = await postJson(hook.url, {});
    assert.equal(archived.status, 404);
    assert.equal((await json(archived)).error.message, 'the task of this webhook is archived');
    await s.store.update('task', hook.taskId, { active: true });
    await s.store.update('project', hook.projectId, { active: false });
    const projectArchived = await postJson(hook.url, {});
    assert.equal(projectArchived.status, 404);
    assert.equal((await json(projectArchived)).error.message, 'the project of this webhook is archived');
    assert.equal((await webhookJobs(hook.triggerId)).length, 0);
    assert.equal((await journal(hook.triggerId)).length, 0);
  });

  test('bad content type 415, bad bodies 400, oversized bodies 413; each leaves a log row and no job', async () => {
    const hook = await webhook(`function handle_webhook() { return 1; }`);
    const post = (contentType: string, body: string | Uint8Array) =>
      s.app.request(hook.url, { method: 'POST', headers: { 'content-type': contentType }, body });
    assert.equal((await post('text/plain', 'hi')).status, 415);
    assert.equal((await post('application/json', '{"a":')).status, 400);
    assert.equal((await post('application/json', new Uint8Array([0x22, 0xc3, 0x28, 0x22]))).status, 400);
    const deep = await post('application/json', '['.repeat(100_000) + ']'.repeat(100_000));
    assert.equal(deep.status, 400, 'deep nesting is refused, not a crash');
    assert.equal((await json(deep)).error.code, 'json_too_deep');
    const big = await post('application/json', JSON.stringify({ pad: 'x'.repeat(310_000) }));
    assert.equal(big.status, 413);
    const chunked = await s.app.request(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(10_000)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413, 'a body without content-length is counted as it arrives');
    assert.equal((await webhookJobs(hook.triggerId)).length, 0);
    const { rows } = await s.db.pool.query(
      `select message from sync_studio.log where trigger_kind = 'webhook' and trigger_id = $1 and job_id is null order by id`,
      [hook.triggerId],
    );
    assert.deepEqual(
      rows.map((r) => r.message.match(/\((\d+) /)[1]),
      ['415', '400', '400', '400', '413', '413'],
    );
  });

  test('a JSON webhook never runs its handler for a form body, and vice versa', async () => {
    const hook = await webhook(`function handle_webhook() { return 1; }`, { kind: 'http' });
    assert.equal((await postJson(hook.url, { a: 1 })).status, 415);
  });
});

describe('journal, dedup, queued mode, replay', () => {
  test('a repeated dedup header is answered 200 without a new job', async () => {
    const hook = await webhook(`function handle_webhook(request) { return 'ran'; }`, { dedup_header: 'X-GitHub-Delivery' });
    const first = await postJson(hook.url, { n: 1 }, { 'x-github-delivery': 'd-1' });
    assert.deepEqual(await json(first), 'ran');
    const again = await postJson(hook.url, { n: 1 }, { 'x-github-delivery': 'd-1' });
    assert.equal(again.status, 200);
    assert.equal(await again.text(), 'duplicate delivery, ignored');
    const other = await postJson(hook.url, { n: 2 }, { 'x-github-delivery': 'd-2' });
    assert.deepEqual(await json(other), 'ran');
    assert.equal((await webhookJobs(hook.triggerId)).length, 2);
    assert.deepEqual(
      (await journal(hook.triggerId)).map((r) => r.dedup_key),
      ['d-1', 'd-2'],
    );
  });

  test('queued mode answers 202 at once and runs the handler as a queued job with retries', async () => {
    const hook = await webhook(
      `function handle_webhook(request) {
         log('attempt for ' + request.json.order);
         if (request.json.fail) throw new RetryableJobError('later');
         return 'ignored';
       }`,
      { reply_mode: 'queued', dedup_header: 'X-Delivery' },
    );
    const res = await postJson(hook.url, { order: 7 }, { 'x-delivery': 'q-1' });
    assert.equal(res.status, 202);
    const body = await json(res);
    assert.equal(body.status, 'queued');
    const job = await s.settled(body.job_id);
    assert.equal(job.state, 'done');
    assert.equal(job.run_mode, 'queued');
    const lines = await logsOf(s, job.id);
    assert.ok(lines.some((l) => l.message === 'attempt for 7'));
    assert.ok(lines.some((l) => l.type === 'data_in'));
    assert.equal((await journal(hook.triggerId))[0].job_id, job.id);
    const dup = await postJson(hook.url, { order: 7 }, { 'x-delivery': 'q-1' });
    assert.equal(await dup.text(), 'duplicate delivery, ignored');

    const retried = await postJson(hook.url, { order: 8, fail: true });
    const retriedJob = await s.settled((await json(retried)).job_id);
    assert.equal(retriedJob.state, 'failed', 'RetryableJobError retries up to max_retries, then fails');
    assert.equal(retriedJob.attempts, retriedJob.max_retries);
    assert.ok(retriedJob.attempts > 1);
  });

  test('the request body is stored once: job rows reference the journal, in every mode, and requeue and the API rebuild the request', async () => {
    const payload = 'x'.repeat(200_000);
    const code = `function handle_webhook(request) {
       if (params.FAIL === 'yes') throw new Error('not today');
       return request.json.payload.length;
     }`;
    const handler = await webhook(code);
    const deduped = await webhook(code, { dedup_header: 'X-Delivery' });
    const queued = await webhook(code, { reply_mode: 'queued' });
    const flags = new Map<number, number>();
    for (const hook of [handler, deduped, queued])
      flags.set(hook.projectId, (await s.store.create('param', hook.projectId, { key: 'FAIL', value: 'no' })).id);
    assert.equal(await json(await postJson(handler.url, { payload })), 200_000);
    assert.equal(await json(await postJson(deduped.url, { payload }, { 'x-delivery': 'once' })), 200_000);
    const accepted = await json(await postJson(queued.url, { payload }));
    assert.equal((await s.settled(accepted.job_id)).result, 200_000, 'the queued job read its request from the journal');
    for (const hook of [handler, deduped, queued]) {
      const { rows } = await s.db.pool.query<{ args_bytes: number; body_bytes: number }>(
        `select pg_column_size(j.args) as args_bytes, octet_length(r.body) as body_bytes
           from sync_studio.job j join sync_studio.webhook_request r on r.job_id = j.id where j.trigger_id = $1`,
        [hook.triggerId],
      );
      assert.equal(rows.length, 1);
      assert.ok(rows[0]!.body_bytes > 200_000, 'the journal keeps the body');
      assert.ok(rows[0]!.args_bytes < 100, `the job row keeps a reference only (${rows[0]!.args_bytes} bytes)`);
    }

    const [job] = await webhookJobs(handler.triggerId);
    const shown = await s.call('administrator', 'GET', `/api/jobs/${job.id}?include=args`);
    assert.equal(shown.body.args[0].json.payload.length, 200_000, 'the API shows the request the handler received');
    assert.equal(shown.body.args[0].method, 'POST');

    await s.store.update('param', flags.get(handler.projectId)!, { value: 'yes' });
    const failing = await postJson(handler.url, { payload: 'short' });
    assert.equal(failing.status, 500);
    const failed = (await webhookJobs(handler.triggerId)).at(-1);
    assert.equal(failed.state, 'failed');
    await s.store.update('param', flags.get(handler.projectId)!, { value: 'no' });
    assert.equal((await s.call('developer', 'POST', `/api/jobs/${failed.id}/requeue`)).status, 202);
    const rerun = await s.settled(failed.id);
    assert.equal(rerun.state, 'done');
    assert.equal(rerun.result, 5, 'the requeued job got the journaled request again');
  });

  test('the journal lists requests with authenticating headers redacted for non-administrators', async () => {
    const hook = await webhook(`function handle_webhook() {}`);
    await postJson(hook.url, { a: 1 }, { authorization: 'Bearer very-secret', 'x-hub-signature-256': 'sha256=abc', 'x-custom': 'visible' });
    const asUser = await s.call('user', 'GET', `/api/triggers/webhook/${hook.triggerId}/requests`);
    assert.equal(asUser.status, 200);
    assert.equal(asUser.body.total, 1);
    const [item] = asUser.body.items;
    assert.equal(item.headers.authorization, '[redacted]');
    assert.equal(item.headers['x-hub-signature-256'], '[redacted]');
    assert.equal(item.headers['x-custom'], 'visible');
    assert.equal(item.body, '{"a":1}');
    assert.equal((await s.call('user', 'GET', '/api/triggers/webhook/999999/requests')).status, 404, 'an unknown webhook has no journal');
    const asAdmin = await s.call('administrator', 'GET', `/api/triggers/webhook/${hook.triggerId}/requests`);
    assert.equal(asAdmin.body.items[0].headers.authorization, 'Bearer very-secret');
    const [job] = await webhookJobs(hook.triggerId);
    const dataIn = (await logsOf(s, job.id)).find((l) => l.type === 'data_in')!;
    assert.doesNotMatch(dataIn.message, /very-secret/, 'job logs never show authenticating headers');
  });

  test('replay runs a journaled request against the current code; developers only', async () => {
    const hook = await webhook(`function handle_webhook(request) { return { v: 1, n: request.json.n }; }`);
    assert.deepEqual(await json(await postJson(hook.url, { n: 5 })), { v: 1, n: 5 });
    await s.store.update('task', hook.taskId, { code: `function handle_webhook(request) { return { v: 2, n: request.json.n }; }` });
    const [entry] = await journal(hook.triggerId);
    assert.equal((await s.call('user', 'POST', `/api/webhook-requests/${entry.id}/replay`, {})).status, 403);
    const replay = await s.call('developer', 'POST', `/api/webhook-requests/${entry.id}/replay`, {});
    assert.equal(replay.status, 201);
    assert.equal(replay.body.state, 'done');
    assert.deepEqual(replay.body.result, { v: 2, n: 5 });
    assert.equal(replay.body.response.status, 200);
    assert.equal(replay.body.response.body, '{"v":2,"n":5}');
    const lines = await logsOf(s, replay.body.jobId);
    assert.ok(lines.some((l) => l.message.startsWith(`Replay of webhook request ${entry.id}`)));
    assert.equal((await webhookJobs(hook.triggerId)).length, 2);
    assert.equal((await s.call('developer', 'POST', '/api/webhook-requests/999999/replay', {})).status, 404);
    await s.store.update('webhook', hook.triggerId, { active: false });
    assert.equal((await s.call('developer', 'POST', `/api/webhook-requests/${entry.id}/replay`, {})).status, 409);
    assert.equal((await s.call('developer', 'POST', `/api/webhook-requests/${entry.id}/replay`, { force: true })).body.state, 'done');
  });
});

describe('deleting what owns the history', () => {
  async function historyOf(hook: { projectId: number; taskId: number; triggerId: number }) {
    const count = async (sql: string, params: unknown[]) => (await s.db.pool.query(sql, params)).rows[0].n as number;
    return {
      jobs: await count('select count(*)::int n from sync_studio.job where project_id = $1', [hook.projectId]),
      lines: await count('select count(*)::int n from sync_studio.log where project_id = $1', [hook.projectId]),
      joblessLines: await count('select count(*)::int n from sync_studio.log where project_id = $1 and job_id is null', [hook.projectId]),
      journal: await count('select count(*)::int n from sync_studio.webhook_request where trigger_id = $1', [hook.triggerId]),
    };
  }
  /** One answered request (job, lines, journal entry) and one refused (a line without a job). */
  async function busyWebhook() {
    const hook = await webhook(`function handle_webhook(request) { return 1; }`);
    assert.equal((await postJson(hook.url, {})).status, 200);
    assert.equal((await s.app.request(hook.url, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' })).status, 415);
    const before = await historyOf(hook);
    assert.ok(before.jobs === 1 && before.joblessLines === 1 && before.journal === 1 && before.lines > 1, JSON.stringify(before));
    return hook;
  }
  const nothing = { jobs: 0, lines: 0, joblessLines: 0, journal: 0 };

  test('deleting a project deletes its jobs, all their log lines, lines without a job and the journal', async () => {
    const hook = await busyWebhook();
    const other = await busyWebhook();
    const untouched = await historyOf(other);
    assert.equal((await s.call('administrator', 'DELETE', `/api/projects/${hook.projectId}`)).status, 204);
    assert.deepEqual(await historyOf(hook), nothing);
    assert.deepEqual(await historyOf(other), untouched, "another project's history stays");
  });

  test('deleting a task or a webhook deletes what it owns', async () => {
    const viaTask = await busyWebhook();
    await s.store.remove('task', viaTask.taskId);
    assert.deepEqual(await historyOf(viaTask), nothing);
    const viaWebhook = await busyWebhook();
    await s.store.remove('webhook', viaWebhook.triggerId);
    const left = await historyOf(viaWebhook);
    assert.equal(left.journal, 0, 'the journal goes with its webhook');
    assert.equal(left.jobs, 1, 'jobs stay with their task');
  });
});
