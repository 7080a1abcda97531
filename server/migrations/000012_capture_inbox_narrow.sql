-- Capture appends a narrower row (docs/decisions/016-db-triggers.md, "Outbox and wake-up").
--
-- Each column of the inbox costs every captured statement of an Odoo writer about 1.4 k
-- instructions whether or not it is given a value (the INSERT's projection and tuple descriptor
-- are built at every executor start), and the `nextval` of the event id about 4 k more
-- (docs/benchmarks/db-triggers.md, fourth pass). `capture_inbox` has seven columns instead of nine:
-- - `source`: the table, the operation, then the compared columns (`changed_columns`), one
--   constant array per generated branch instead of three columns;
-- - `position`: the WAL insert position when the row was written, in place of a sequence. Every
--   inbox row writes WAL, so the rows of one writer transaction have increasing positions, in the
--   order of its statements; the mover numbers the events (the `db_event_id_seq` ids) in that order.
--
-- Capture functions generated before this migration keep appending to `db_inbox` until the
-- sidecar regenerates them at its start; the mover drains both.
create table sync_studio.capture_inbox (
  position pg_lsn not null default pg_current_wal_insert_lsn(),
  txid bigint not null default txid_current(),
  source text[] not null,
  ids bigint[] not null,
  row_changes bigint[],
  old_values jsonb,
  created_at timestamptz not null default now()
) with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, vacuum_truncate = false);
-- (The storage settings of db_inbox, for the same reasons: emptied by the mover within moments,
-- never truncated by a vacuum, whose exclusive lock Odoo's writers would wait for.)
