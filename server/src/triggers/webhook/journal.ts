/**
 * SQL of the webhook path: the trigger behind a path (one indexed query), the journal of raw
 * requests (stored before the handler runs; a dedup key that repeats is dropped by the unique
 * index), and the log rows of a request (data_in / data_out), written with the journal's link to
 * its job in one statement.
 */
import type { Queryable } from '../../db/index.js';
import { capMessage, insertLogsSql, logColumns, type LogEntry } from '../../runs/index.js';
import type { RawWebhookRequest, WebhookKind } from './request.js';

export interface WebhookTarget {
  id: number;
  trigger_name: string;
  kind: WebhookKind;
  reply_mode: 'handler' | 'queued';
  dedup_header: string | null;
  active: boolean;
  task_id: number;
  task_active: boolean;
  project_id: number;
  project_active: boolean;
}

const targetColumns = `w.id, w.trigger_name, w.kind, w.reply_mode, w.dedup_header, w.active,
  t.id as task_id, t.active as task_active, t.project_id, p.active as project_active
  from sync_studio.trigger_webhook w join sync_studio.task t on t.id = w.task_id join sync_studio.project p on p.id = t.project_id`;

export async function findTargetByPath(db: Queryable, path: string): Promise<WebhookTarget | undefined> {
  const { rows } = await db.query<WebhookTarget>(`select ${targetColumns} where w.path = $1`, [path]);
  return rows[0];
}

/** Journals a request; undefined when its dedup key was already seen for this webhook. */
export async function journalRequest(
  db: Queryable,
  triggerId: number,
  raw: RawWebhookRequest,
  dedupKey: string | null,
): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `insert into sync_studio.webhook_request (trigger_id, method, url, headers, body, remote_addr, dedup_key)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (trigger_id, dedup_key) do nothing returning id`,
    [triggerId, raw.method, raw.url, raw.headers, raw.body, raw.remoteAddr, dedupKey],
  );
  return rows[0]?.id;
}

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

export async function listJournal(
  db: Queryable,
  triggerId: number,
  page: { limit: number; offset: number },
): Promise<{ items: JournaledRequest[]; total: number }> {
  const [{ rows }, count] = await Promise.all([
    db.query<JournaledRequest>('select * from sync_studio.webhook_request where trigger_id = $1 order by id desc limit $2 offset $3', [
      triggerId,
      page.limit,
      page.offset,
    ]),
    db.query<{ total: number }>('select count(*)::int as total from sync_studio.webhook_request where trigger_id = $1', [triggerId]),
  ]);
  return { items: rows, total: count.rows[0]!.total };
}

export type LogLine = Pick<LogEntry, 'level' | 'type' | 'name' | 'message'>;

/** Writes log lines of a webhook's job (or of the webhook alone when `jobId` is null), linking the journal entry to the job. */
export async function writeRequestLogs(
  db: Queryable,
  target: WebhookTarget,
  jobId: number | null,
  requestId: number | null,
  lines: LogLine[],
): Promise<void> {
  const entries: LogEntry[] = lines.map((line) => ({
    ...line,
    message: capMessage(line.message),
    jobId,
    projectId: target.project_id,
    taskId: target.task_id,
    triggerKind: 'webhook',
    triggerId: target.id,
  }));
  await db.query(
    `with linked as (update sync_studio.webhook_request set job_id = $1 where id = $2 and $1::bigint is not null)
     ${insertLogsSql(3)}`,
    [jobId, requestId, ...logColumns(entries)],
  );
}
