-- Billing: the prepaid wallet, its ledger, top-ups paid by card, the payment provider's events
-- and the dedicated phone number. Money is integer pence. Tenant tables use the same row-level
-- security as the accounts tables (app.org_id, set per transaction).

create table wallets (
    org_id uuid primary key references organisations (id) on delete cascade,
    -- The database itself refuses an overdrawn wallet, whatever the code above it does.
    balance_pence bigint not null default 0 constraint wallets_balance_never_negative
        check (balance_pence >= 0),
    updated_at timestamptz not null default now()
);

create table ledger_entries (
    id bigint generated always as identity primary key,
    org_id uuid not null references organisations (id) on delete cascade,
    kind text not null check (kind in ('top_up', 'charge', 'refund', 'bonus')),
    amount_pence bigint not null,
    description text not null,
    reference text,
    created_at timestamptz not null default clock_timestamp(),
    -- Money in is positive, money out is negative, and nothing is zero.
    constraint ledger_entries_sign check (
        (kind = 'charge' and amount_pence < 0) or (kind <> 'charge' and amount_pence > 0))
);
create index ledger_entries_org_order_idx on ledger_entries (org_id, created_at desc, id desc);

create table top_ups (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organisations (id) on delete cascade,
    amount_pence integer not null check (amount_pence > 0),
    provider_idempotency_key text not null unique,
    payment_intent_id text unique,
    status text not null default 'creating'
        check (status in ('creating', 'awaiting_payment', 'succeeded', 'failed')),
    created_at timestamptz not null default now(),
    credited_at timestamptz
);

-- Events from the payment provider, one row per event id: the database half of "each event is
-- processed once" (Redis holds the other half). It holds no merchant's data (the event's effect
-- is in that merchant's tables), so it needs no row-level security.
create table payment_events (
    event_id text primary key,
    event_type text not null,
    received_at timestamptz not null default now()
);

create table phone_numbers (
    org_id uuid primary key references organisations (id) on delete cascade,
    e164 text not null unique check (e164 ~ '^\+[1-9][0-9]{7,14}$'),
    provider_reference text not null,
    created_at timestamptz not null default now()
);

alter table wallets enable row level security;
alter table ledger_entries enable row level security;
alter table top_ups enable row level security;
alter table phone_numbers enable row level security;

create policy wallets_tenant on wallets
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy ledger_entries_tenant on ledger_entries
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy top_ups_tenant on top_ups
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy phone_numbers_tenant on phone_numbers
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);

-- A provider event names a payment intent, not a merchant. This function (running as the schema
-- owner) says which merchant's top-up a payment intent belongs to, and nothing more.
create function find_top_up_owner(p_payment_intent_id text)
returns table (top_up_id uuid, org_id uuid)
language sql stable security definer
set search_path = public, pg_temp
as $$
    select t.id, t.org_id from top_ups t where t.payment_intent_id = p_payment_intent_id
$$;
revoke all on function find_top_up_owner(text) from public;
