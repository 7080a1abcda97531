/**
 * The writes of immediate jobs (webhooks answering from their handler, Run Now): starts, with
 * their companion rows, and final states with their last log lines. They share one group commit
 * with one statement in flight: while it runs, new starts and new final states wait and then go
 * together, so under load one round trip and one commit serve many requests, each of which needs
 * both a start and a final state. Their caller receives the outcome itself, so they are written on
 * the history pool (no wait for the WAL flush; see JobRuntimeOptions.historyPool).
 *
 * A statement that fails takes every write in it down, so a failed batch is written again one
 * write at a time: a start that cannot be written (its task was just deleted) must not leave other
 * requests' jobs "started" for good.
 */
import type { Queryable } from '../db/index.js';
import { writeJobs, type ClaimedJob, type JobFinish, type NewJob, type StartCompanion } from '../runs/jobs.js';
import { Batcher, ItemFailure } from '../shared/batcher.js';
import type { CompanionRow } from './types.js';

type StartWrite = { start: NewJob; startWith: CompanionRow<unknown> | undefined };
type ImmediateWrite = StartWrite | { finish: JobFinish };

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

  private async write(writes: ImmediateWrite[]): Promise<(ClaimedJob | undefined | ItemFailure)[]> {
    const results: (ClaimedJob | undefined | ItemFailure)[] = writes.map(() => undefined);
    const settle = async (indexes: number[]) => {
      const written = await this.writeStatement(indexes.map((index) => writes[index]!));
      indexes.forEach((index, i) => (results[index] = written[i]));
    };
    for (const statement of statementsOf(writes)) {
      try {
        await settle(statement);
      } catch (error) {
        if (statement.length === 1) results[statement[0]!] = new ItemFailure(error);
        else for (const index of statement) await settle([index]).catch((failure) => (results[index] = new ItemFailure(failure)));
      }
    }
    return results;
  }

  /** One statement: starts of one companion kind, and final states. */
  private async writeStatement(writes: ImmediateWrite[]): Promise<(ClaimedJob | undefined)[]> {
    const starts = writes.filter((write): write is StartWrite => 'start' in write);
    const companion = starts[0]?.startWith?.companion;
    const claimed = await writeJobs(
      this.db,
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
