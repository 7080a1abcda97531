/**
 * The writes of immediate jobs (webhooks answering from their handler, Run Now): starts, with
 * their companion rows, and final states with their last log lines. They share one group commit
 * with one statement in flight: while it runs, new starts and new final states wait and then go
 * together, so under load one round trip and one commit serve many requests, each of which needs
 * both a start and a final state. Their caller receives the outcome itself, so they are written on
 * the history pool (no wait for the WAL flush; see JobRuntimeOptions.historyPool).
 */
import type { Queryable } from '../db/index.js';
import { writeJobs, type ClaimedJob, type JobFinish, type NewJob, type StartCompanion } from '../runs/jobs.js';
import { Batcher } from '../shared/batcher.js';
import type { CompanionRow } from './types.js';

type ImmediateWrite = { start: NewJob; startWith: CompanionRow<unknown> | undefined } | { finish: JobFinish };

export class ImmediateJobWriter {
  private readonly batcher = new Batcher<ImmediateWrite, ClaimedJob | undefined>((writes) => this.write(writes), { maxInFlight: 1 });

  constructor(
    private readonly db: Queryable,
    private readonly instanceId: number,
  ) {}

  /** Creates the job, started, and returns what its run needs. */
  async start(job: NewJob, startWith: CompanionRow<unknown> | undefined): Promise<ClaimedJob> {
    return (await this.batcher.add({ start: job, startWith }))!;
  }

  async finish(finish: JobFinish): Promise<void> {
    await this.batcher.add({ finish });
  }

  /** One statement per companion kind among the starts (in practice one); the final states go with the first. */
  private async write(writes: ImmediateWrite[]): Promise<(ClaimedJob | undefined)[]> {
    const finishes: JobFinish[] = [];
    const groups = new Map<StartCompanion<unknown> | undefined, number[]>();
    writes.forEach((write, index) => {
      if ('finish' in write) return void finishes.push(write.finish);
      const key = write.startWith?.companion;
      groups.set(key, [...(groups.get(key) ?? []), index]);
    });
    if (groups.size === 0) groups.set(undefined, []);
    const results: (ClaimedJob | undefined)[] = writes.map(() => undefined);
    let pendingFinishes: JobFinish[] = finishes;
    for (const [companion, indexes] of groups) {
      const starts = indexes.map((index) => writes[index] as Extract<ImmediateWrite, { start: NewJob }>);
      const claimed = await writeJobs(
        this.db,
        {
          starts: starts.map((write) => write.start),
          companion: companion && { companion, items: starts.map((write) => write.startWith!.item) },
          finishes: pendingFinishes,
        },
        this.instanceId,
      );
      pendingFinishes = [];
      indexes.forEach((index, i) => (results[index] = claimed[i]));
    }
    return results;
  }
}
