/** The SQL over `sync_studio.link`. Every function takes the connection it runs on. */
import type { Queryable } from '../db/index.js';
import { decodeCursor, pageOf, type PageRequest } from '../shared/paging.js';
import type { RefPattern } from './ops.js';
import { EXTERNAL_SYSTEM, linkColumns, ODOO_SYSTEM, toLinkRow, type LinkPair, type LinkRow } from './rows.js';

export interface LinkCriteria {
  relation: string;
  system1: string;
  system2: string;
  /** null: any ref; a list: one of them (an empty list matches nothing). */
  ref1: RefPattern;
  ref2: RefPattern;
  /** undefined: any model; null: links without a model; a string: that model. */
  model?: string | null;
}

/** Collects `$n` parameters while a WHERE clause is built. */
class Conditions {
  readonly parts: string[] = [];
  readonly values: unknown[] = [];
  add(sqlWithPlaceholder: (placeholder: string) => string, value: unknown): void {
    this.values.push(value);
    this.parts.push(sqlWithPlaceholder(`$${this.values.length}`));
  }
  addRef(column: 'ref1' | 'ref2', pattern: RefPattern): void {
    if (pattern === null) return;
    if (Array.isArray(pattern)) this.add((p) => `${column} = any(${p}::text[])`, pattern);
    else this.add((p) => `${column} = ${p}`, pattern);
  }
  where(): string {
    return this.parts.length ? `where ${this.parts.join(' and ')}` : '';
  }
}

function criteriaConditions(criteria: LinkCriteria): Conditions {
  const conditions = new Conditions();
  conditions.add((p) => `relation = ${p}`, criteria.relation);
  conditions.add((p) => `system1 = ${p}`, criteria.system1);
  conditions.add((p) => `system2 = ${p}`, criteria.system2);
  if (criteria.model !== undefined) conditions.add((p) => `model is not distinct from ${p}`, criteria.model);
  conditions.addRef('ref1', criteria.ref1);
  conditions.addRef('ref2', criteria.ref2);
  return conditions;
}

/** Newest first, as upstream. */
export async function findLinks(db: Queryable, criteria: LinkCriteria): Promise<LinkRow[]> {
  const conditions = criteriaConditions(criteria);
  const { rows } = await db.query(`select ${linkColumns} from sync_studio.link ${conditions.where()} order by id desc`, conditions.values);
  return rows.map(toLinkRow);
}

/** Links of the same relation, systems and model that share ref1 or ref2 with `pair`, oldest first. */
export async function findPartnersOf(db: Queryable, pair: LinkPair): Promise<LinkRow[]> {
  const { rows } = await db.query(
    `select ${linkColumns} from sync_studio.link
      where relation = $1 and system1 = $2 and system2 = $3 and model is not distinct from $4 and (ref1 = $5 or ref2 = $6)
      order by id`,
    [pair.relation, pair.system1, pair.system2, pair.model, pair.ref1, pair.ref2],
  );
  return rows.map(toLinkRow);
}

/** Inserts the link; `date` null means now (second precision, the column's default). */
export async function insertLink(db: Queryable, pair: LinkPair, date: string | null): Promise<LinkRow> {
  const { rows } = await db.query(
    `insert into sync_studio.link (relation, system1, ref1, system2, ref2, model, date)
     values ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, date_trunc('second', now())))
     returning ${linkColumns}`,
    [pair.relation, pair.system1, pair.ref1, pair.system2, pair.ref2, pair.model, date],
  );
  return toLinkRow(rows[0]);
}

/** Sets the date of these links (null: now); returns the updated links, newest first. */
export async function updateLinkDates(db: Queryable, ids: readonly number[], date: string | null): Promise<LinkRow[]> {
  const { rows } = await db.query(
    `update sync_studio.link set date = coalesce($2::timestamptz, date_trunc('second', now()))
      where id = any($1::bigint[]) returning ${linkColumns}`,
    [ids, date],
  );
  return rows.map(toLinkRow).sort((a, b) => b.id - a.id);
}

/** Deletes these links; returns how many existed. */
export async function deleteLinks(db: Queryable, ids: readonly number[]): Promise<number> {
  const { rowCount } = await db.query('delete from sync_studio.link where id = any($1::bigint[])', [ids]);
  return rowCount ?? 0;
}

export interface LinkListFilters {
  relation?: string;
  /** Matches system1 or system2. */
  system?: string;
  /** Matches ref1 or ref2. */
  ref?: string;
  model?: string;
  /** true: Odoo links (external ref ↔ Odoo record); false: links between two external systems. */
  odoo?: boolean;
  /** ISO date-times, both inclusive. */
  date_from?: string;
  date_to?: string;
}

/** The panel's list: filtered, newest first, one page (by key) and the total. */
export async function listLinks(
  db: Queryable,
  filters: LinkListFilters,
  page: PageRequest,
): Promise<{ items: LinkRow[]; total: number; next_cursor: string | null }> {
  const conditions = new Conditions();
  if (filters.relation !== undefined) conditions.add((p) => `relation = ${p}`, filters.relation);
  if (filters.system !== undefined) conditions.add((p) => `(system1 = ${p} or system2 = ${p})`, filters.system);
  if (filters.ref !== undefined) conditions.add((p) => `(ref1 = ${p} or ref2 = ${p})`, filters.ref);
  if (filters.model !== undefined) conditions.add((p) => `model = ${p}`, filters.model);
  if (filters.odoo !== undefined) {
    conditions.add((p) => `((system1 = '${EXTERNAL_SYSTEM}' and system2 = '${ODOO_SYSTEM}') = ${p})`, filters.odoo);
  }
  if (filters.date_from !== undefined) conditions.add((p) => `date >= ${p}::timestamptz`, filters.date_from);
  if (filters.date_to !== undefined) conditions.add((p) => `date <= ${p}::timestamptz`, filters.date_to);
  const where = conditions.where();
  const filterValues = [...conditions.values];
  const after = decodeCursor(page.cursor, ['number']);
  if (after) conditions.add((p) => `id < ${p}`, after[0]);
  const [items, count] = await Promise.all([
    db.query(
      `select ${linkColumns} from sync_studio.link ${conditions.where()} order by id desc limit ${page.limit + 1}`,
      conditions.values,
    ),
    db.query(`select count(*)::int as total from sync_studio.link ${where}`, filterValues),
  ]);
  return { ...pageOf(items.rows.map(toLinkRow), page.limit, (row) => [row.id]), total: count.rows[0].total as number };
}
