/**
 * The writes of immediate jobs (webhooks answering from their handler, Run Now): starts, with
 * their companion rows, and final states with their last log lines. They share one group commit
 * with one statement in flight: while it runs, new starts and new final states wait and then go
 * together, so under load one round trip and one commit serve many requests, each of which needs
 * both a start and a final state. Their caller receives the outcome itself, so they are written on
 * the history pool (no wait for the WAL flush; see JobRuntimeOptions.historyPool).
 *
 * A batch is written all or nothing (one statement; a transaction in the rare batch that mixes
 * starts of several companion kinds), so the group commit can write a failed batch again one write
 * at a time: a start that cannot be written (its task was just deleted) fails alone.
 */
import { withTransaction, type Pool, type Queryable } from '../db/index.js';
import { writeJobs, type ClaimedJob, type JobFinish, type NewJob, type StartCompanion } from '../history/jobs.js';
import { Batcher } from '../shared/batcher.js';
import type { CompanionRow } from './types.js';

type StartWrite = { start: NewJob; startWith: CompanionRow<unknown> | undefined };
type ImmediateWrite = StartWrite | { finish: JobFinish };

export class ImmediateJobWriter {
  private readonly batcher = new Batcher<ImmediateWrite, ClaimedJob | undefined>((writes) => this.write(writes), { maxInFlight: 1 });

  constructor(
    private readonly pool: Pool,
    private readonly instanceId: number,
  ) {}

  /** Creates the job, started, and returns what its run needs. */
  async start(job: NewJob, startWith: CompanionRow<unknown> | undefined): Promise<ClaimedJob> {
    return (await this.batcher.add({ start: job, startWith }))!;
  }

  async finish(finish: JobFinish): Promise<void> {
    await this.batcher.add({ finish });
  }

  private async write(writes: ImmediateWrite[]): Promise<(ClaimedJob | undefined)[]> {
    const statements = statementsOf(writes);
    const results: (ClaimedJob | undefined)[] = writes.map(() => undefined);
    const run = async (db: Queryable) => {
      for (const indexes of statements) {
        const written = await this.writeStatement(
          db,
          indexes.map((index) => writes[index]!),
        );
        indexes.forEach((index, i) => (results[index] = written[i]));
      }
    };
    await (statements.length === 1 ? run(this.pool) : withTransaction(this.pool, run));
    return results;
  }

  /** One statement: starts of one companion kind, and final states. */
  private async writeStatement(db: Queryable, writes: ImmediateWrite[]): Promise<(ClaimedJob | undefined)[]> {
    const starts = writes.filter((write): write is StartWrite => 'start' in write);
    const companion = starts[0]?.startWith?.companion;
    const claimed = await writeJobs(
      db,
      {
        starts: starts.map((write) => write.start),
        companion: companion && { companion, items: starts.map((write) => write.startWith!.item) },
        finishes: writes.flatMap((write) => ('finish' in write ? [write.finish] : [])),
      },
      this.instanceId,
    );
    let next = 0;
    return writes.map((write) => ('start' in write ? claimed[next++] : undefined));
  }
}

/** Indexes of `writes` by statement: one per companion kind among the starts (in practice one), the final states with the first. */
function statementsOf(writes: readonly ImmediateWrite[]): number[][] {
  const byCompanion = new Map<StartCompanion<unknown> | undefined, number[]>();
  const finishes: number[] = [];
  writes.forEach((write, index) => {
    if ('finish' in write) return void finishes.push(index);
    const key = write.startWith?.companion;
    byCompanion.set(key, [...(byCompanion.get(key) ?? []), index]);
  });
  const statements = [...byCompanion.values()];
  if (statements.length === 0) return [finishes];
  statements[0]!.push(...finishes);
  return statements;
}
