// The evaluation context: every name task code is given,
// and the visibility rules between common code and task code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxPool, type PluginDescription, type RunOutcome, type SandboxPool } from '../../server/src/sandbox/index.js';
import { makeRequest, namedError, RecordingPowers, type RequestOverrides } from './helpers.js';

let pool: SandboxPool;
before(() => {
  pool = createSandboxPool({ workers: 1, memoryMb: 128 });
});
after(() => pool.close());

async function run(code: string, overrides: RequestOverrides = {}, powers = new RecordingPowers()) {
  const outcome = await pool.run(makeRequest({ code, ...overrides }), powers);
  return { outcome, powers };
}

function resultOf(outcome: RunOutcome): unknown {
  assert.ok(outcome.ok, `job failed: ${outcome.ok ? '' : `${outcome.error.name}: ${outcome.error.message}`}`);
  return outcome.result;
}

function errorOf(outcome: RunOutcome) {
  assert.ok(!outcome.ok, 'the job should have failed');
  return outcome.error;
}

describe('logging', () => {
  test('log writes entries in order, with levels and the time they were logged, and stringifies non-strings (objects as JSON)', async () => {
    const before = Date.now();
    const { outcome, powers } = await run(`function handle_cron() {
      log('plain');
      log({ a: 1 }, LOG_WARNING);
      log(42, LOG_DEBUG);
      log(null, LOG_ERROR);
      log([1, 'x'], LOG_CRITICAL);
      log_transmission('Telegram', { text: 'hi' });
      return [LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERROR, LOG_CRITICAL];
    }`);
    assert.deepEqual(resultOf(outcome), ['debug', 'info', 'warning', 'error', 'critical']);
    assert.ok(powers.logs.every(({ at }) => at >= before && at <= Date.now()));
    assert.deepEqual(
      powers.logs.map(({ at: _at, ...entry }) => entry),
      [
        { level: 'info', type: 'server', name: 'Log', message: 'plain' },
        { level: 'warning', type: 'server', name: 'Log', message: '{"a":1}' },
        { level: 'debug', type: 'server', name: 'Log', message: '42' },
        { level: 'error', type: 'server', name: 'Log', message: 'null' },
        { level: 'critical', type: 'server', name: 'Log', message: '[1,"x"]' },
        { level: 'info', type: 'data_out', name: 'Telegram', message: '{"text":"hi"}' },
      ],
    );
  });

  test('an unknown level is refused with the list of levels', async () => {
    const { outcome } = await run(`function handle_cron() { log('x', 'loud') }`);
    assert.match(errorOf(outcome).message, /unknown level "?loud"?.*LOG_DEBUG/);
  });
});

describe('env and links', () => {
  test('env calls reach the odoo power with the context; record sets cross both ways', async () => {
    const powers = new RecordingPowers();
    powers.onOdoo = async (call) => {
      if (call.method === 'search') return [1, 2];
      throw namedError('ValidationError', 'You cannot create recursive Partner hierarchies.');
    };
    const { outcome } = await run(
      `async function handle_db(records) {
        const found = await env['res.partner'].search([['name', '=', 'x']], { limit: 2 });
        let error;
        try { await env['res.partner'].create({ parent_id: 1 }) } catch (e) { error = [e instanceof ValidationError, e instanceof UserError, e.name, e.message] }
        return { model: records.model, ids: records.ids, found, error };
      }`,
      { handler: 'handle_db', args: [{ __recordset__: { model: 'res.partner', ids: [3, 4] } }] },
      powers,
    );
    assert.deepEqual(resultOf(outcome), {
      model: 'res.partner',
      ids: [3, 4],
      found: { __recordset__: { model: 'res.partner', ids: [1, 2] } },
      error: [true, true, 'ValidationError', 'You cannot create recursive Partner hierarchies.'],
    });
    assert.deepEqual(powers.calls[0], {
      power: 'odoo',
      payload: {
        model: 'res.partner',
        method: 'search',
        args: [[['name', '=', 'x']]],
        kwargs: { limit: 2, context: { lang: 'en_US', tz: 'Europe/Brussels' } },
      },
    });
  });

  test('record sets given to add_job are sent encoded', async () => {
    const { outcome, powers } = await run(
      `function later(p) {} async function handle_cron() { await add_job('later')(env['res.partner'].browse([5])) }`,
    );
    resultOf(outcome);
    assert.deepEqual(powers.calls[0]?.payload, {
      function: 'later',
      args: [{ __recordset__: { model: 'res.partner', ids: [5] } }],
      options: {},
    });
  });

  test('link functions call the links power and log as sync.link', async () => {
    const powers = new RecordingPowers();
    powers.onLinks = async () => [];
    const { outcome } = await run(
      `async function handle_cron() { const links = await search_links('partner_github', { github: ['1'] }); return links.length }`,
      {},
      powers,
    );
    assert.equal(resultOf(outcome), 0);
    assert.equal(powers.calls[0]?.power, 'links');
  });
});

describe('params, texts, webhooks', () => {
  const context = {
    params: { CHAT_ID: '42', EMPTY: null },
    texts: { GREETING: 'Bonjour' },
    webhooks: { TELEGRAM: 'https://sync.example.com/sync/webhook/1234' },
  };

  test('known names read their values', async () => {
    const { outcome } = await run(`function handle_cron() { return [params.CHAT_ID, params.EMPTY, texts.GREETING, webhooks.TELEGRAM] }`, {
      context,
    });
    assert.deepEqual(resultOf(outcome), ['42', null, 'Bonjour', 'https://sync.example.com/sync/webhook/1234']);
  });

  test('an unknown name throws an error naming it and listing the known ones', async () => {
    const { outcome } = await run(`function handle_cron() { return webhooks.GITHUB }`, { context });
    assert.equal(errorOf(outcome).message, 'webhooks.GITHUB does not exist; known webhooks: TELEGRAM');
  });

  test('they are frozen, and still usable with JSON.stringify, Object.keys and "in"', async () => {
    const { outcome } = await run(
      `function handle_cron() {
        let threw = false;
        try { params.CHAT_ID = 'x' } catch (e) { threw = e instanceof TypeError }
        return [threw, params.CHAT_ID, JSON.stringify(texts), Object.keys(params), 'EMPTY' in params, 'NOPE' in params];
      }`,
      { context },
    );
    assert.deepEqual(resultOf(outcome), [true, '42', '{"GREETING":"Bonjour"}', ['CHAT_ID', 'EMPTY'], true, false]);
  });
});

describe('trigger and user', () => {
  test('trigger_name, its alias trigger, and user', async () => {
    const { outcome } = await run(`function handle_cron() { return [trigger_name, trigger, user, Object.isFrozen(user)] }`);
    assert.deepEqual(resultOf(outcome), ['NIGHTLY', 'NIGHTLY', { id: 7, name: 'Ada' }, true]);
  });

  test('user is null when no Odoo user is behind the event', async () => {
    const { outcome } = await run(`function handle_cron() { return user }`, { context: { user: null } });
    assert.equal(resultOf(outcome), null);
  });
});

describe('add_job', () => {
  test('forwards the function name, JSON arguments and options to the host', async () => {
    const { outcome, powers } = await run(`
      function step(page, filter) {}
      async function handle_cron() {
        await add_job('step', { priority: 5, max_retries: 2, description: 'page 2', identity_key: 'p2', eta: '2030-01-02T03:04:05Z' })(2, { active: true, when: new Date('2030-01-01T00:00:00Z') });
        await add_job(step)();
      }`);
    resultOf(outcome);
    assert.deepEqual(powers.calls, [
      {
        power: 'addJob',
        payload: {
          function: 'step',
          args: [2, { active: true, when: '2030-01-01T00:00:00.000Z' }],
          options: { priority: 5, max_retries: 2, description: 'page 2', identity_key: 'p2', eta: '2030-01-02T03:04:05.000Z' },
        },
      },
      { power: 'addJob', payload: { function: 'step', args: [], options: {} } },
    ]);
  });

  test('a public common-code function can be run; an undefined name is refused clearly', async () => {
    const commonCode = 'function shared_step() {} function _private_step() {}';
    const ok = await run(`async function handle_cron() { await add_job('shared_step')() }`, { commonCode });
    resultOf(ok.outcome);
    const refused = await run(`function handle_cron() { add_job('_private_step')() }`, { commonCode });
    assert.match(errorOf(refused.outcome).message, /add_job: "_private_step" is not a top-level function of this task/);
    assert.equal(refused.powers.calls.length, 0);
  });

  test('unknown options are refused with the list of options', async () => {
    const { outcome } = await run(`function step() {} function handle_cron() { add_job('step', { channel: 'x' }) }`);
    assert.match(
      errorOf(outcome).message,
      /unknown option "channel"; known options: priority, eta, max_retries, description, identity_key/,
    );
  });

  test('a host failure reaches task code as an Error with the same name and message', async () => {
    const powers = new RecordingPowers();
    powers.onAddJob = async () => {
      throw namedError('ConflictError', 'the job queue is closed');
    };
    const { outcome } = await run(
      `function step() {} async function handle_cron() { try { await add_job('step')() } catch (e) { return [e instanceof Error, e.name, e.message] } }`,
      {},
      powers,
    );
    assert.deepEqual(resultOf(outcome), [true, 'ConflictError', 'the job queue is closed']);
  });
});

describe('http, url2bin, url2base64', () => {
  test('requests reach the host power in its shape and return {status, headers, data}', async () => {
    const powers = new RecordingPowers();
    powers.onHttp = async (request) => ({ status: 200, headers: { 'content-type': 'application/json' }, data: { echo: request.method } });
    const { outcome } = await run(
      `async function handle_cron() {
        const a = await http.get('https://api.example.com/items', { params: { page: 2 }, headers: { 'X-Key': 1 }, timeout: 5000 });
        const b = await http.post('https://api.example.com/items', { name: 'x' }, { responseType: 'json' });
        await http.put('https://api.example.com/items/1', 'raw');
        await http.patch('https://api.example.com/items/1', { a: 1 });
        await http.delete('https://api.example.com/items/1');
        await http.request({ method: 'head', url: 'https://api.example.com/' });
        return [a, b.data];
      }`,
      {},
      powers,
    );
    assert.deepEqual(resultOf(outcome), [
      { status: 200, headers: { 'content-type': 'application/json' }, data: { echo: 'GET' } },
      { echo: 'POST' },
    ]);
    assert.deepEqual(
      powers.calls.map((c) => c.payload),
      [
        { method: 'GET', url: 'https://api.example.com/items', params: { page: 2 }, headers: { 'X-Key': '1' }, timeoutMs: 5000 },
        { method: 'POST', url: 'https://api.example.com/items', data: { name: 'x' }, responseType: 'json' },
        { method: 'PUT', url: 'https://api.example.com/items/1', data: 'raw' },
        { method: 'PATCH', url: 'https://api.example.com/items/1', data: { a: 1 } },
        { method: 'DELETE', url: 'https://api.example.com/items/1' },
        { method: 'HEAD', url: 'https://api.example.com/' },
      ],
    );
  });

  test('a status outside 2xx rejects like axios, with the response; validateStatus overrides', async () => {
    const powers = new RecordingPowers();
    powers.onHttp = async () => ({ status: 404, headers: {}, data: { error: 'missing' } });
    const { outcome } = await run(
      `async function handle_cron() {
        let caught;
        try { await http.get('https://api.example.com/x') } catch (e) { caught = [e.name, e.message, e.response.status, e.response.data] }
        const accepted = await http.get('https://api.example.com/x', { validateStatus: () => true });
        return [caught, accepted.status];
      }`,
      {},
      powers,
    );
    assert.deepEqual(resultOf(outcome), [['HttpError', 'Request failed with status code 404', 404, { error: 'missing' }], 404]);
  });

  test('url2bin returns bytes, url2base64 their base64, null for an empty url; a failed status throws', async () => {
    const powers = new RecordingPowers();
    powers.onHttp = async (request) =>
      request.url.endsWith('/missing')
        ? { status: 500, headers: {}, data: new Uint8Array() }
        : { status: 200, headers: {}, data: new Uint8Array([104, 105]) };
    const { outcome } = await run(
      `async function handle_cron() {
        const bytes = await url2bin('https://files.example.com/a');
        let failed = false;
        try { await url2bin('https://files.example.com/missing') } catch (e) { failed = e.response.status === 500 }
        return [bytes instanceof Uint8Array, Array.from(bytes), await url2base64('https://files.example.com/a'), await url2bin(''), failed];
      }`,
      {},
      powers,
    );
    assert.deepEqual(resultOf(outcome), [true, [104, 105], 'aGk=', null, true]);
    assert.equal((powers.calls[0]?.payload as { responseType: string }).responseType, 'arraybuffer');
  });
});

describe('helpers', () => {
  test('json, base64, html2plaintext, type2str, get_lang', async () => {
    const { outcome } = await run(`function handle_cron() {
      return [
        json.stringify(json.parse('{"a":[1,2]}')), json.dumps(json.loads('[1]')),
        b64encode('héllo'), b64encode(new Uint8Array([0, 255])), b64decode('aMOpbGxv', 'utf-8'), Array.from(b64decode('AP8=')),
        html2plaintext('<p>Hello&nbsp;<b>World</b> &amp; co</p><ul><li>one</li><li>two</li></ul><a href="https://x.example">link</a><script>bad()</script>'),
        type2str(null), type2str(1), type2str('s'), type2str([]), type2str(new Date(0)), type2str({}), type2str(undefined),
        get_lang(),
      ];
    }`);
    assert.deepEqual(resultOf(outcome), [
      '{"a":[1,2]}',
      '[1]',
      'aMOpbGxv',
      'AP8=',
      'héllo',
      [0, 255],
      'Hello World & co\n* one\n* two\n\nlink [https://x.example]',
      'null',
      'number',
      'string',
      'Array',
      'Date',
      'Object',
      'undefined',
      { code: 'en_US', tz: 'Europe/Brussels' },
    ]);
  });

  test("date helpers speak Odoo's UTC 'YYYY-MM-DD HH:MM:SS', and Date and Math work", async () => {
    const { outcome } = await run(`function handle_cron() {
      const d = parse_odoo_datetime('2024-02-29 23:59:58');
      return [
        odoo_datetime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), d.toISOString(), parse_odoo_datetime('2024-03-01').toISOString(),
        odoo_date(d), DEFAULT_SERVER_DATETIME_FORMAT, odoo_datetime().length, Date.now() > 0, typeof Math.random(),
      ];
    }`);
    assert.deepEqual(resultOf(outcome), [
      '2024-01-02 03:04:05',
      '2024-02-29T23:59:58.000Z',
      '2024-03-01T00:00:00.000Z',
      '2024-02-29',
      '%Y-%m-%d %H:%M:%S',
      19,
      true,
      'number',
    ]);
  });

  test('a malformed Odoo datetime is refused', async () => {
    const { outcome } = await run(`function handle_cron() { parse_odoo_datetime('yesterday') }`);
    assert.match(errorOf(outcome).message, /expected "YYYY-MM-DD HH:MM:SS", got "yesterday"/);
  });
});

describe('errors', () => {
  test('UserError, ValidationError (a UserError), RetryableJobError with an optional delay', async () => {
    const { outcome } = await run(`function handle_cron() {
      const v = new ValidationError('bad');
      return [v instanceof UserError, v instanceof Error, v.name, new UserError('u').name, new RetryableJobError('r', { seconds: 30 }).seconds];
    }`);
    assert.deepEqual(resultOf(outcome), [true, true, 'ValidationError', 'UserError', 30]);
  });

  test('throwing RetryableJobError makes the outcome retryable, with the delay override', async () => {
    const retry = await run(`function handle_cron() { throw new RetryableJobError('rate limited', { seconds: 90 }) }`);
    assert.deepEqual(
      { ...errorOf(retry.outcome), stack: undefined },
      {
        name: 'RetryableJobError',
        message: 'rate limited',
        retryable: true,
        retryAfterSeconds: 90,
        stack: undefined,
      },
    );
    const plain = await run(`function handle_cron() { throw new UserError('no') }`);
    assert.equal(errorOf(plain.outcome).retryable, false);
    assert.match(errorOf(plain.outcome).stack ?? '', /at handle_cron \(task-1:1:\d+\)/);
  });
});

describe('plugins', () => {
  const plugins: PluginDescription[] = [
    {
      name: 'telegram',
      exports: { 'telegram.sendMessage': { kind: 'function' }, 'telegram.API': { kind: 'value', value: 'https://api.telegram.org' } },
    },
    { name: 'flags', exports: { FEATURE: { kind: 'value', value: { on: true } }, ping: { kind: 'function' } } },
  ];

  test('functions become async calls of the plugin power; values are given as they are', async () => {
    const powers = new RecordingPowers();
    powers.onPlugin = async (call) => ({ sent: call.args });
    const { outcome } = await run(
      `async function handle_cron() { return [await telegram.sendMessage(42, 'hi'), telegram.API, FEATURE.on, await ping()] }`,
      { context: { plugins } },
      powers,
    );
    assert.deepEqual(resultOf(outcome), [{ sent: [42, 'hi'] }, 'https://api.telegram.org', true, { sent: [] }]);
    assert.deepEqual(powers.calls, [
      { power: 'plugin', payload: { plugin: 'telegram', fn: 'telegram.sendMessage', args: [42, 'hi'] } },
      { power: 'plugin', payload: { plugin: 'flags', fn: 'ping', args: [] } },
    ]);
  });

  test('a plugin failure reaches task code typed; a plugin may not shadow a defined name', async () => {
    const powers = new RecordingPowers();
    powers.onPlugin = async () => {
      throw namedError('UserError', 'External Odoo: URL is not set');
    };
    const failing = await run(
      `async function handle_cron() { try { await ping() } catch (e) { return [e instanceof UserError, e.message] } }`,
      { context: { plugins } },
      powers,
    );
    assert.deepEqual(resultOf(failing.outcome), [true, 'External Odoo: URL is not set']);
    const clash = await run(`function handle_cron() {}`, {
      context: { plugins: [{ name: 'bad', exports: { log: { kind: 'function' } } }] },
    });
    assert.match(errorOf(clash.outcome).message, /plugin "bad" exports "log", which is already defined/);
  });
});

describe('common code', () => {
  const commonCode = `
    const GREETING = 'hello';
    function shout(s) { return s.toUpperCase() + _suffix() }
    function _suffix() { return '!' }
    let { a, b: [c] } = { a: 1, b: [2] };
    class Helper { twice(x) { return 2 * x } }
    log('common code ran');
  `;

  test('its public top-level names are visible to task code; names starting with _ are not', async () => {
    const { outcome, powers } = await run(
      `function handle_cron() { return [shout(GREETING), a, c, new Helper().twice(4), typeof _suffix] }`,
      { commonCode },
    );
    assert.deepEqual(resultOf(outcome), ['HELLO!', 1, 2, 8, 'undefined']);
    assert.equal(powers.logs[0]?.message, 'common code ran');
  });

  test('task code can override a common name, and its own _names stay visible to it', async () => {
    const { outcome } = await run(
      `const GREETING = 'hi'; function _mine() { return 'own' } function handle_cron() { return [shout(GREETING), _mine()] }`,
      { commonCode },
    );
    assert.deepEqual(resultOf(outcome), ['HI!', 'own']);
  });

  test('a handler may come from common code; a missing handler fails clearly', async () => {
    const fromCommon = await run(`const x = 1`, { commonCode: 'function handle_button() { return "common" }', handler: 'handle_button' });
    assert.equal(resultOf(fromCommon.outcome), 'common');
    const missing = await run(`function handle_cron() {}`, { handler: 'handle_db' });
    assert.equal(errorOf(missing.outcome).message, 'handle_db is not defined in the task code or the common code');
  });

  test('common code of comments and directives only is fine; a directive followed by code still runs it', async () => {
    const quiet = await run(`function handle_cron() { return 'ran' }`, { commonCode: '// to do\n"use strict";\n/* later */' });
    assert.equal(resultOf(quiet.outcome), 'ran');
    const { outcome, powers } = await run(`function handle_cron() { return SETTING }`, {
      commonCode: '"use strict"; const SETTING = 1; log("common code ran")',
    });
    assert.deepEqual([resultOf(outcome), powers.logs[0]?.message], [1, 'common code ran']);
  });

  test('common code state does not leak from one job to the next', async () => {
    const code = `function handle_cron() { COUNTER.n += 1; return COUNTER.n }`;
    const first = await run(code, { commonCode: 'const COUNTER = { n: 0 }' });
    const second = await run(code, { commonCode: 'const COUNTER = { n: 0 }' });
    assert.deepEqual([resultOf(first.outcome), resultOf(second.outcome)], [1, 1]);
  });

  test('handler arguments arrive, async handlers are awaited, results are made JSON', async () => {
    const { outcome } = await run(`async function handle_webhook(req) { return { got: req, at: new Date(0), skip: undefined } }`, {
      handler: 'handle_webhook',
      args: [{ body: 'x' }],
    });
    assert.deepEqual(resultOf(outcome), { got: { body: 'x' }, at: '1970-01-01T00:00:00.000Z' });
  });
});
