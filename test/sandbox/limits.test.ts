// Limits: a job over its time limit or its worker's memory limit fails with a message saying which
// limit and after how long; the worker is replaced when it must be, and other jobs carry on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxPool, type RunOutcome, type SandboxPool } from '../../server/src/sandbox/index.js';
import { deferred, makeRequest, RecordingPowers, type RequestOverrides } from './helpers.js';

let pool: SandboxPool;
before(() => {
  pool = createSandboxPool({ workers: 1, memoryMb: 64, concurrencyPerWorker: 4 });
});
after(() => pool.close());

function run(code: string, overrides: RequestOverrides = {}, powers = new RecordingPowers()): Promise<RunOutcome> {
  return pool.run(makeRequest({ code, ...overrides }), powers);
}

const failure = (outcome: RunOutcome) => {
  assert.ok(!outcome.ok, 'the job should have failed');
  return outcome;
};

async function assertWorks() {
  const outcome = await run(`function handle_cron() { return 'still working' }`);
  assert.deepEqual(outcome.ok && outcome.result, 'still working');
}

/** A job that parks inside an odoo call until the test releases it; resolves once it is parked. */
async function parkedJob(jobId?: number) {
  const powers = new RecordingPowers();
  const entered = deferred();
  const release = deferred();
  powers.onOdoo = async () => {
    entered.resolve(undefined);
    await release.promise;
    return 0;
  };
  const outcome = run(
    `async function handle_cron() { return await env['res.partner'].search_count([]) }`,
    jobId === undefined ? {} : { jobId },
    powers,
  );
  await entered.promise;
  return { outcome, release: () => release.resolve(undefined) };
}

describe('time limit', () => {
  test('an infinite loop fails with the time limit, the worker is replaced, the next job works', async () => {
    const restarts = pool.stats().restarts;
    const outcome = failure(await run(`function handle_cron() { for (;;) {} }`, { timeoutMs: 300 }));
    assert.equal(outcome.limit, 'time');
    assert.match(outcome.error.message, /^time limit of 0\.3 s exceeded after 0\.[34] s$/);
    await assertWorks();
    assert.equal(pool.stats().restarts, restarts + 1);
  });

  test('a promise that never settles fails with the time limit; the worker, still responsive, is kept', async () => {
    const restarts = pool.stats().restarts;
    const outcome = failure(await run(`async function handle_cron() { await new Promise(() => {}) }`, { timeoutMs: 200 }));
    assert.equal(outcome.limit, 'time');
    await assertWorks();
    assert.equal(pool.stats().restarts, restarts);
  });

  test('an endless chain of microtasks counts as a loop: the worker is terminated', async () => {
    const restarts = pool.stats().restarts;
    const outcome = failure(await run(`async function handle_cron() { for (;;) await null }`, { timeoutMs: 200 }));
    assert.equal(outcome.limit, 'time');
    await assertWorks();
    assert.equal(pool.stats().restarts, restarts + 1);
  });

  test('the other jobs in a terminated worker fail as collateral, so they can be requeued', async () => {
    const parked = await parkedJob();
    const looping = failure(await run(`function handle_cron() { for (;;) {} }`, { timeoutMs: 200 }));
    const collateral = failure(await parked.outcome);
    parked.release();
    assert.equal(looping.limit, 'time');
    assert.equal(collateral.limit, 'collateral');
    assert.match(collateral.error.message, /exceeded its time limit.*can run again/);
    await assertWorks();
  });
});

describe('memory limit', () => {
  const bomb = `function handle_cron() { const keep = []; for (;;) keep.push(new Array(100000).fill(keep.length)) }`;

  test('a memory bomb fails with the memory limit, the worker is replaced, the next job works', async () => {
    const restarts = pool.stats().restarts;
    const outcome = failure(await run(bomb));
    assert.equal(outcome.limit, 'memory');
    assert.match(outcome.error.message, /^memory limit of 64 MB exceeded after \d+\.\d s$/);
    await assertWorks();
    assert.equal(pool.stats().restarts, restarts + 1);
  });

  test('a typed-array bomb (memory outside the heap limit) fails with the memory limit instead of exhausting the machine', async () => {
    const outcome = failure(
      await run(`function handle_cron() { const keep = []; for (;;) keep.push(new Uint8Array(32 * 1024 * 1024).fill(1)) }`),
    );
    assert.equal(outcome.limit, 'memory');
    await assertWorks();
  });

  test('with other jobs in the worker, all fail as collateral; the culprit run again alone fails with the memory limit', async () => {
    const parked = await parkedJob();
    const bombJobId = 900_001;
    const first = failure(await run(bomb, { jobId: bombJobId }));
    const other = failure(await parked.outcome);
    parked.release();
    assert.deepEqual([first.limit, other.limit], ['collateral', 'collateral']);
    assert.match(first.error.message, /memory limit of 64 MB exceeded while 2 jobs ran in it/);
    const again = failure(await run(bomb, { jobId: bombJobId }));
    assert.equal(again.limit, 'memory');
    await assertWorks();
  });
});

describe('stack and output', () => {
  test('deep recursion fails with a RangeError and the worker survives', async () => {
    const restarts = pool.stats().restarts;
    const outcome = failure(await run(`function down(n) { return down(n + 1) + 1 } function handle_cron() { down(0) }`));
    assert.equal(outcome.error.name, 'RangeError');
    assert.match(outcome.error.message, /call stack/);
    assert.equal(outcome.limit, undefined);
    await assertWorks();
    assert.equal(pool.stats().restarts, restarts);
  });

  test('huge log output is delivered completely and in order before the outcome', async () => {
    const powers = new RecordingPowers();
    const outcome = await run(
      `function handle_cron() { for (let i = 0; i < 20000; i++) log('line ' + i); log('x'.repeat(4 * 1024 * 1024)); return 'done' }`,
      {},
      powers,
    );
    assert.deepEqual(outcome.ok && outcome.result, 'done');
    assert.equal(powers.logs.length, 20001);
    assert.ok(powers.logs.slice(0, 20000).every((entry, i) => entry.message === `line ${i}`));
    assert.equal(powers.logs[20000]?.message.length, 4 * 1024 * 1024);
  });

  test('asynchronous log delivery is awaited before the outcome resolves', async () => {
    const powers = new RecordingPowers();
    const stored: string[] = [];
    powers.log = (entry) => new Promise<void>((resolve) => setImmediate(() => resolve(void stored.push(entry.message))));
    const outcome = await run(`function handle_cron() { log('a'); log('b') }`, {}, powers);
    assert.ok(outcome.ok);
    assert.deepEqual(stored, ['a', 'b']);
  });
});

describe('concurrency', () => {
  test('async jobs waiting on the host run side by side in one worker', async () => {
    const first = await parkedJob();
    const second = await parkedJob(); // would never park if the worker ran one job at a time
    assert.equal(pool.stats().busy, 1);
    first.release();
    second.release();
    assert.deepEqual([(await first.outcome).ok, (await second.outcome).ok], [true, true]);
  });
});
