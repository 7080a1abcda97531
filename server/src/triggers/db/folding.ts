/**
 * Folding: the events of one Odoo transaction on one table, read the way an Odoo user expects.
 * Odoo creates a record with an INSERT followed by UPDATEs of its computed fields: that is one
 * create. A record created and deleted in the same transaction did not happen. A record written
 * and then deleted was deleted. Several writes are one write whose changed columns are all of
 * theirs, with the old values from before the first one.
 */
import type { DbEvent } from './outbox.js';

export type Row = Record<string, unknown>;

export interface TableChange {
  table: string;
  txid: string;
  created: number[];
  /** Written records (not created in the transaction) and the columns that changed (null: not compared). */
  written: Map<number, Set<string> | null>;
  /** Old values of written records, from before the transaction's first UPDATE (columns read by before-update domains). */
  before: Map<number, Row>;
  /** Deleted records (not created in the transaction) and their last values, when captured. */
  deleted: Map<number, Row | undefined>;
}

function rowsById(rows: readonly Row[] | null): Map<number, Row> {
  return new Map((rows ?? []).map((row) => [Number(row.id), row]));
}

/** The columns an UPDATE event says its `index`th row changed (null: not compared). */
function changedColumns(event: DbEvent, index: number): string[] | null {
  const columns = event.changed_columns;
  const bits = event.row_changes?.[index];
  if (!columns || bits === undefined) return columns;
  const mask = BigInt(bits);
  return columns.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 1n);
}

/** Folds claimed events (any order) into one change per (transaction, table), in first-event order. */
export function foldEvents(events: readonly DbEvent[]): TableChange[] {
  const changes = new Map<string, TableChange & { createdSet: Set<number> }>();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    const key = `${event.txid}:${event.table_name}`;
    let change = changes.get(key);
    if (!change) {
      change = {
        table: event.table_name,
        txid: event.txid,
        created: [],
        createdSet: new Set(),
        written: new Map(),
        before: new Map(),
        deleted: new Map(),
      };
      changes.set(key, change);
    }
    if (event.operation === 'INSERT') {
      for (const id of event.ids) change.createdSet.add(id);
    } else if (event.operation === 'UPDATE') {
      const old = rowsById(event.old_values);
      for (const [index, id] of event.ids.entries()) {
        if (change.createdSet.has(id)) continue;
        const columns = changedColumns(event, index);
        const seen = change.written.get(id);
        if (seen === undefined) {
          change.written.set(id, columns && new Set(columns));
          const row = old.get(id);
          if (row) change.before.set(id, row);
        } else if (seen !== null) {
          for (const column of columns ?? []) seen.add(column);
        }
      }
    } else {
      const old = rowsById(event.old_values);
      for (const id of event.ids) {
        change.written.delete(id);
        change.before.delete(id);
        if (change.createdSet.delete(id)) continue;
        change.deleted.set(id, old.get(id));
      }
    }
  }
  // Written records in id order, as the record set of an Odoo write (capture gives an UPDATE's rows in no particular order).
  return [...changes.values()].map(({ createdSet, written, ...change }) => ({
    ...change,
    created: [...createdSet],
    written: new Map([...written].sort(([a], [b]) => a - b)),
  }));
}
