import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher } from './batcher.js';

/** A write that records its batches, doubles numbers, and fails a whole batch holding a negative one or 13. */
function recorder() {
  const batches: number[][] = [];
  const write = async (numbers: number[]) => {
    batches.push(numbers);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (numbers.some((n) => n < 0)) throw new Error(`negative in ${numbers.join(',')}`);
    if (numbers.includes(13)) throw new Error('unlucky');
    return numbers.map((n) => n * 2);
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

test('with room for two batches in flight, each request goes at once and fails with its own error', async () => {
  const { write } = recorder();
  const batcher = new Batcher(write);
  const settled = await Promise.allSettled([12, 13].map((n) => batcher.add(n)));
  assert.deepEqual(
    settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    [24, 'unlucky'],
  );
});
