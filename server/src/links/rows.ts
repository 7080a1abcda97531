/** The shape of a link as it leaves this module (JSON-safe: the date is an ISO string). */

export const ODOO_SYSTEM = '__odoo__';
export const EXTERNAL_SYSTEM = '__external__';

export interface LinkRow {
  id: number;
  relation: string;
  system1: string;
  ref1: string;
  system2: string;
  ref2: string;
  /** The Odoo model for Odoo links; null for external links. */
  model: string | null;
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
