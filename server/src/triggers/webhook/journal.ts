/**
 * SQL of the webhook path: the trigger behind a path (one indexed query), the journal of raw
 * requests (stored before the handler runs; a dedup key that repeats is dropped by the unique
 * index), and the log rows of a request (data_in / data_out), written with the journal's link to
 * its job in one statement.
 */
import { columnNames, jsonbText, unnestSql, unnestValues, type Column, type Queryable } from '../../db/index.js';
import { capMessage, insertLogsSql, logValues, type LogLine, type LogRow } from '../../history/index.js';
import { decodeCursor, pageOf, type PageRequest } from '../../shared/paging.js';
import type { StartCompanion } from '../../history/jobs.js';
import type { TriggerState } from '../../jobs/index.js';
import type { RawWebhookRequest, WebhookKind } from './request.js';

export interface WebhookTarget extends TriggerState {
  id: number;
  kind: WebhookKind;
  reply_mode: 'handler' | 'queued';
  dedup_header: string | null;
  allow_redirect_and_cors: boolean;
}

const targetColumns = `w.id, w.trigger_name, w.kind, w.reply_mode, w.dedup_header, w.allow_redirect_and_cors, w.active,
  t.id as task_id, t.active as task_active, t.project_id, p.active as project_active
  from sync_studio.trigger_webhook w join sync_studio.task t on t.id = w.task_id join sync_studio.project p on p.id = t.project_id`;

export async function findTargetByPath(db: Queryable, path: string): Promise<WebhookTarget | undefined> {
  const { rows } = await db.query<WebhookTarget>({
    name: 'sync_studio_webhook_target',
    text: `select ${targetColumns} where w.path = $1`,
    values: [path],
  });
  return rows[0];
}

export interface JournalEntry {
  triggerId: number;
  raw: RawWebhookRequest;
  dedupKey: string | null;
}

/**
 * Journals requests in one statement; for each, its id, or undefined when its dedup key was
 * already seen for that webhook (in the table or earlier in the same batch).
 */
export async function journalRequests(db: Queryable, entries: readonly JournalEntry[]): Promise<(number | undefined)[]> {
  const { rows } = await db.query<{ id: number; ord: string }>({
    name: 'sync_studio_journal_requests',
    text: `with input as (select * from ${unnestSql(journalColumns, 1, 'i', { ordinality: true })}),
     numbered as (select nextval('sync_studio.webhook_request_id_seq') as id, ord from input),
     inserted as (
       insert into sync_studio.webhook_request (id, ${columnNames(journalColumns)})
       select n.id, ${columnNames(journalColumns, 'i')}
         from input i join numbered n using (ord) order by i.ord
       on conflict (trigger_id, dedup_key) do nothing returning id)
     select inserted.id, n.ord from inserted join numbered n using (id)`,
    values: unnestValues(journalColumns, entries),
  });
  const byOrder = new Map(rows.map((row) => [Number(row.ord), row.id]));
  return entries.map((_, index) => byOrder.get(index + 1));
}

/** A request without a dedup key, journaled by the statement that starts its job (so it carries the job's id). */
export interface JobJournalEntry {
  triggerId: number;
  raw: RawWebhookRequest;
}

/** A journaled request's columns, as the companion of its job's start writes them (null: a job without one). */
const requestColumns: readonly Column<JobJournalEntry | null>[] = [
  { name: 'trigger_id', type: 'bigint', value: (e) => e?.triggerId ?? null },
  { name: 'method', type: 'text', value: (e) => e?.raw.method ?? null },
  { name: 'url', type: 'text', value: (e) => e?.raw.url ?? null },
  { name: 'headers', type: 'jsonb', value: (e) => (e ? jsonbText(e.raw.headers) : null) },
  { name: 'body', type: 'bytea', value: (e) => e?.raw.body ?? null },
  { name: 'remote_addr', type: 'text', value: (e) => e?.raw.remoteAddr ?? null },
];
/** A request journaled before its job exists, with its dedup key. */
const journalColumns: readonly Column<JournalEntry>[] = [
  ...requestColumns,
  { name: 'dedup_key', type: 'text', value: (e: JournalEntry) => e.dedupKey },
];

export const journalWithJobStart: StartCompanion<JobJournalEntry> = {
  name: 'webhook_journal',
  cte: (first) =>
    `insert into sync_studio.webhook_request (${columnNames(requestColumns)}, job_id)
       select ${columnNames(requestColumns, 'e')}, n.id
         from ${unnestSql(requestColumns, first, 'e', { ordinality: true })}
         join numbered n using (ord) where e.trigger_id is not null order by e.ord`,
  values: (entries) => unnestValues(requestColumns, entries),
};

export interface JournaledRequest {
  id: number;
  trigger_id: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  remote_addr: string | null;
  dedup_key: string | null;
  job_id: number | null;
  received_at: Date;
}

export async function getJournaled(db: Queryable, requestId: number): Promise<(JournaledRequest & { target: WebhookTarget }) | undefined> {
  const { rows } = await db.query<JournaledRequest & { target: WebhookTarget }>(
    `select r.*, (select row_to_json(x) from (select ${targetColumns} where w.id = r.trigger_id) x) as target
       from sync_studio.webhook_request r where r.id = $1`,
    [requestId],
  );
  return rows[0];
}

/** The request journaled by the statement that started job `jobId` (same transaction, so received when the job was created). */
export async function getJournaledWithJob(
  db: Queryable,
  jobId: number,
): Promise<(JournaledRequest & { target: WebhookTarget }) | undefined> {
  const { rows } = await db.query<JournaledRequest & { target: WebhookTarget }>(
    `select r.*, (select row_to_json(x) from (select ${targetColumns} where w.id = r.trigger_id) x) as target
       from sync_studio.job j join sync_studio.webhook_request r on r.job_id = j.id and r.received_at = j.created_at
      where j.id = $1`,
    [jobId],
  );
  return rows[0];
}

/** One page (by key) of a webhook's journal, newest first, and the total. */
export async function listJournal(
  db: Queryable,
  triggerId: number,
  page: PageRequest,
): Promise<{ items: JournaledRequest[]; total: number; next_cursor: string | null }> {
  const after = decodeCursor(page.cursor, ['number']);
  const [{ rows }, count] = await Promise.all([
    db.query<JournaledRequest>(
      `select * from sync_studio.webhook_request where trigger_id = $1 and ($2::bigint is null or id < $2) order by id desc limit $3`,
      [triggerId, after?.[0] ?? null, page.limit + 1],
    ),
    db.query<{ total: number }>('select count(*)::int as total from sync_studio.webhook_request where trigger_id = $1', [triggerId]),
  ]);
  return { ...pageOf(rows, page.limit, (row) => [row.id]), total: count.rows[0]!.total };
}

export interface RequestLogs {
  target: WebhookTarget;
  /** The job the lines belong to (null: lines of the webhook alone, e.g. a refused request). */
  jobId: number | null;
  /** The journal entry to link to the job, if any. */
  requestId: number | null;
  lines: LogLine[];
}

/** Writes requests' log lines and links their journal entries to their jobs, in one statement. */
export async function writeRequestLogs(db: Queryable, batch: readonly RequestLogs[]): Promise<void> {
  const entries: LogRow[] = batch.flatMap(({ target, jobId, lines }) =>
    lines.map((line) => ({
      ...line,
      message: capMessage(line.message),
      jobId,
      projectId: target.project_id,
      taskId: target.task_id,
      triggerKind: 'webhook',
      triggerId: target.id,
    })),
  );
  const links = batch.filter((item) => item.jobId !== null && item.requestId !== null);
  await db.query({
    name: 'sync_studio_write_request_logs',
    text: `with linked as (
       update sync_studio.webhook_request r set job_id = l.job_id
         from unnest($1::bigint[], $2::bigint[]) as l(request_id, job_id) where r.id = l.request_id)
     ${insertLogsSql(3)}`,
    values: [links.map((item) => item.requestId), links.map((item) => item.jobId), ...logValues(entries)],
  });
}
