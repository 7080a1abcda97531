/**
 * Matching: which records of a folded change start which trigger. The kind picks created,
 * written or deleted records; watched fields keep the writes where one of them changed value;
 * the before-update domain is checked on the old values, the apply-on domain on the records as
 * they are now (deleted ones: as they were) — in SQL when simple, else by Odoo itself
 * (`search([['id', 'in', ids]] + domain)`, archived records included, as Odoo's automation does).
 */
import type { Queryable } from '../../db/index.js';
import type { OdooClient } from '../../odoo/index.js';
import { readPythonLiteral } from '../../projects/xml/python-literal.js';
import type { StoredField } from './catalog.js';
import { compileDomain, quoteIdent } from './domain.js';
import type { Row, TableChange } from './folding.js';

export interface DbTriggerRow {
  id: number;
  trigger_name: string;
  model: string;
  kind: 'on_create' | 'on_write' | 'on_create_or_write' | 'on_unlink' | 'on_time';
  filter_domain: string;
  filter_pre_domain: string;
  watched_fields: string[];
}

/** The record ids of `change` that start `trigger`, in the change's order. */
export async function matchChange(
  db: Queryable,
  odoo: OdooClient | undefined,
  trigger: DbTriggerRow,
  change: TableChange,
  fields: readonly StoredField[],
): Promise<number[]> {
  if (trigger.kind === 'on_unlink') {
    return filterRows(
      db,
      change.table,
      fields,
      trigger.filter_domain,
      [...change.deleted].map(([id, row]) => row ?? { id }),
    );
  }
  const creates = trigger.kind === 'on_create' || trigger.kind === 'on_create_or_write' ? change.created : [];
  let writes: number[] = [];
  if (trigger.kind === 'on_write' || trigger.kind === 'on_create_or_write') {
    const watched = trigger.watched_fields;
    writes = [...change.written]
      .filter(([, changed]) => watched.length === 0 || changed === null || watched.some((f) => changed.has(f)))
      .map(([id]) => id);
    if (writes.length > 0 && trigger.filter_pre_domain.trim() !== '') {
      const allowed = new Set(
        await filterRows(
          db,
          change.table,
          fields,
          trigger.filter_pre_domain,
          writes.map((id) => change.before.get(id) ?? { id }),
        ),
      );
      writes = writes.filter((id) => allowed.has(id));
    }
  }
  const candidates = [...creates, ...writes];
  if (candidates.length === 0 || trigger.filter_domain.trim() === '') return candidates;
  const compiled = compileDomain(trigger.filter_domain, fields);
  let kept: number[];
  if (compiled) {
    const params: unknown[] = [candidates];
    const { rows } = await db.query<{ id: number }>(
      `select t.id from ${quoteIdent(change.table)} t where t.id = any($1::int[]) and ${compiled.toSql('t', params)}`,
      params,
    );
    kept = rows.map((r) => r.id);
  } else {
    if (!odoo) throw new Error(`the apply-on domain of ${trigger.trigger_name} needs Odoo to evaluate it: set ODOO_URL`);
    kept = await odoo.executeKw<number[]>(
      trigger.model,
      'search',
      [[['id', 'in', candidates], ...(readPythonLiteral(trigger.filter_domain) as unknown[])]],
      {
        context: { active_test: false },
      },
    );
  }
  const keep = new Set(kept);
  return candidates.filter((id) => keep.has(id));
}

/** The ids of `rows` (values as captured) that satisfy a simple domain. */
async function filterRows(db: Queryable, table: string, fields: readonly StoredField[], domain: string, rows: Row[]): Promise<number[]> {
  if (rows.length === 0 || domain.trim() === '') return rows.map((row) => Number(row.id));
  const compiled = compileDomain(domain, fields);
  if (!compiled) throw new Error(`domain ${domain} is not simple enough to check on captured values`);
  const params: unknown[] = [JSON.stringify(rows)];
  const { rows: kept } = await db.query<{ id: number }>(
    `select r.id from jsonb_populate_recordset(null::${quoteIdent(table)}, $1::jsonb) r where ${compiled.toSql('r', params)}`,
    params,
  );
  return kept.map((r) => r.id);
}
