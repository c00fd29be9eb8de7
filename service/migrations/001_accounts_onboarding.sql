-- Accounts, tenancy and onboarding. Every tenant table is protected by row-level security
-- keyed on the organisation the service sets per transaction (app.org_id).

create table organisations (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    business_name text,
    category text,
    onboarding_completed_at timestamptz,
    created_at timestamptz not null default now()
);

create table users (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organisations (id) on delete cascade,
    email text not null,
    password_hash text not null,
    role text not null check (role in ('owner', 'admin', 'viewer')),
    created_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));
create index users_org_id_idx on users (org_id);

create table onboarding_events (
    id bigint generated always as identity primary key,
    org_id uuid not null references organisations (id) on delete cascade,
    event_name text not null check (event_name in (
        'wizard_started', 'step_viewed', 'step_completed',
        'payment_viewed', 'payment_succeeded', 'wizard_completed')),
    step_index smallint not null check (step_index between 0 and 4),
    created_at timestamptz not null default now()
);
create index onboarding_events_org_created_idx on onboarding_events (org_id, created_at);

alter table organisations enable row level security;
alter table users enable row level security;
alter table onboarding_events enable row level security;

create policy organisations_tenant on organisations
    using (id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy users_tenant on users
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy onboarding_events_tenant on onboarding_events
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);

-- Login must find a user by e-mail before any organisation is known. This function runs as its
-- owner (the schema owner, to whom the policies do not apply) and returns only what login needs.
create function find_login_user(p_email text)
returns table (id uuid, org_id uuid, password_hash text, role text)
language sql stable security definer
set search_path = public, pg_temp
as $$
    select u.id, u.org_id, u.password_hash, u.role
    from users u
    where lower(u.email) = lower(p_email)
$$;
revoke all on function find_login_user(text) from public;
