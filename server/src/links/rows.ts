/**
 * Link rows as they leave this module. Their shape and the `__odoo__`/`__external__` system names
 * are the sandbox's message contract (task code receives these rows), so they are defined there.
 */
import type { LinkRow } from '../sandbox/protocol.js';

export { EXTERNAL_SYSTEM, ODOO_SYSTEM, type LinkOpResult, type LinkOpResults, type LinkPair, type LinkRow } from '../sandbox/protocol.js';

export const linkColumns = 'id, relation, system1, ref1, system2, ref2, model, date';

interface DbLinkRow extends Omit<LinkRow, 'date'> {
  date: Date;
}

export function toLinkRow(row: DbLinkRow): LinkRow {
  return { ...row, date: row.date.toISOString() };
}
