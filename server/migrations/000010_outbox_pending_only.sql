-- The outbox holds only what waits (docs/decisions/016-db-triggers.md, "Outbox and wake-up").
--
-- Every row in `db_event` is written inside an Odoo writer's transaction, so each thing the insert
-- has to maintain costs every captured statement: the check constraint on `operation` (its
-- expression is rebuilt at each statement's executor start, about 14 µs), the partial index of
-- unprocessed events and the BRIN on created_at (about 7 µs together). `db_event` is now a queue
-- with its primary key only; a claim moves its events to `db_event_processed`, which keeps them
-- for the API's last events and is pruned by age.
-- Odoo's writers insert into db_event: the index and column drops below need its exclusive lock,
-- and while they wait for it every new Odoo writer waits behind them. Waiting at most 5 s, once,
-- at this upgrade; past that the migration fails, the sidecar says so, and its next start tries again.
set local lock_timeout = '5s';

create table sync_studio.db_event_processed (
  id bigint primary key,
  table_name text not null,
  operation text not null,
  txid bigint not null,
  ids bigint[] not null,
  changed_columns text[],
  old_values jsonb,
  created_at timestamptz not null,
  processed_at timestamptz not null default now()
);
create index db_event_processed_table_idx on sync_studio.db_event_processed (table_name, id);
create index db_event_processed_created_at_brin on sync_studio.db_event_processed using brin (created_at);

insert into sync_studio.db_event_processed (id, table_name, operation, txid, ids, changed_columns, old_values, created_at, processed_at)
select id, table_name, operation, txid, ids, changed_columns, old_values, created_at, processed_at
  from sync_studio.db_event where processed_at is not null;
delete from sync_studio.db_event where processed_at is not null;

drop index sync_studio.db_event_created_at_brin;
drop index if exists sync_studio.db_event_id_idx;
alter table sync_studio.db_event drop constraint if exists db_event_operation_check;
alter table sync_studio.db_event drop column processed_at;
