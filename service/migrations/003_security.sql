-- Security and money safety (issue 14).

-- A top-up's final state follows the provider events' own creation times: the creation time of
-- the newest "payment failed" event applied to it, so that a newer "payment succeeded" (the
-- customer tried another card on the same payment) still credits it, and an older one does not.
alter table top_ups add column failed_by_event_at timestamptz;

-- Idempotency keys: a client's Idempotency-Key on a money-moving request, per merchant. The
-- first answer is kept for 24 hours and given again for the same key and the same request; the
-- same key with another request is refused. `answered_at` is null while the first request runs.
create table idempotent_requests (
    org_id uuid not null references organisations (id) on delete cascade,
    key text not null,
    fingerprint text not null,
    status_code integer,
    body jsonb,
    created_at timestamptz not null default now(),
    answered_at timestamptz,
    primary key (org_id, key)
);
alter table idempotent_requests enable row level security;
create policy idempotent_requests_tenant on idempotent_requests
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
