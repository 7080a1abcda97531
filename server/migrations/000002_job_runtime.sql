-- Job runtime bookkeeping: which sidecar instance runs a job (for recovery after a crash) and
-- whether the job runs through the queue or immediately (webhooks answering from their handler,
-- Run Now).
alter table sync_studio.job add column instance_id integer;
alter table sync_studio.job add column run_mode text not null default 'queued' check (run_mode in ('queued', 'immediate'));
create index on sync_studio.job (identity_key) where identity_key is not null and state = 'pending';
create index on sync_studio.job (instance_id) where state = 'started';
