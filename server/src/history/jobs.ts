/**
 * The job table's one owner: every statement that writes a job row is here (created by the
 * runtime, claimed when a run starts, finished with a state, requeued, recovered after a crash);
 * batched statements derive their parameters from one column list (`db/columns.ts`). A job's
 * state as users see it rolls up its sub-jobs: failed if any failed, started/pending if any is
 * still running or waiting, done_warning if any warned, else done.
 */
import type { JobState } from '../contract/index.js';
import { columnNames, jsonbText, pgText, unnestSql, unnestValues, type Column, type Queryable } from '../db/index.js';
import { NotFoundError } from '../shared/errors.js';
import { insertLogsSql, logColumns, logValues, type LogRow } from './logs.js';

export interface NewJob {
  projectId: number;
  taskId: number;
  triggerKind: string | null;
  triggerId: number | null;
  triggerName: string;
  parentJobId: number | null;
  function: string;
  args: unknown[];
  description?: string | null;
  identityKey?: string | null;
  maxRetries: number;
  priority: number;
  runAt: Date | null;
  odooUserId: number | null;
  runMode: 'queued' | 'immediate';
}

/** The columns a new job row is written with (every statement that creates jobs derives its parameters from this list). */
const newJobColumns: readonly Column<NewJob>[] = [
  { name: 'project_id', type: 'bigint', value: (job) => job.projectId },
  { name: 'task_id', type: 'bigint', value: (job) => job.taskId },
  { name: 'trigger_kind', type: 'text', value: (job) => job.triggerKind },
  { name: 'trigger_id', type: 'bigint', value: (job) => job.triggerId },
  { name: 'trigger_name', type: 'text', value: (job) => job.triggerName },
  { name: 'parent_job_id', type: 'bigint', value: (job) => job.parentJobId },
  { name: 'function', type: 'text', value: (job) => job.function },
  { name: 'args', type: 'jsonb', value: (job) => jsonbText(job.args) },
  { name: 'description', type: 'text', value: (job) => (job.description == null ? null : pgText(job.description)) },
  { name: 'identity_key', type: 'text', value: (job) => (job.identityKey == null ? null : pgText(job.identityKey)) },
  { name: 'max_retries', type: 'int', value: (job) => job.maxRetries },
  { name: 'priority', type: 'int', value: (job) => job.priority },
  { name: 'run_at', type: 'timestamptz', value: (job) => job.runAt },
  { name: 'odoo_user_id', type: 'int', value: (job) => job.odooUserId },
  { name: 'run_mode', type: 'text', value: (job) => job.runMode },
];
const jobColumns = columnNames(newJobColumns);

/** What inserting a queued job came to: its new id, or the pending job with the same identity key that made it unnecessary. */
export type QueuedJobInsert = { jobId: number } | { pendingJobId: number };

/**
 * The queue entries of the jobs `insertQueuedJobs` inserts, written by another module in the same
 * statement: `sql(first)` is a query over `fresh(id, ord, run_at)` (the jobs inserted; `ord` is
 * 1-based in the order of the jobs given, an item each) returning `(job_id, queue_job_id)`; its
 * parameters, from `$first` on, are `values(items)`.
 */
export interface QueueEntries<Item> {
  /** Names the prepared statement; unique per kind of entries. */
  name: string;
  sql(firstParam: number): string;
  values(items: readonly Item[]): unknown[];
}

/**
 * Inserts queued jobs (pending) with their queue entries in one statement, in order (their ids
 * ascend in the order of `jobs`). A job with an identity key is left out, and gets no entry, when
 * a pending job of its task has the same key (call it holding the keys' locks, see
 * `lockIdentityKeys`) or when an earlier job of `jobs` does.
 */
export async function insertQueuedJobs<Item>(
  db: Queryable,
  jobs: readonly { job: NewJob; item: Item }[],
  entries: QueueEntries<Item>,
): Promise<QueuedJobInsert[]> {
  if (jobs.length === 0) return [];
  const firstWithKey = new Map<string, number>();
  const sameAs = jobs.map(({ job }, index) => {
    if (job.identityKey == null) return undefined;
    const key = `${job.taskId}\u0000${job.identityKey}`;
    const first = firstWithKey.get(key);
    if (first === undefined) firstWithKey.set(key, index);
    return first;
  });
  const written = jobs.filter((_, index) => sameAs[index] === undefined);
  const { rows } = await db.query<{ id: string; pending_id: string | null }>({
    name: `sync_studio_insert_queued_jobs_${entries.name}`,
    text: `with ${jobInputSql(1)},
     pending as (
       select i.ord, min(j.id) as pending_id from input i
         join sync_studio.job j on j.identity_key = i.identity_key and j.task_id = i.task_id and j.state = 'pending'
        group by i.ord),
     fresh as (select n.id, i.ord, i.run_at from input i join numbered n using (ord) where i.ord not in (select ord from pending)),
     queued as (${entries.sql(1 + newJobColumns.length)}),
     inserted as (
       insert into sync_studio.job (id, ${jobColumns}, queue_job_id) select ${insertedJobValuesSql}, q.queue_job_id
         from input i join fresh n using (ord) left join queued q on q.job_id = n.id)
     select n.id, p.pending_id from numbered n left join pending p using (ord) order by n.ord`,
    values: [
      ...unnestValues(
        newJobColumns,
        written.map((w) => w.job),
      ),
      ...entries.values(written.map((w) => w.item)),
    ],
  });
  const outcomes: QueuedJobInsert[] = rows.map((row) =>
    row.pending_id === null ? { jobId: Number(row.id) } : { pendingJobId: Number(row.pending_id) },
  );
  const results: QueuedJobInsert[] = [];
  let next = 0;
  jobs.forEach((_, index) => {
    const first = sameAs[index];
    if (first === undefined) return void results.push(outcomes[next++]!);
    const earlier = results[first]!;
    results.push('jobId' in earlier ? { pendingJobId: earlier.jobId } : earlier);
  });
  return results;
}

/**
 * Serialises the check "is a job with this identity key pending?" against other writers until the
 * transaction ends. Keys are locked in a fixed order, so two sidecars never deadlock on them.
 */
export async function lockIdentityKeys(db: Queryable, jobs: readonly NewJob[]): Promise<void> {
  const keys = [...new Set(jobs.flatMap((job) => (job.identityKey == null ? [] : [`identity:${job.taskId}:${job.identityKey}`])))].sort();
  if (keys.length === 0) return;
  await db.query('select pg_advisory_xact_lock(hashtext(k)) from unnest($1::text[]) as k order by k', [keys]);
}

/** Everything a run needs, read in the same statement that marks the job started. */
export interface ClaimedJob {
  id: number;
  project_id: number;
  task_id: number;
  trigger_kind: string | null;
  trigger_id: number | null;
  trigger_name: string;
  function: string;
  args: unknown[];
  attempts: number;
  max_retries: number;
  odoo_user_id: number | null;
  run_mode: 'queued' | 'immediate';
  /** The state before this claim ('started' means the previous attempt was interrupted). */
  previous_state: JobState;
  task_code: string;
  task_active: boolean;
  task_timeout_seconds: number | null;
  project_active: boolean;
  project_version: number;
  common_code: string;
  eval_contexts: string[];
}

/** What a run needs of its task and project, read with the claim. */
const codeColumns = `t.code as task_code, t.active as task_active, t.timeout_seconds as task_timeout_seconds, p.active as project_active,
  p.version as project_version, p.common_code, p.eval_contexts
  from claimed c join sync_studio.task t on t.id = c.task_id join sync_studio.project p on p.id = c.project_id`;
const claimedColumns = `c.id, c.project_id, c.task_id, c.trigger_kind, c.trigger_id, c.trigger_name, c.function, c.args, c.attempts,
  c.max_retries, c.odoo_user_id, c.run_mode, c.previous_state, ${codeColumns}`;

/**
 * Marks pending (or interrupted) jobs started and reads what their runs need, in one statement.
 * Jobs that are not pending or started (already finished) are left alone and absent from the result.
 */
export async function claimJobs(db: Queryable, jobIds: readonly number[], instanceId: number): Promise<ClaimedJob[]> {
  const { rows } = await db.query<ClaimedJob>({
    name: 'sync_studio_claim_jobs',
    text: `with previous as (select id, state from sync_studio.job where id = any($1::bigint[]) order by id for update),
     claimed as (
       update sync_studio.job j set state = 'started', attempts = j.attempts + 1, started_at = now(), finished_at = null, instance_id = $2
       from previous where j.id = previous.id and previous.state in ('pending', 'started')
       returning j.*, previous.state as previous_state)
     select ${claimedColumns}`,
    values: [jobIds, instanceId],
  });
  return rows;
}

/**
 * Rows another module writes in the statement that starts immediate jobs (a webhook's journal
 * entry with its job's id): one write fewer per job, and this module knows nothing of them.
 * `cte(first)` is the body of a data-modifying CTE; it may read `numbered(id, ord)` (the new job
 * ids, `ord` 1-based in batch order) and its own parameters from `$first` on, which `values` gives
 * for a batch: one array element per job, `null` for a job without a companion row.
 */
export interface StartCompanion<Item> {
  /** Names the prepared statement; unique per companion. */
  name: string;
  cte(firstParam: number): string;
  values(items: readonly (Item | null)[]): unknown[];
}

/** A companion and its rows for one batch, one item (or null) per job. */
export interface CompanionRows<Item> {
  companion: StartCompanion<Item>;
  items: readonly (Item | null)[];
}

export interface JobFinish {
  jobId: number;
  state: JobState;
  /** The result as jsonb text (`jsonbText`), redacted. */
  resultJson?: string | undefined;
  error?: string | null;
  runAt?: Date;
  logs?: readonly LogRow[];
}

/**
 * What one statement writes: jobs that start at once (immediate runs, with their companion rows)
 * and final states of other jobs with their last log lines. Under load the starts of new requests
 * and the final states of earlier ones share a statement: one round trip and one commit for both.
 */
export interface JobWrites<Item> {
  starts: readonly NewJob[];
  companion?: CompanionRows<Item> | undefined;
  finishes: readonly JobFinish[];
}

/** CTEs `input` (the jobs as rows, with their order) and `numbered` (each one's new id), from parameter `first` on. */
function jobInputSql(first: number): string {
  return `input as (select * from ${unnestSql(newJobColumns, first, 'i', { ordinality: true })}),
     numbered as (select nextval('sync_studio.job_id_seq') as id, ord from input)`;
}

/** The select list writing `input i` joined to `numbered n` into `(id, <jobColumns>)`; a job without run_at runs now. */
const insertedJobValuesSql = `n.id, ${newJobColumns.map(({ name }) => (name === 'run_at' ? 'coalesce(i.run_at, now())' : `i.${name}`)).join(', ')}`;

/** A job's final state as written by `writeJobs`. */
const finishColumns: readonly Column<JobFinish>[] = [
  { name: 'id', type: 'bigint', value: (f) => f.jobId },
  { name: 'state', type: 'text', value: (f) => f.state },
  { name: 'result', type: 'jsonb', value: (f) => f.resultJson ?? null },
  { name: 'error', type: 'text', value: (f) => (f.error == null ? null : pgText(f.error)) },
  { name: 'run_at', type: 'timestamptz', value: (f) => f.runAt ?? null },
];

/**
 * Writes `writes` in one statement and reads what the started runs need; results are in the order
 * of `writes.starts`. A job finished here must have been started by an earlier statement.
 */
export async function writeJobs<Item>(db: Queryable, writes: JobWrites<Item>, instanceId: number): Promise<ClaimedJob[]> {
  const { starts, companion, finishes } = writes;
  const instanceParam = 1 + newJobColumns.length;
  const finishFirst = instanceParam + 1;
  const logFirst = finishFirst + finishColumns.length;
  const companionFirst = logFirst + logColumns.length;
  const companionCte = companion ? `, companion as (${companion.companion.cte(companionFirst)})` : '';
  const { rows } = await db.query<Pick<ClaimedJob, 'id' | CodeColumn> & { ord: string }>({
    name: companion ? `sync_studio_write_jobs_${companion.companion.name}` : 'sync_studio_write_jobs',
    text: `with ${jobInputSql(1)},
     claimed as (
       insert into sync_studio.job (id, ${jobColumns}, state, attempts, started_at, instance_id)
       select ${insertedJobValuesSql}, 'started', 1, now(), $${instanceParam}
         from input i join numbered n using (ord)
       returning id, task_id, project_id),
     logged as (${insertLogsSql(logFirst)} returning 1),
     finished as (
       update sync_studio.job j set state = f.state, result = f.result, error = f.error,
         finished_at = case when f.state in ('done', 'done_warning', 'failed') then now() end,
         run_at = coalesce(f.run_at, j.run_at)
       from ${unnestSql(finishColumns, finishFirst, 'f')}
       where j.id = f.id)${companionCte}
     select n.ord, c.id, ${codeColumns} join numbered n on n.id = c.id`,
    values: [
      ...unnestValues(newJobColumns, starts),
      instanceId,
      ...unnestValues(finishColumns, finishes),
      ...logValues(finishes.flatMap((f) => f.logs ?? [])),
      ...(companion ? companion.companion.values(companion.items) : []),
    ],
  });
  const byOrder = new Map(rows.map(({ ord, ...row }) => [Number(ord), row]));
  return starts.map((job, index) => ({ ...startedJob(job), ...byOrder.get(index + 1)! }));
}

type CodeColumn =
  'task_code' | 'task_active' | 'task_timeout_seconds' | 'project_active' | 'project_version' | 'common_code' | 'eval_contexts';

/** A job started by `writeJobs`, as its run sees it (the written values are not read back). */
function startedJob(job: NewJob): Omit<ClaimedJob, 'id' | CodeColumn> {
  return {
    project_id: job.projectId,
    task_id: job.taskId,
    trigger_kind: job.triggerKind,
    trigger_id: job.triggerId,
    trigger_name: job.triggerName,
    function: job.function,
    args: job.args,
    attempts: 1,
    max_retries: job.maxRetries,
    odoo_user_id: job.odooUserId,
    run_mode: job.runMode,
    previous_state: 'pending',
  };
}

/** Writes jobs' states together with their last log lines, in one statement. */
export async function finishJobs(db: Queryable, finishes: readonly JobFinish[]): Promise<void> {
  await writeJobs(db, { starts: [], finishes }, 0);
}

/** Records a job's queue entry (a failed job requeued from the panel). */
export async function setQueueJobId(db: Queryable, jobId: number, queueJobId: string): Promise<void> {
  await db.query('update sync_studio.job set queue_job_id = $2 where id = $1', [jobId, queueJobId]);
}

/** A failed job made pending again with its attempts reset (requeue from the panel); false when it is not failed. */
export async function requeueFailedJob(db: Queryable, jobId: number): Promise<boolean> {
  const { rows } = await db.query<{ id: number }>(
    `update sync_studio.job set state = 'pending', attempts = 0, run_mode = 'queued', error = null, result = null,
       started_at = null, finished_at = null, run_at = now()
     where id = $1 and state = 'failed' returning id`,
    [jobId],
  );
  return rows.length > 0;
}

/** Takes back the attempt a run counted (the run died only because another job took its sandbox worker down). */
export async function giveBackAttempt(db: Queryable, jobId: number): Promise<void> {
  await db.query('update sync_studio.job set attempts = attempts - 1 where id = $1', [jobId]);
}

/** A job marked started by an instance (crash recovery looks at those of other instances). */
export interface StartedJobRow {
  id: number;
  instance_id: number | null;
  run_mode: 'queued' | 'immediate';
  queue_job_id: string | null;
}

export async function jobsStartedElsewhere(db: Queryable, instanceId: number): Promise<StartedJobRow[]> {
  const { rows } = await db.query<StartedJobRow>(
    `select id, instance_id, run_mode, queue_job_id from sync_studio.job where state = 'started' and instance_id is distinct from $1`,
    [instanceId],
  );
  return rows;
}

/** Immediate jobs whose sidecar stopped while they ran: nobody waits for them any more, so they failed. */
export async function failInterruptedJobs(db: Queryable, jobIds: readonly number[]): Promise<void> {
  await db.query(
    `update sync_studio.job set state = 'failed', finished_at = now(), error = 'Interrupted: the sidecar stopped while this job ran'
     where id = any($1) and state = 'started'`,
    [jobIds],
  );
}

/** The state a user sees: the job's own state rolled up with all its sub-jobs. */
export const effectiveStateSql = `
  (with recursive tree as (
     select id, state from sync_studio.job where id = j.id
     union all
     select c.id, c.state from sync_studio.job c join tree on c.parent_job_id = tree.id)
   select case
     when bool_or(state = 'failed') then 'failed'
     when bool_or(state = 'started') then 'started'
     when bool_or(state = 'pending') then 'pending'
     when bool_or(state = 'done_warning') then 'done_warning'
     else 'done' end
   from tree)`;

/** How long a finished job ran, in milliseconds (a number: float8, which pg hands over as a JS number). */
export const durationMsSql = '(extract(epoch from (j.finished_at - j.started_at)) * 1000)::float8';

/** When a job waits for a retry: the time it runs next (null otherwise). */
export const retryingAtSql = `case when j.state = 'pending' and j.attempts > 0 then j.run_at end`;

/** A job's columns for the panel: everything but its arguments (a webhook's hold the whole request body). */
const jobDetailColumns = `j.id, j.project_id, j.task_id, j.trigger_kind, j.trigger_id, j.trigger_name, j.parent_job_id, j.function,
  j.description, j.identity_key, j.state, j.attempts, j.max_retries, j.priority, j.run_at, j.started_at, j.finished_at, j.result,
  j.error, j.queue_job_id, j.odoo_user_id, j.created_at, j.instance_id, j.run_mode, ${durationMsSql} as duration_ms`;

/** One job as the panel shows it; its arguments only when `args` is asked for. */
export async function getJob(db: Queryable, jobId: number, options: { args?: boolean } = {}): Promise<Record<string, unknown>> {
  const { rows } = await db.query(
    `select ${jobDetailColumns}${options.args ? ', j.args' : ''}, ${effectiveStateSql} as effective_state, ${retryingAtSql} as retrying_at
       from sync_studio.job j where j.id = $1`,
    [jobId],
  );
  if (!rows[0]) throw new NotFoundError('job', jobId);
  return rows[0];
}
