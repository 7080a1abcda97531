import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cached, cachedByKey, refreshed } from './cached.js';

test('a cached value is read once while fresh, shared by callers arriving during the read, and read again once old', async () => {
  let now = 0;
  let reads = 0;
  const read = cached({ now: () => new Date(now) }, 1000, async () => ++reads);
  assert.deepEqual(await Promise.all([read(), read()]), [1, 1]);
  now = 999;
  assert.equal(await read(), 1);
  now = 1000;
  assert.equal(await read(), 2);
});

test('a failed read is forgotten at once; each key is cached on its own', async () => {
  let fail = true;
  const reads: string[] = [];
  const read = cachedByKey({ now: () => new Date(0) }, 1000, async (key) => {
    reads.push(key);
    if (fail) throw new Error('Odoo is down');
    return key.toUpperCase();
  });
  await assert.rejects(read('a'), /Odoo is down/);
  fail = false;
  assert.equal(await read('a'), 'A');
  assert.equal(await read('a'), 'A');
  assert.equal(await read('b'), 'B');
  assert.deepEqual(reads, ['a', 'a', 'b']);
});

test('a refreshed value: the first read is awaited, an old value is answered while it is read again, a failed refresh keeps it', async () => {
  let now = 0;
  const answers: Array<() => Promise<number>> = [];
  let reads = 0;
  const read = refreshed({ now: () => new Date(now) }, 1000, () => {
    reads++;
    return answers.shift()!();
  });
  answers.push(async () => {
    throw new Error('Odoo is down');
  });
  await assert.rejects(read(), /Odoo is down/);
  answers.push(async () => 1);
  assert.deepEqual(await Promise.all([read(), read()]), [1, 1]);
  assert.equal(reads, 2);
  now = 1000;
  let release!: (value: number) => void;
  answers.push(() => new Promise<number>((resolve) => (release = resolve)));
  assert.equal(await read(), 1, 'an old value is answered at once');
  assert.equal(await read(), 1, 'one refresh at a time');
  assert.equal(reads, 3);
  release(2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await read(), 2);
  now = 2000;
  answers.push(async () => {
    throw new Error('Odoo is down');
  });
  assert.equal(await read(), 2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await read(), 2, 'a failed refresh keeps the value');
  assert.equal(reads, 4, 'and is not tried again before another ttl');
  now = 3000;
  answers.push(async () => 3);
  assert.equal(await read(), 2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await read(), 3);
});
