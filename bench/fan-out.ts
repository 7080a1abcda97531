/**
 * Fan-out: one Run Now handler creating many sub-jobs with `add_job` (issue 14's target:
 * ≥ 2,000 sub-jobs/s created from one handler). Measured from Run Now to the handler's job
 * finishing, which waits until every sub-job it asked for exists; the sub-jobs run meanwhile on
 * the same sidecar, as they would in production. Both ways of calling are measured: in a loop
 * without await (created in the background, group commit) and awaiting each call.
 *
 * Usage: npm run build && node dist/bench/fan-out.js [sub-jobs=2000]
 */
import { performance } from 'node:perf_hooks';
import { createTestStack } from '../test/helpers/runtime.js';

const total = Number(process.argv[2] ?? 2000);
/** Awaiting each call waits for its commit (a WAL flush): measured on fewer calls. */
const awaitedTotal = Math.min(total, 300);

const stack = await createTestStack({
  env: { SYNC_STUDIO_WORKERS: '2', SYNC_STUDIO_QUEUE_CONCURRENCY: '32', SYNC_STUDIO_JOB_TIMEOUT: '600' },
});
try {
  const { taskId } = await stack.project(
    `function handle_button() { for (let i = 0; i < COUNT; i++) add_job('work')(i); }
     function work(i) { return i; }`.replace('COUNT', String(total)),
  );
  const unawaited = await stack.store.create('button', taskId, { trigger_name: 'UNAWAITED' });
  const { taskId: awaitedTask } = await stack.project(
    `async function handle_button() { for (let i = 0; i < COUNT; i++) await add_job('work')(i); }
     function work(i) { return i; }`.replace('COUNT', String(awaitedTotal)),
  );
  const awaited = await stack.store.create('button', awaitedTask, { trigger_name: 'AWAITED' });

  const measure = async (buttonId: number, count: number) => {
    const start = performance.now();
    const outcome = await stack.runtime.runNow({ trigger: { kind: 'button', id: buttonId }, args: [] });
    const seconds = (performance.now() - start) / 1000;
    const { rows } = await stack.db.pool.query<{ n: number }>('select count(*)::int as n from sync_studio.job where parent_job_id = $1', [
      outcome.jobId,
    ]);
    if (outcome.state !== 'done' || rows[0]!.n !== count) throw new Error(`job ${outcome.jobId}: ${outcome.state}, ${rows[0]!.n} sub-jobs`);
    await stack.settled(outcome.jobId, 600_000);
    return seconds;
  };
  // Warm-up: workers, code cache, prepared statements.
  await measure(unawaited.id, total);

  const loop = await measure(unawaited.id, total);
  const awaitedSeconds = await measure(awaited.id, awaitedTotal);
  console.log(`Sync Studio — fan-out: ${total} add_job calls from one Run Now handler (2 sandbox workers, queue concurrency 32)`);
  console.log(
    `  without await:  ${loop.toFixed(2)} s → ${(total / loop).toFixed(0)} sub-jobs/s created   (target ≥ 2,000/s; before group commit ~160/s)`,
  );
  console.log(
    `  awaiting each:  ${awaitedTotal} in ${awaitedSeconds.toFixed(2)} s → ${(awaitedTotal / awaitedSeconds).toFixed(0)} sub-jobs/s created (one commit each)`,
  );
} finally {
  await stack.close();
}
