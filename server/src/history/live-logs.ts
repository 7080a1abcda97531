/**
 * Live job logs for any number of viewers at the price of one: every open stream subscribes to a
 * job here, and one reader per sidecar fetches the new lines and the states of all watched jobs
 * in a single statement per tick, then hands each viewer the lines it has not seen yet.
 *
 * Why a shared poll rather than LISTEN/NOTIFY: log lines are written on the hot path of every job
 * (group commit, no WAL wait); a `pg_notify` there would serialise commits on the database-wide
 * notify lock (what it costs: docs/benchmarks/db-triggers.md). Several sidecars may share the database, so a job's lines
 * may be written by another process: reading the table is what sees them all. While nobody
 * watches, nothing is read. A poll reads only the watched jobs' states and new lines (never job
 * arguments, which for a webhook hold the whole request body), at most `MAX_LINES_PER_TICK` per job.
 *
 * A viewer that reads slowly holds its own cursor: it is handed more only once the previous lines
 * are written out, so a slow client costs memory for one page, not for the whole log.
 */
import type { Queryable } from '../db/index.js';
import type { Logger } from '../shared/logger.js';

export interface LiveLogLine {
  id: number;
  job_id: number;
  created_at: string;
  level: string;
  type: string;
  name: string;
  message: string;
}

export interface LiveLogViewer {
  /** Writes lines to the viewer; the next lines come once this has resolved. */
  deliver(lines: readonly LiveLogLine[]): Promise<void>;
  /** The job has finished and the viewer has every line: send the end and close. */
  end(state: string): void;
}

interface Subscription {
  viewer: LiveLogViewer;
  afterId: number;
  busy: boolean;
}

export const MAX_LINES_PER_TICK = 1000;
const FINAL_STATES: ReadonlySet<string> = new Set(['done', 'done_warning', 'failed']);

export class LiveLogHub {
  private readonly watched = new Map<number, Set<Subscription>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** Statements this hub has sent to the database (one per tick, whatever the number of viewers). */
  reads = 0;

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
    private readonly intervalMs = 150,
  ) {}

  /** Follows job `jobId` for `viewer` from the line after `afterId`; returns the function that stops following. */
  subscribe(jobId: number, viewer: LiveLogViewer, afterId = 0): () => void {
    const subscription: Subscription = { viewer, afterId, busy: false };
    let subscriptions = this.watched.get(jobId);
    if (!subscriptions) this.watched.set(jobId, (subscriptions = new Set()));
    subscriptions.add(subscription);
    // An idle hub reads at once; a busy one serves the newcomer with its next regular read.
    this.schedule(this.timer || this.ticking ? this.intervalMs : 0);
    return () => this.remove(jobId, subscription);
  }

  /** Open subscriptions (all jobs). */
  get viewers(): number {
    let count = 0;
    for (const subscriptions of this.watched.values()) count += subscriptions.size;
    return count;
  }

  close(): void {
    this.watched.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private remove(jobId: number, subscription: Subscription): void {
    const subscriptions = this.watched.get(jobId);
    subscriptions?.delete(subscription);
    if (subscriptions?.size === 0) this.watched.delete(jobId);
  }

  private schedule(delayMs: number): void {
    if (this.ticking || this.watched.size === 0) return;
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.ticking = true;
    let more = false;
    try {
      more = await this.poll();
    } catch (error) {
      this.logger.warn({ err: error }, 'live logs: reading new lines failed; retrying');
    } finally {
      this.ticking = false;
    }
    this.schedule(more ? 0 : this.intervalMs);
  }

  /** One statement for every watched job; returns true when a job had more lines than one page. */
  private async poll(): Promise<boolean> {
    // The viewers ready for more, as they are now: one who subscribes while the statement runs
    // waits for the next one (the lines read here may start after its cursor).
    const jobs = [...this.watched.entries()]
      .map(([jobId, subs]) => [jobId, [...subs].filter((s) => !s.busy)] as const)
      .filter(([, ready]) => ready.length > 0);
    if (jobs.length === 0) return false;
    const cursors = jobs.map(([, ready]) => Math.min(...ready.map((s) => s.afterId)));
    this.reads++;
    const { rows } = await this.db.query<{ id: string; state: string; lines: LiveLogLine[] }>({
      name: 'sync_studio_live_logs',
      text: `select j.id, j.state,
         coalesce((select json_agg(l order by l.id) from (
            select l.id, l.job_id, l.created_at, l.level, l.type, l.name, l.message from sync_studio.log l
             where l.job_id = w.job_id and l.id > w.after_id order by l.id limit ${MAX_LINES_PER_TICK}) l), '[]') as lines
         from unnest($1::bigint[], $2::bigint[]) as w(job_id, after_id) join sync_studio.job j on j.id = w.job_id`,
      values: [jobs.map(([jobId]) => jobId), cursors],
    });
    const found = new Map(rows.map((row) => [Number(row.id), row]));
    let more = false;
    for (const [jobId, subscriptions] of jobs) {
      const row = found.get(jobId);
      // A job deleted meanwhile (retention, project deleted) has nothing more to show.
      const state = row?.state ?? 'deleted';
      const lines = row?.lines ?? [];
      const complete = lines.length < MAX_LINES_PER_TICK;
      more ||= !complete;
      for (const subscription of subscriptions) {
        if (!this.watched.get(jobId)?.has(subscription)) continue;
        const unseen = lines.filter((line) => line.id > subscription.afterId);
        if (unseen.length > 0) void this.hand(jobId, subscription, unseen);
        else if (complete && (FINAL_STATES.has(state) || state === 'deleted')) {
          this.remove(jobId, subscription);
          subscription.viewer.end(state);
        }
      }
    }
    return more;
  }

  private async hand(jobId: number, subscription: Subscription, lines: LiveLogLine[]): Promise<void> {
    subscription.busy = true;
    try {
      await subscription.viewer.deliver(lines);
      subscription.afterId = lines[lines.length - 1]!.id;
    } catch {
      this.remove(jobId, subscription);
    } finally {
      subscription.busy = false;
    }
  }
}
