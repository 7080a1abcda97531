/** Folding of captured events into what an Odoo user expects, event by event (no database). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldEvents } from '../../server/src/triggers/db/folding.js';
import type { DbEvent } from '../../server/src/triggers/db/outbox.js';

let nextId = 1;
function event(operation: DbEvent['operation'], ids: number[], extra: Partial<DbEvent> = {}): DbEvent {
  return {
    id: nextId++,
    table_name: 'res_partner',
    operation,
    txid: '100',
    ids,
    changed_columns: null,
    row_changes: null,
    old_values: null,
    created_at: new Date(0),
    ...extra,
  };
}

test('per-row changes say which compared columns each record changed; written records come in id order', () => {
  const [change] = foldEvents([
    event('INSERT', [5]),
    event('UPDATE', [9, 3, 5], { changed_columns: ['email', 'name'], row_changes: ['1', '2', '3'] }),
    event('UPDATE', [3], { changed_columns: ['email', 'name'], row_changes: ['1'] }),
  ]);
  assert.deepEqual(change!.created, [5], 'the UPDATE of a record created in the transaction is part of its create');
  assert.deepEqual(
    [...change!.written].map(([id, columns]) => [id, columns && [...columns].sort()]),
    [
      [3, ['email', 'name']],
      [9, ['email']],
    ],
  );
});

test('without per-row changes, each listed record changed the listed columns; without columns, changes were not compared', () => {
  const [change] = foldEvents([event('UPDATE', [4, 2], { changed_columns: ['email'] }), event('UPDATE', [7])]);
  assert.deepEqual(
    [...change!.written].map(([id, columns]) => [id, columns && [...columns]]),
    [
      [2, ['email']],
      [4, ['email']],
      [7, null],
    ],
  );
});
