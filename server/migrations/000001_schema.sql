-- Sync Studio store: projects, their parameters and tasks, the four trigger kinds, jobs, logs,
-- links, the webhook journal and the DB-event outbox. Append-only: never edit a shipped migration.

create table sync_studio.setting (
  key text primary key,
  value text not null
);

create table sync_studio.project (
  id bigserial primary key,
  xml_id text unique,
  name text not null,
  active boolean not null default false,
  common_code text not null default '',
  eval_contexts text[] not null default '{}',
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table sync_studio.project_param (
  id bigserial primary key,
  xml_id text unique,
  project_id bigint not null references sync_studio.project on delete cascade,
  key text not null,
  value text,
  description text not null default '',
  url text not null default '',
  unique (project_id, key)
);

-- Texts are translatable: value maps an Odoo language code (en_US, fr_FR, ...) to the text.
create table sync_studio.project_text (
  id bigserial primary key,
  xml_id text unique,
  project_id bigint not null references sync_studio.project on delete cascade,
  key text not null,
  value jsonb not null default '{}'::jsonb,
  description text not null default '',
  url text not null default '',
  unique (project_id, key)
);

-- value_encrypted: AES-256-GCM, base64 of iv | tag | ciphertext. Never returned to non-admins.
create table sync_studio.project_secret (
  id bigserial primary key,
  xml_id text unique,
  project_id bigint not null references sync_studio.project on delete cascade,
  key text not null,
  value_encrypted text,
  description text not null default '',
  url text not null default '',
  unique (project_id, key)
);

create table sync_studio.task (
  id bigserial primary key,
  xml_id text unique,
  project_id bigint not null references sync_studio.project on delete cascade,
  name text not null,
  code text not null default '',
  active boolean not null default true,
  timeout_seconds real,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index on sync_studio.task (project_id);

create table sync_studio.trigger_cron (
  id bigserial primary key,
  xml_id text unique,
  task_id bigint not null references sync_studio.task on delete cascade,
  trigger_name text not null,
  description text not null default '',
  active boolean not null default true,
  interval_number integer not null default 1 check (interval_number > 0),
  interval_type text not null default 'days' check (interval_type in ('minutes', 'hours', 'days', 'weeks', 'months')),
  nextcall timestamptz not null default now(),
  lastcall timestamptz,
  numbercall integer not null default -1 check (numbercall >= -1),
  odoo_user_id integer
);
create index on sync_studio.trigger_cron (task_id);

create table sync_studio.trigger_db (
  id bigserial primary key,
  xml_id text unique,
  task_id bigint not null references sync_studio.task on delete cascade,
  trigger_name text not null,
  description text not null default '',
  active boolean not null default true,
  model text not null,
  kind text not null check (kind in ('on_create', 'on_write', 'on_create_or_write', 'on_unlink', 'on_time')),
  filter_domain text not null default '',
  filter_pre_domain text not null default '',
  watched_fields text[] not null default '{}',
  date_field text,
  date_range integer,
  date_range_type text check (date_range_type in ('minutes', 'hour', 'day', 'month')),
  last_run timestamptz
);
create index on sync_studio.trigger_db (task_id);
create index on sync_studio.trigger_db (model) where active;

create table sync_studio.trigger_webhook (
  id bigserial primary key,
  xml_id text unique,
  task_id bigint not null references sync_studio.task on delete cascade,
  trigger_name text not null,
  description text not null default '',
  active boolean not null default true,
  kind text not null default 'json' check (kind in ('json', 'http')),
  path uuid not null unique default gen_random_uuid(),
  reply_mode text not null default 'handler' check (reply_mode in ('handler', 'queued')),
  dedup_header text
);
create index on sync_studio.trigger_webhook (task_id);

create table sync_studio.trigger_button (
  id bigserial primary key,
  xml_id text unique,
  task_id bigint not null references sync_studio.task on delete cascade,
  trigger_name text not null,
  description text not null default '',
  active boolean not null default true
);
create index on sync_studio.trigger_button (task_id);

-- One run of a task. trigger_kind/trigger_id name the trigger of a top-level job; sub-jobs have a
-- parent instead. state: pending, started, done, done_warning, failed.
create table sync_studio.job (
  id bigserial primary key,
  project_id bigint not null references sync_studio.project on delete cascade,
  task_id bigint not null references sync_studio.task on delete cascade,
  trigger_kind text check (trigger_kind in ('cron', 'db', 'webhook', 'button')),
  trigger_id bigint,
  trigger_name text not null,
  parent_job_id bigint references sync_studio.job on delete cascade,
  function text not null,
  args jsonb not null default '[]'::jsonb,
  description text,
  identity_key text,
  state text not null default 'pending' check (state in ('pending', 'started', 'done', 'done_warning', 'failed')),
  attempts integer not null default 0,
  max_retries integer not null default 5,
  priority integer not null default 10,
  run_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  result jsonb,
  error text,
  queue_job_id text,
  odoo_user_id integer,
  created_at timestamptz not null default now()
);
create index on sync_studio.job (project_id, created_at desc);
create index on sync_studio.job (task_id, created_at desc);
create index on sync_studio.job (parent_job_id);
create index on sync_studio.job (created_at);
create index on sync_studio.job (state) where state in ('pending', 'started');

create table sync_studio.log (
  id bigserial primary key,
  job_id bigint references sync_studio.job on delete cascade,
  project_id bigint references sync_studio.project on delete cascade,
  task_id bigint references sync_studio.task on delete cascade,
  trigger_kind text,
  trigger_id bigint,
  level text not null check (level in ('debug', 'info', 'warning', 'error', 'critical')),
  type text not null default 'server' check (type in ('server', 'data_out', 'data_in')),
  name text not null default 'Log',
  message text not null,
  created_at timestamptz not null default now()
);
create index on sync_studio.log (job_id, id);
create index on sync_studio.log (project_id, created_at desc);
create index on sync_studio.log (created_at);

-- Links between references in two systems. Odoo links use system1 = '__external__',
-- system2 = '__odoo__' and set model. Uniqueness includes the model, NULL counting as a value.
create table sync_studio.link (
  id bigserial primary key,
  relation text not null,
  system1 text not null,
  ref1 text not null,
  system2 text not null,
  ref2 text not null,
  model text,
  date timestamptz not null default date_trunc('second', now())
);
create unique index link_refs_uniq on sync_studio.link (relation, system1, system2, ref1, ref2, coalesce(model, ''));
create index on sync_studio.link (relation, system1, ref1);
create index on sync_studio.link (relation, system2, ref2);

-- Raw webhook requests, stored before the handler runs, for replay.
create table sync_studio.webhook_request (
  id bigserial primary key,
  trigger_id bigint not null references sync_studio.trigger_webhook on delete cascade,
  method text not null,
  url text not null,
  headers jsonb not null,
  body bytea not null,
  remote_addr text,
  dedup_key text,
  job_id bigint references sync_studio.job on delete set null,
  received_at timestamptz not null default now(),
  unique (trigger_id, dedup_key)
);
create index on sync_studio.webhook_request (received_at);

-- Outbox written by the pg triggers installed on Odoo's tables: one row per statement that
-- touched rows.
create table sync_studio.db_event (
  id bigserial primary key,
  table_name text not null,
  operation text not null check (operation in ('INSERT', 'UPDATE', 'DELETE')),
  txid bigint not null default txid_current(),
  ids bigint[] not null,
  changed_columns text[],
  old_values jsonb,
  created_at timestamptz not null default now(),
  processed_at timestamptz
);
create index on sync_studio.db_event (id) where processed_at is null;
