-- Job history is written on every webhook request and every job (several log rows each), so its
-- write cost is the sidecar's throughput (docs/decisions/014). Measured with pgbench on the
-- statements of one webhook request (2 cores, synchronous_commit off): 2,700 → 4,400 requests/s.
--
-- * Log lines and journal entries no longer take a key-share lock on their project, task and
--   webhook rows: with foreign keys every concurrent insert locked the same parent row (a
--   multixact each time). Their job_id keys stay, so deleting a job (retention, a task or project)
--   still takes its lines and unlinks its journal entries; the lines and journal entries of a
--   deleted project, task or webhook that belong to no job are deleted by the store
--   (projects/store.ts), in the same transaction.
-- * Time columns that only serve range scans (retention, "from … to" filters) get BRIN indexes,
--   nearly free to maintain on append-only tables, instead of B-trees.
-- * Most jobs have no parent: the parent index only holds sub-jobs.
-- * The panel lists a project's or a task's jobs and lines newest first by id: indexes on (owner,
--   id) read just the page shown, where (owner, created_at) made PostgreSQL sort all of the
--   owner's rows first. Same write cost.
alter table sync_studio.log drop constraint log_project_id_fkey, drop constraint log_task_id_fkey;
alter table sync_studio.webhook_request drop constraint webhook_request_trigger_id_fkey;

drop index sync_studio.log_created_at_idx;
create index log_created_at_brin on sync_studio.log using brin (created_at);
drop index sync_studio.job_created_at_idx;
create index job_created_at_brin on sync_studio.job using brin (created_at);
drop index sync_studio.webhook_request_received_at_idx;
create index webhook_request_received_at_brin on sync_studio.webhook_request using brin (received_at);

drop index sync_studio.job_parent_job_id_idx;
create index job_parent_job_id_idx on sync_studio.job (parent_job_id) where parent_job_id is not null;

drop index sync_studio.log_project_id_created_at_idx;
create index log_project_id_id_idx on sync_studio.log (project_id, id);
drop index sync_studio.job_project_id_created_at_idx;
create index job_project_id_id_idx on sync_studio.job (project_id, id);
drop index sync_studio.job_task_id_created_at_idx;
create index job_task_id_id_idx on sync_studio.job (task_id, id);
