import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cached, cachedByKey } from './cached.js';

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
