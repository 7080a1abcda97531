-- Hardening (issue 15).
--
-- Webhook replies: handler-set redirect and CORS headers (Location, Refresh,
-- Access-Control-*) are dropped unless the webhook opts in.
alter table sync_studio.trigger_webhook add column allow_redirect_and_cors boolean not null default false;

-- Secret ciphertexts bound to their row: version 2 ciphertexts carry (project id, key) as AES-GCM
-- additional data, so a value moved to another row no longer decrypts. Existing rows are version
-- 1 (a fixed label as additional data) and stay readable; the sidecar re-encrypts them as version 2
-- at start, right after this migration (secrets/binding.ts: SQL cannot, the key is not in the
-- database).
alter table sync_studio.project_secret add column cipher_version smallint not null default 1 check (cipher_version in (1, 2));
