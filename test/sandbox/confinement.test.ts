// Threat list: every way task code might try to leave its compartment, read what is not its own,
// or poison what other jobs share. Each test is an attempted escape that must fail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxPool, type RunOutcome, type SandboxPool } from '../../server/src/sandbox/index.js';
import { makeRequest, RecordingPowers, type RequestOverrides } from './helpers.js';

let pool: SandboxPool;
before(() => {
  pool = createSandboxPool({ workers: 1, memoryMb: 128, concurrencyPerWorker: 4 });
});
after(() => pool.close());

async function run(code: string, overrides: RequestOverrides = {}, powers = new RecordingPowers()): Promise<RunOutcome> {
  return pool.run(makeRequest({ code, ...overrides }), powers);
}

/** Runs an expression inside a handler; returns what it evaluated to, or the error's "Name: message". */
async function attempt(expression: string): Promise<unknown> {
  const outcome = await run(
    `function handle_cron() { try { return { value: String((() => { ${expression} })()) } } catch (e) { return { threw: String(e && e.name) + ': ' + String(e && e.message) } } }`,
  );
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message);
  return outcome.result;
}

const threw = (result: unknown) => typeof result === 'object' && result !== null && 'threw' in result;

describe('ambient authority is absent', () => {
  for (const name of [
    'process',
    'require',
    'module',
    'Buffer',
    'setTimeout',
    'setInterval',
    'queueMicrotask',
    'fetch',
    'WebAssembly',
    'SharedArrayBuffer',
    'Atomics',
    'console',
    '__dirname',
    'globalThis.process',
    'globalThis.global',
  ]) {
    test(`${name} is not reachable`, async () => {
      assert.deepEqual(await attempt(`return typeof ${name}`), { value: 'undefined' });
    });
  }

  test("the compartment's globalThis holds only the standard intrinsics and the endowments", async () => {
    const result = await attempt(`return Object.getOwnPropertyNames(globalThis).filter((n) => !/^[A-Z]/.test(n)).sort().join(',')`);
    assert.deepEqual(result, {
      value: [
        'add_job',
        'b64decode',
        'b64encode',
        'decodeURI',
        'decodeURIComponent',
        'encodeURI',
        'encodeURIComponent',
        'env',
        'escape',
        'eval',
        'get_lang',
        'get_link',
        'globalThis',
        'harden',
        'html2plaintext',
        'http',
        'isFinite',
        'isNaN',
        'json',
        'lockdown',
        'log',
        'log_transmission',
        'odoo_date',
        'odoo_datetime',
        'params',
        'parseFloat',
        'parseInt',
        'parse_odoo_datetime',
        'search_links',
        'secret',
        'secrets',
        'set_link',
        'sync_external',
        'sync_odoo2x',
        'sync_x2odoo',
        'texts',
        'trigger',
        'trigger_name',
        'type2str',
        'undefined',
        'unescape',
        'url2base64',
        'url2bin',
        'user',
        'webhooks',
      ].join(','),
    });
  });

  test('dynamic import() is refused before the code runs', async () => {
    const outcome = await run(`async function handle_cron() { return await import('node:fs') }`);
    assert.ok(!outcome.ok);
    assert.equal(outcome.error.name, 'SyntaxError');
    assert.match(outcome.error.message, /line 1, column \d+: dynamic import\(\) is not available/);
  });

  test('import hidden from the pattern check still cannot load a module (eval, Function)', async () => {
    for (const code of [`return (0, eval)('imp' + 'ort("node:fs")')`, `return new Function('return imp' + 'ort("node:fs")')()`]) {
      const result = await attempt(code);
      assert.ok(threw(result), `${code} → ${JSON.stringify(result)}`);
    }
  });

  test('eval and Function evaluate inside the compartment, not in the worker', async () => {
    assert.deepEqual(await attempt(`return (0, eval)('typeof process') + ' ' + Function('return typeof require')()`), {
      value: 'undefined undefined',
    });
  });
});

describe('constructor chains lead nowhere', () => {
  const chains = {
    'arrow function constructor': `return (() => {}).constructor('return process')()`,
    'this.constructor.constructor': `return (function () { return this })().constructor.constructor('return process')()`,
    'async function constructor': `return Object.getPrototypeOf(async function () {}).constructor('return process')()`,
    'generator function constructor': `return Object.getPrototypeOf(function* () {}).constructor('return process')().next()`,
    'async generator function constructor': `return Object.getPrototypeOf(async function* () {}).constructor('return 1')`,
    'endowment constructor chain': `return log.constructor('return process')()`,
    'error constructor chain': `return new UserError('x').constructor.constructor('return process')()`,
    'record of a power result': `return json.parse('{}').constructor.constructor('return process')()`,
  };
  for (const [name, code] of Object.entries(chains)) {
    test(name, async () => {
      const result = await attempt(code);
      assert.ok(threw(result) || (result as { value: string }).value === 'undefined', `${name} escaped: ${JSON.stringify(result)}`);
      assert.doesNotMatch(JSON.stringify(result), /\[object process\]/);
    });
  }

  test('Error.prepareStackTrace cannot hand out stack frames (and their functions)', async () => {
    const result = await attempt(`
      Error.prepareStackTrace = (error, frames) => frames;
      const stack = new Error('x').stack;
      if (typeof stack !== 'string') return typeof stack[0].getFunction();
      return 'string stack';`);
    assert.deepEqual(result, { value: 'string stack' });
  });

  test('Error.captureStackTrace gives a compartment only a string, whatever prepareStackTrace says', async () => {
    assert.deepEqual(
      await attempt(`Error.prepareStackTrace = (e, frames) => frames; const o = {}; Error.captureStackTrace?.(o); return typeof o.stack`),
      {
        value: 'string',
      },
    );
  });

  test('direct eval is refused before the code runs', async () => {
    const outcome = await run(`function handle_cron() { return eval('1') }`);
    assert.ok(!outcome.ok);
    assert.match(outcome.error.message, /direct eval\(\.\.\.\) is refused/);
  });

  test('arguments.callee.caller is refused (strict mode)', async () => {
    const result = await attempt(`return (function () { return arguments.callee.caller })()`);
    assert.ok(threw(result));
  });

  test('a function cannot reach its caller through .caller', async () => {
    for (const code of [`return log.caller`, `return (function f() { return f.caller })()`, `return json.parse.caller`]) {
      const result = await attempt(code);
      assert.ok(threw(result) || (result as { value: string }).value === 'undefined', `${code} → ${JSON.stringify(result)}`);
    }
  });
});

describe('shared things cannot be poisoned', () => {
  test('intrinsics are frozen by lockdown', async () => {
    for (const code of [
      `Array.prototype.map = () => 'poisoned'; return [1].map((x) => x)`,
      `Object.prototype.polluted = 1; return ({}).polluted`,
      `JSON.parse = () => 1; return JSON.parse('2')`,
      `Promise.prototype.then = null; return 'x'`,
    ]) {
      const result = await attempt(code);
      assert.ok(threw(result), `${code} → ${JSON.stringify(result)}`);
    }
  });

  test('endowments are hardened, and so are their prototypes', async () => {
    for (const code of [
      `Object.getPrototypeOf(env['res.partner']).search = () => 'mine'; return 'x'`,
      `Object.getPrototypeOf(env['res.partner'].browse([1])).write = () => 'mine'; return 'x'`,
      `log.extra = 1; return log.extra`,
      `http.get = () => 'mine'; return 'x'`,
      `json.parse = () => 'mine'; return 'x'`,
      `UserError.prototype.toString = () => 'mine'; return 'x'`,
      `Object.getPrototypeOf(params).x = 1; return 'x'`,
      `webhooks.NEW = 'x'; return 'x'`,
    ]) {
      const result = await attempt(code);
      assert.ok(threw(result), `${code} → ${JSON.stringify(result)}`);
    }
  });

  test('everything reachable from the globals is frozen: values, prototypes, accessors, plugin exports', async () => {
    const outcome = await run(
      `function handle_cron() {
        const seen = new Set();
        const unfrozen = [];
        const visit = (value, path) => {
          if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
          seen.add(value);
          if (!Object.isFrozen(value)) unfrozen.push(path);
          visit(Object.getPrototypeOf(value), path + '.[[Prototype]]');
          for (const key of Reflect.ownKeys(value)) {
            const descriptor = Object.getOwnPropertyDescriptor(value, key);
            for (const part of ['value', 'get', 'set']) visit(descriptor[part], path + '.' + String(key) + ':' + part);
          }
        };
        for (const name of Object.getOwnPropertyNames(globalThis)) if (name !== 'globalThis') visit(globalThis[name], name);
        const reached = [log, add_job, http.get, env, params, user, telegram.sendMessage, telegram.limits.perMinute].every((v) => seen.has(v));
        return { reached, unfrozen };
      }`,
      {
        context: {
          params: { CHAT_ID: '42' },
          plugins: [
            {
              name: 'telegram',
              exports: { 'telegram.sendMessage': { kind: 'function' }, 'telegram.limits': { kind: 'value', value: { perMinute: [20] } } },
            },
          ],
        },
      },
    );
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.message);
    assert.deepEqual(outcome.result, { reached: true, unfrozen: [] });
  });

  test('what one job writes on its globalThis, the next job does not see', async () => {
    await run(`globalThis.leaked = 'secret of job 1'; function handle_cron() {}`);
    assert.deepEqual(await attempt(`return typeof leaked`), { value: 'undefined' });
  });

  test('two jobs running at the same time in one worker do not see each other', async () => {
    const powers = new RecordingPowers();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    powers.onOdoo = async () => {
      await held;
      return null;
    };
    const first = run(
      `async function handle_cron() { globalThis.mine = 'job A data'; await env['res.partner'].search_count([]); return typeof other }`,
      {},
      powers,
    );
    const second = run(`function handle_cron() { globalThis.other = 'job B'; return typeof mine }`);
    const secondOutcome = await second;
    release();
    assert.deepEqual(
      [secondOutcome.ok && secondOutcome.result, ((await first) as { result?: unknown }).result],
      ['undefined', 'undefined'],
    );
  });
});

describe('thrown values of any kind fail the job cleanly', () => {
  const cases: Record<string, [string, RegExp]> = {
    'a string': [`throw 'plain words'`, /^plain words$/],
    null: [`throw null`, /threw null/],
    undefined: [`throw undefined`, /threw undefined/],
    'a Symbol': [`throw Symbol('odd')`, /threw Symbol\(odd\)/],
    'a plain object': [`throw { code: 42 }`, /non-Error value: \{"code":42\}/],
    'a number': [`throw 7`, /^7$/],
    'an object whose toString throws': [
      `throw { toString() { throw new Error('nope') }, toJSON() { throw new Error('nope') } }`,
      /non-Error value: \[object Object\]/,
    ],
    'an Error whose name and message getters throw': [
      `const e = new Error('x'); Object.defineProperty(e, 'message', { get() { throw 1 } }); Object.defineProperty(e, 'name', { get() { throw 1 } }); throw e`,
      /^$/,
    ],
    'a Proxy that throws on every trap': [
      `throw new Proxy({}, { get() { throw 1 }, getPrototypeOf() { throw 1 }, ownKeys() { throw 1 } })`,
      /non-Error value/,
    ],
    'a Promise that never settles': [`throw new Promise(() => {})`, /non-Error value/],
    'a rejected promise as the result': [`return Promise.reject(new TypeError('late'))`, /^late$/],
  };
  for (const [name, [statement, message]] of Object.entries(cases)) {
    test(name, async () => {
      const outcome = await run(`async function handle_cron() { ${statement} }`);
      assert.ok(!outcome.ok, 'the job should fail');
      assert.match(outcome.error.message, message);
      assert.equal(outcome.error.retryable, false);
    });
  }

  test('an unhandled rejection left behind does not take the worker down', async () => {
    const before = pool.stats().restarts;
    await run(`function handle_cron() { Promise.reject(new Error('ignored')) }`);
    const next = await run(`function handle_cron() { return 'alive' }`);
    assert.deepEqual([next.ok && next.result, pool.stats().restarts], ['alive', before]);
  });
});

describe('nothing of the host leaks in results or errors', () => {
  test('stacks keep task frames and drop the worker paths', async () => {
    const outcome = await run(`function handle_cron() { throw new Error('boom') }`);
    assert.ok(!outcome.ok);
    assert.match(outcome.error.stack ?? '', /at handle_cron \(task-1:1:\d+\)/);
    assert.doesNotMatch(outcome.error.stack ?? '', /file:|node:/);
  });

  test('binary data handed to task code is a plain Uint8Array of exactly its bytes', async () => {
    const powers = new RecordingPowers();
    const pooled = Buffer.from('hi'); // a view into Node's shared Buffer pool
    powers.onHttp = async () => ({ status: 200, headers: {}, data: pooled });
    const outcome = await run(
      `async function handle_cron() { const r = await http.get('https://x.example', { responseType: 'arraybuffer' }); return [Object.getPrototypeOf(r.data) === Uint8Array.prototype, r.data.buffer.byteLength, typeof r.data.readUInt8] }`,
      {},
      powers,
    );
    assert.deepEqual(outcome.ok && outcome.result, [true, 2, 'undefined']);
  });
});
