/**
 * The outbox: claiming events a whole transaction at a time, the listeners' wake-up flags,
 * retention and the figures /metrics shows.
 *
 * Capture appends to `sync_studio.capture_inbox`, which has no index to maintain (each row is
 * written inside an Odoo writer's transaction). A claim first moves that inbox, whole, into
 * `sync_studio.db_event` (indexed, so a claim stays cheap however long the backlog): one mover at a
 * time, so the events of one Odoo transaction, which become visible together, are moved together.
 * A claim then moves its events to `sync_studio.db_event_processed`, kept for the API's last
 * events and pruned by age.
 * A claim takes, in the claimer's transaction, an advisory lock per writer transaction id (so two
 * sidecars never split one Odoo transaction, whose events must be folded together) and the rows
 * with `FOR UPDATE SKIP LOCKED`, and moves them; the jobs they start are written in the same
 * transaction, so a crash before the commit leaves the events for the next claim and a commit
 * leaves both: every event is handled exactly once.
 */
import type { Pool, PoolClient, Queryable } from '../../db/index.js';

const EVENT_FIELDS = 'table_name, operation, txid, ids, changed_columns, row_changes, old_values, created_at';
const EVENT_COLUMNS = `id, ${EVENT_FIELDS}`;
/** A `capture_inbox` row as `EVENT_FIELDS`: its `source` is the table, the operation, then the compared columns. */
const INBOX_FIELDS = `source[1] as table_name, source[2] as operation, txid, ids, nullif(source[3:], '{}') as changed_columns, row_changes, old_values, created_at`;

export interface DbEvent {
  id: number;
  table_name: string;
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  txid: string;
  ids: number[];
  changed_columns: string[] | null;
  /** Per id, bit i: the ith of `changed_columns` changed in that row (null: each changed all of them). */
  row_changes: string[] | null;
  old_values: Record<string, unknown>[] | null;
  created_at: Date;
}

/**
 * Moves the inbox into the outbox, unless another sidecar is moving it (then it has what that one
 * moved). `capture_inbox` rows are numbered here, in the order they were written; `db_inbox` is
 * where functions generated before migration 000012 append, with their ids, until regenerated.
 */
const MOVE_INBOX = `with legacy as (
    delete from sync_studio.db_inbox where pg_try_advisory_xact_lock(hashtext('sync_studio.db_inbox'), 0)
    returning ${EVENT_COLUMNS}),
  captured as (
    delete from sync_studio.capture_inbox where pg_try_advisory_xact_lock(hashtext('sync_studio.db_inbox'), 0)
    returning position, ${INBOX_FIELDS}),
  moved_legacy as (
    insert into sync_studio.db_event (${EVENT_COLUMNS}) select ${EVENT_COLUMNS} from legacy)
  insert into sync_studio.db_event (${EVENT_COLUMNS})
  select nextval('sync_studio.db_event_id_seq'), ${EVENT_FIELDS} from captured order by position`;

/** Claims the waiting events of up to `limit` events' writer transactions (all events of each): one round trip. */
export async function claimEvents(db: PoolClient, limit: number): Promise<DbEvent[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`claim limit must be a positive integer, got ${limit}`);
  // Two statements in one query (no parameters allowed there, hence the checked integer).
  const results = (await db.query(
    `${MOVE_INBOX};
     with transactions as materialized (
       select distinct txid from (
         select txid from sync_studio.db_event
          where pg_try_advisory_xact_lock(hashtext('sync_studio.db_event'), (txid % 2147483647)::int)
          order by id limit ${limit}) claimable),
     claimed as (
       delete from sync_studio.db_event
        where id in (select e.id from sync_studio.db_event e join transactions t on t.txid = e.txid for update of e skip locked)
        returning ${EVENT_COLUMNS})
     insert into sync_studio.db_event_processed (${EVENT_COLUMNS}) select ${EVENT_COLUMNS} from claimed
     returning id, table_name, operation, txid::text, ids::int[], changed_columns, row_changes, old_values, created_at`,
  )) as unknown as { rows: DbEvent[] }[];
  return results[1]!.rows.sort((a, b) => a.id - b.id);
}

/**
 * Says whether the pg triggers should NOTIFY this listener (idle) or not (busy, or poll-only).
 * The writers read the number of listeners asking, `db_notify`, with one function call: it is set
 * from `db_listener` after each change, one listener at a time.
 */
export async function setNotify(pool: Pool, instanceId: number, notify: boolean): Promise<void> {
  await changeListeners(
    pool,
    `insert into sync_studio.db_listener (instance_id, notify) values (${listenerId(instanceId)}, ${notify})
     on conflict (instance_id) do update set notify = excluded.notify where sync_studio.db_listener.notify is distinct from excluded.notify`,
  );
}

export async function removeListener(pool: Pool, instanceId: number): Promise<void> {
  await changeListeners(pool, `delete from sync_studio.db_listener where instance_id = ${listenerId(instanceId)}`);
}

function listenerId(instanceId: number): number {
  if (!Number.isSafeInteger(instanceId)) throw new RangeError(`listener instance id must be an integer, got ${instanceId}`);
  return instanceId;
}

/**
 * One round trip: the statements of one query run as one transaction (so the lock is held to the
 * end), each seeing what committed before it. Such a query takes no parameters: `change` may hold
 * checked integers and booleans only.
 */
async function changeListeners(pool: Pool, change: string): Promise<void> {
  await pool.query(
    `select pg_advisory_xact_lock(hashtext('sync_studio.db_listener'), 0);
     ${change};
     select setval('sync_studio.db_notify', (select count(*) from sync_studio.db_listener where notify))`,
  );
}

/**
 * The writer transactions running now (those with a transaction id: every one that captured
 * something has one), as txids. Read by a listener right after its flag turned on: a transaction
 * among them may have read the flag off and so will not notify when it commits.
 */
export async function runningWriters(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ txids: string[] }>(
    `select array(select x::text from txid_snapshot_xip(txid_current_snapshot()) x) as txids`,
  );
  return rows[0]!.txids;
}

/** Those of `txids` still running (neither committed nor rolled back). */
export async function stillRunning(db: Queryable, txids: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ txids: string[] }>(
    `select array(select x::text from unnest($1::bigint[]) x where txid_status(x) = 'in progress') as txids`,
    [txids],
  );
  return rows[0]!.txids;
}

/** Listener rows of sidecars that are gone (their instance lock is free): their flags would make writers notify nobody. */
export async function removeDeadListeners(pool: Pool, isDead: (instanceId: number) => Promise<boolean>): Promise<void> {
  const { rows } = await pool.query<{ instance_id: number }>('select instance_id from sync_studio.db_listener');
  for (const { instance_id } of rows) if (await isDead(instance_id)) await removeListener(pool, instance_id);
}

/** Deletes processed events older than `before`. */
export async function pruneEvents(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('delete from sync_studio.db_event_processed where created_at < $1', [before]);
  return rowCount ?? 0;
}

const OUTBOX_TABLES = ['sync_studio.capture_inbox', 'sync_studio.db_inbox', 'sync_studio.db_event', 'sync_studio.db_event_processed'];

export interface OutboxStats {
  pending: number;
  /** Age of the oldest unprocessed event, in seconds (0 when none). */
  lagSeconds: number;
  rows: number;
  bytes: number;
}

export async function outboxStats(db: Queryable): Promise<OutboxStats> {
  const { rows } = await db.query<{ pending: number; lag: number; rows: number; bytes: number }>(
    `with waiting as (
       select created_at from sync_studio.capture_inbox
       union all select created_at from sync_studio.db_inbox
       union all select created_at from sync_studio.db_event)
     select (select count(*)::int from waiting) as pending,
            coalesce(extract(epoch from now() - (select min(created_at) from waiting)), 0)::float8 as lag,
            (select sum(greatest(reltuples, 0)) from pg_class where oid = any($1::regclass[]))::float8 as rows,
            (select sum(pg_total_relation_size(t)) from unnest($1::regclass[]) t)::float8 as bytes`,
    [OUTBOX_TABLES],
  );
  const row = rows[0]!;
  return { pending: row.pending, lagSeconds: row.lag, rows: row.rows, bytes: row.bytes };
}

export interface RecentEvent {
  /** Null while the event waits in the inbox (events are numbered when moved to the outbox). */
  id: number | null;
  operation: string;
  txid: string;
  record_count: number;
  ids: number[];
  changed_columns: string[] | null;
  created_at: Date;
  processed_at: Date | null;
}

/** The latest events captured on `table` (newest first; at most 100 ids each). */
export async function recentEvents(db: Queryable, table: string, limit: number): Promise<RecentEvent[]> {
  // Events still in the inbox have no id yet: they come first, newest first.
  const { rows } = await db.query<RecentEvent>(
    `select id, operation, txid, record_count, ids, changed_columns, created_at, processed_at from (
       (select null::bigint as id, position, operation, txid::text, cardinality(ids) as record_count, ids[1:100]::int[] as ids,
               changed_columns, created_at, null::timestamptz as processed_at
          from (select position, ${INBOX_FIELDS} from sync_studio.capture_inbox) inbox where table_name = $1 order by position desc limit $2)
       union all
       (select id, null, operation, txid::text, cardinality(ids), ids[1:100]::int[], changed_columns, created_at, null::timestamptz
          from sync_studio.db_inbox where table_name = $1 order by id desc limit $2)
       union all
       (select id, null, operation, txid::text, cardinality(ids), ids[1:100]::int[], changed_columns, created_at, null::timestamptz
          from sync_studio.db_event where table_name = $1 order by id desc limit $2)
       union all
       (select id, null, operation, txid::text, cardinality(ids), ids[1:100]::int[], changed_columns, created_at, processed_at
          from sync_studio.db_event_processed where table_name = $1 order by id desc limit $2)) latest
     order by id desc nulls first, position desc limit $2`,
    [table, limit],
  );
  return rows;
}
