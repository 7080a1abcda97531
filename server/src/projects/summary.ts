/**
 * The projects list of the panel: filtered by archived state and a name search, each project with
 * its number of tasks and of enabled triggers (a trigger is enabled when it and its task are active).
 */
import type { z } from 'zod';
import type { projectFilterFields } from '../contract/index.js';
import type { Queryable } from '../db/index.js';
import { decodeCursor, pageOf, type PageRequest } from '../shared/paging.js';
import type { Row } from './store.js';

/** The projects list's filters, as the contract checks them. */
export type ProjectFilter = z.output<z.ZodObject<typeof projectFilterFields>>;

const enabledTriggers = ['cron', 'db', 'webhook', 'button']
  .map(
    (kind) => `(select count(*) from sync_studio.trigger_${kind} g join sync_studio.task t on t.id = g.task_id
                     where t.project_id = p.id and t.active and g.active)`,
  )
  .join(' + ');

/** One page of projects by name (then id). */
export async function listProjectSummaries(
  db: Queryable,
  filter: ProjectFilter,
  page: PageRequest,
): Promise<{ items: Row[]; total: number; next_cursor: string | null }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.active !== 'all') {
    params.push(filter.active === 'true');
    conditions.push(`p.active = $${params.length}`);
  }
  if (filter.search) {
    params.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    conditions.push(`p.name ilike $${params.length}`);
  }
  const where = conditions.length ? `where ${conditions.join(' and ')}` : '';
  const after = decodeCursor(page.cursor, ['string', 'number']);
  const pageParams = after ? [...params, after[0], after[1]] : params;
  const pageConditions = after ? [...conditions, `(p.name, p.id) > ($${params.length + 1}, $${params.length + 2})`] : conditions;
  const [items, count] = await Promise.all([
    db.query<Row>(
      `select p.*, (select count(*)::int from sync_studio.task t where t.project_id = p.id) as task_count,
              (${enabledTriggers})::int as enabled_trigger_count
         from sync_studio.project p ${pageConditions.length ? `where ${pageConditions.join(' and ')}` : ''}
        order by p.name, p.id limit ${page.limit + 1}`,
      pageParams,
    ),
    db.query<{ total: number }>(`select count(*)::int as total from sync_studio.project p ${where}`, params),
  ]);
  return { ...pageOf(items.rows, page.limit, (row) => [row.name as string, row.id]), total: count.rows[0]!.total };
}
