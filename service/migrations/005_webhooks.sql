-- Webhooks out: merchants' subscriptions, the events the platform emits to them, one delivery per
-- (event, subscription) and every attempt to post it. Tenant tables use the same row-level
-- security as the others (app.org_id, set per transaction).

create table webhook_subscriptions (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organisations (id) on delete cascade,
    url text not null check (url like 'https://%'),
    event_types text[] not null check (cardinality(event_types) > 0),
    -- Shown to the merchant once, at creation; the platform needs it to sign every delivery.
    secret text not null,
    created_at timestamptz not null default now()
);
create index webhook_subscriptions_org_idx on webhook_subscriptions (org_id);

create table webhook_events (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organisations (id) on delete cascade,
    event_type text not null,
    -- Exactly the JSON every delivery of it posts (and signs), byte for byte.
    body text not null,
    created_at timestamptz not null default now()
);

create table webhook_deliveries (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organisations (id) on delete cascade,
    event_id uuid not null references webhook_events (id) on delete cascade,
    subscription_id uuid not null references webhook_subscriptions (id) on delete cascade,
    status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts integer not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz,
    created_at timestamptz not null default now(),
    unique (event_id, subscription_id),
    -- Only a pending delivery has a next attempt.
    constraint webhook_deliveries_next check ((status = 'pending') = (next_attempt_at is not null))
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at)
    where status = 'pending';
create index webhook_deliveries_subscription_idx on webhook_deliveries (subscription_id);

create table webhook_attempts (
    id bigint generated always as identity primary key,
    org_id uuid not null references organisations (id) on delete cascade,
    delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
    attempted_at timestamptz not null,
    status_code integer,
    answer text not null
);
create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, id);

alter table webhook_subscriptions enable row level security;
alter table webhook_events enable row level security;
alter table webhook_deliveries enable row level security;
alter table webhook_attempts enable row level security;

create policy webhook_subscriptions_tenant on webhook_subscriptions
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy webhook_events_tenant on webhook_events
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy webhook_deliveries_tenant on webhook_deliveries
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy webhook_attempts_tenant on webhook_attempts
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);

-- The delivery worker serves every merchant. This function (running as the schema owner) claims
-- the next due delivery, optionally among some organisations only, and says whose it is, nothing
-- more. The row stays locked until the caller's transaction ends, and rows another worker holds
-- are skipped: two workers at once never take the same delivery.
create function claim_due_webhook_delivery(p_now timestamptz, p_org_ids uuid[])
returns table (delivery_id uuid, org_id uuid)
language sql volatile security definer
set search_path = public, pg_temp
as $$
    select d.id, d.org_id from webhook_deliveries d
    where d.status = 'pending' and d.next_attempt_at <= p_now
      and (p_org_ids is null or d.org_id = any (p_org_ids))
    order by d.next_attempt_at, d.id
    limit 1
    for update skip locked
$$;
revoke all on function claim_due_webhook_delivery(timestamptz, uuid[]) from public;
