import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher, ItemFailure } from './batcher.js';

/** A write that records its batches, doubles numbers, and fails a whole batch holding a negative one. */
function recorder() {
  const batches: number[][] = [];
  const write = async (numbers: number[]) => {
    batches.push(numbers);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (numbers.some((n) => n < 0)) throw new Error(`negative in ${numbers.join(',')}`);
    return numbers.map((n) => (n === 13 ? new ItemFailure(new Error('unlucky')) : n * 2));
  };
  return { batches, write };
}

test('requests that arrive while a batch is written go together in the next one', async () => {
  const { batches, write } = recorder();
  const batcher = new Batcher(write, { maxInFlight: 1 });
  const results = await Promise.all([1, 2, 3, 4].map((n) => batcher.add(n)));
  assert.deepEqual(results, [2, 4, 6, 8]);
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
});

test('a failed batch is written again one request at a time: only the bad request fails', async () => {
  const { batches, write } = recorder();
  const batcher = new Batcher(write, { maxInFlight: 1 });
  const settled = await Promise.allSettled([1, 2, -3, 4].map((n) => batcher.add(n)));
  assert.deepEqual(
    settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    [2, 4, 'negative in -3', 8],
  );
  assert.deepEqual(batches, [[1], [2, -3, 4], [2], [-3], [4]]);
});

test('a write may fail single requests itself (ItemFailure)', async () => {
  const { write } = recorder();
  const batcher = new Batcher(write);
  const settled = await Promise.allSettled([12, 13].map((n) => batcher.add(n)));
  assert.deepEqual(
    settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    [24, 'unlucky'],
  );
});
