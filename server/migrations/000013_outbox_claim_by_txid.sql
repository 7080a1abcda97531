-- A claim finds the events of the writer transactions it took by their `txid`
-- (triggers/db/outbox.ts). With the primary key as db_event's only index, every claim read the
-- whole outbox to find them: about 150 ms per claim of 500 events behind a backlog of 300,000,
-- so a sidecar catching up after a downtime drained about 1,700 events/s, slower the longer the
-- backlog, and new changes waited behind it. With this index a claim reads only its events
-- (5 ms on the same backlog).
--
-- Odoo's writers no longer insert into db_event (capture appends to capture_inbox; the claim's
-- mover fills db_event), so the index costs their transactions nothing. A capture function
-- generated before migration 000011 would still insert here until the sidecar regenerates it at
-- its start, right after the migrations: the index build holds back such inserts for the moments
-- it takes on an outbox that is normally near empty. As in 000010, the lock is waited for at most
-- 5 s; past that the migration fails, the sidecar says so, and its next start tries again.
set local lock_timeout = '5s';

create index db_event_txid_idx on sync_studio.db_event (txid);
