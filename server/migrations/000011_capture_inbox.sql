-- Capture writes to an inbox with nothing to maintain (docs/decisions/016-db-triggers.md,
-- "Outbox and wake-up").
--
-- Each captured statement of an Odoo writer used to insert into `db_event`, whose primary key
-- costs the writer an index insertion (about 13 µs here), and to read the listeners' wake-up flags
-- with a subquery (about 5 µs). The pg triggers now append to `db_inbox`: a heap without any
-- index, same ids (one sequence), same columns. A claim first moves the whole inbox into
-- `db_event` (one mover at a time, in the claim's transaction), then claims from there as before.
-- The wake-up flag is the sequence `db_notify`: the number of listeners asking for a NOTIFY,
-- read by the writers with one function call and kept equal to `db_listener` by the listeners.
--
-- `row_changes`: which compared columns changed, per row (bit i of row k: the (i+1)th column of
-- `changed_columns` changed in the kth id), when the triggers of the table need it per row.
--
-- Capture functions generated before this migration keep writing to `db_event` until the
-- sidecar regenerates them at its start; the claim reads both.
set local lock_timeout = '5s';

create table sync_studio.db_inbox (
  id bigint not null default nextval('sync_studio.db_event_id_seq'),
  table_name text not null,
  operation text not null,
  txid bigint not null default txid_current(),
  ids bigint[] not null,
  changed_columns text[],
  row_changes bigint[],
  old_values jsonb,
  created_at timestamptz not null default now()
) with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, vacuum_truncate = false);
-- Every row is deleted by the mover within moments: vacuumed after every 1,000, so a claim's scan
-- of the inbox stays a few pages long. A vacuum never truncates the queues: truncating takes the
-- table's exclusive lock, which Odoo's writers would wait for (up to 20 ms at a time).
alter table sync_studio.db_event set (vacuum_truncate = false);

alter table sync_studio.db_event add column row_changes bigint[];
alter table sync_studio.db_event_processed add column row_changes bigint[];

create sequence sync_studio.db_notify minvalue 0;
select setval('sync_studio.db_notify', (select count(*) from sync_studio.db_listener where notify));
