-- DB triggers (docs/decisions/016): the listeners' wake-up flags, retention of processed outbox rows,
-- and the Odoo user behind each captured statement.
--
-- * One row per running sidecar's listener. The pg triggers installed on Odoo's tables send a
--   NOTIFY only while some row says `notify` (the listener is idle, or always-notify is set):
--   a notifying commit takes a database-wide lock, so a busy listener polls instead.
-- * Processed outbox rows are pruned by age (BRIN on created_at: append-only, nearly free).
create table sync_studio.db_listener (
  instance_id integer primary key,
  notify boolean not null default false,
  started_at timestamptz not null default now()
);

create index db_event_created_at_brin on sync_studio.db_event using brin (created_at);

-- A DB trigger's latest jobs (GET /api/triggers/db/:id/events).
create index job_db_trigger_idx on sync_studio.job (trigger_id, id) where trigger_kind = 'db';
