/** The shape of a link as it leaves this module (JSON-safe: the date is an ISO string). */

export const ODOO_SYSTEM = '__odoo__';
export const EXTERNAL_SYSTEM = '__external__';

/** The identity of a link: relation, both sides, and the model (Odoo links) or null (external links). */
export interface LinkPair {
  relation: string;
  system1: string;
  ref1: string;
  system2: string;
  ref2: string;
  model: string | null;
}

export interface LinkRow extends LinkPair {
  id: number;
  /** ISO 8601, UTC. */
  date: string;
}

export const linkColumns = 'id, relation, system1, ref1, system2, ref2, model, date';

interface DbLinkRow extends Omit<LinkRow, 'date'> {
  date: Date;
}

export function toLinkRow(row: DbLinkRow): LinkRow {
  return { ...row, date: row.date.toISOString() };
}
