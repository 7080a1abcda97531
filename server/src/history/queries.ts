/**
 * Reading jobs and logs for the panel: filters (project, task, trigger, job, time range, level,
 * state), pages by key (shared/paging.ts: newest first, by id), and counts grouped by any of
 * those dimensions.
 */
import { jobFilterSchema, type JobFilter, type LogFilter } from '../contract/index.js';
import type { Queryable } from '../db/index.js';
import { decodeCursor, pageOf } from '../shared/paging.js';
import { parseInput } from '../shared/validation.js';
import { durationMsSql, effectiveStateSql, retryingAtSql } from './jobs.js';

export type { JobFilter, LogFilter };

/** Collects `column op $n` conditions with their parameters. */
class Conditions {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(sql: (placeholder: string) => string, value: unknown): void {
    if (value === undefined) return;
    this.params.push(value);
    this.parts.push(sql(`$${this.params.length}`));
  }

  where(): string {
    return this.parts.length ? `where ${this.parts.join(' and ')}` : '';
  }
}

function commonConditions(alias: string, filter: JobFilter | LogFilter): Conditions {
  const c = new Conditions();
  c.add((p) => `${alias}.project_id = ${p}`, filter.project_id);
  c.add((p) => `${alias}.task_id = ${p}`, filter.task_id);
  c.add((p) => `${alias}.trigger_kind = ${p}`, filter.trigger_kind);
  c.add((p) => `${alias}.trigger_id = ${p}`, filter.trigger_id);
  c.add((p) => `${alias}.created_at >= ${p}`, filter.from);
  c.add((p) => `${alias}.created_at < ${p}`, filter.to);
  return c;
}

export function parseJobFilter(query: Record<string, string | string[]>): JobFilter {
  return parseInput(jobFilterSchema, query, 'job filter');
}

function jobConditions(filter: JobFilter): Conditions {
  const c = commonConditions('j', filter);
  c.add((p) => `j.parent_job_id = ${p}`, filter.parent_job_id);
  if (filter.top_level === 'true') c.parts.push('j.parent_job_id is null');
  c.add((p) => `${effectiveStateSql} = any(${p})`, filter.state);
  return c;
}

/** Newest first. */
export async function listJobs(db: Queryable, filter: JobFilter) {
  const c = jobConditions(filter);
  const where = c.where();
  const after = decodeCursor(filter.cursor, ['number']);
  const page = jobConditions(filter);
  page.add((p) => `j.id < ${p}`, after?.[0]);
  const [items, total] = await Promise.all([
    db.query(
      `select j.id, j.project_id, j.task_id, j.trigger_kind, j.trigger_id, j.trigger_name, j.parent_job_id, j.function, j.description,
              j.state, ${effectiveStateSql} as effective_state, j.attempts, j.max_retries, j.run_at, j.started_at, j.finished_at,
              j.error, j.run_mode, j.created_at, ${retryingAtSql} as retrying_at,
              ${durationMsSql} as duration_ms,
              (select count(*)::int from sync_studio.job c where c.parent_job_id = j.id) as sub_job_count
         from sync_studio.job j ${page.where()} order by j.id desc limit ${filter.limit + 1}`,
      page.params,
    ),
    db.query<{ n: number }>(`select count(*)::int as n from sync_studio.job j ${where}`, c.params),
  ]);
  return { ...pageOf(items.rows, filter.limit, (row) => [row.id as number]), total: total.rows[0]!.n, limit: filter.limit };
}

function logConditions(filter: LogFilter): Conditions {
  const c = commonConditions('l', filter);
  c.add((p) => `l.job_id = ${p}`, filter.job_id);
  c.add((p) => `l.level = any(${p})`, filter.level);
  c.add((p) => `l.type = any(${p})`, filter.type);
  c.add((p) => `l.id > ${p}`, filter.after_id);
  c.add((p) => `j.state = any(${p})`, filter.state);
  return c;
}

/** Newest first; with `after_id` (following a job's log), oldest first from there. */
export async function listLogs(db: Queryable, filter: LogFilter) {
  const c = logConditions(filter);
  const from = 'sync_studio.log l left join sync_studio.job j on j.id = l.job_id';
  const ascending = filter.after_id !== undefined;
  const after = decodeCursor(filter.cursor, ['number']);
  const page = logConditions(filter);
  page.add((p) => (ascending ? `l.id > ${p}` : `l.id < ${p}`), after?.[0]);
  const [items, total] = await Promise.all([
    db.query(
      `select l.*, j.state as job_state from ${from} ${page.where()} order by l.id ${ascending ? 'asc' : 'desc'} limit ${filter.limit + 1}`,
      page.params,
    ),
    db.query<{ n: number }>(`select count(*)::int as n from ${from} ${c.where()}`, c.params),
  ]);
  return { ...pageOf(items.rows, filter.limit, (row) => [row.id as number]), total: total.rows[0]!.n, limit: filter.limit };
}

const groupColumns: Record<string, string> = {
  project_id: 'l.project_id',
  task_id: 'l.task_id',
  trigger_kind: 'l.trigger_kind',
  trigger_id: 'l.trigger_id',
  job_id: 'l.job_id',
  level: 'l.level',
  type: 'l.type',
  state: 'j.state',
};

export async function countLogs(db: Queryable, filter: LogFilter) {
  const groups = filter.group_by ?? ['level'];
  const c = logConditions(filter);
  const columns = groups.map((g) => `${groupColumns[g]} as ${g}`).join(', ');
  const { rows } = await db.query(
    `select ${columns}, count(*)::int as count from sync_studio.log l left join sync_studio.job j on j.id = l.job_id ${c.where()}
     group by ${groups.map((_, i) => i + 1).join(', ')} order by count desc limit 1000`,
    c.params,
  );
  return { group_by: groups, groups: rows };
}

/** Failed top-level and sub-jobs created since `since`, per project (projects without failures are absent). */
export async function countRecentFailures(db: Queryable, projectIds: readonly number[], since: Date): Promise<Map<number, number>> {
  if (projectIds.length === 0) return new Map();
  const { rows } = await db.query<{ project_id: string; n: number }>(
    `select project_id, count(*)::int as n from sync_studio.job
      where project_id = any($1) and state = 'failed' and created_at >= $2 group by project_id`,
    [projectIds, since],
  );
  return new Map(rows.map((r) => [Number(r.project_id), r.n]));
}
