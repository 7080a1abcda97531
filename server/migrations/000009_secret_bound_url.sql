-- Secrets bound to their destination (docs/decisions/021-secret-handles.md): task code never sees a
-- secret's value, only an opaque handle (`secret('KEY')`) that the sidecar expands in an `http`
-- request going to a URL that starts with `bound_url`, and refuses for any other destination.
-- Null: the secret is for plugins only and no handle of it is ever expanded.
alter table sync_studio.project_secret add column bound_url text;
