-- Orders and refunds: products with their stock, orders of one or more items paid by card,
-- and refunds of some or all of an order's units. Money is integer pence. Reservations of stock
-- live in Redis (with a time-to-live), not here. Tenant tables use the same row-level security as
-- the accounts tables (app.org_id, set per transaction).

create table products (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organisations (id) on delete cascade,
    sku text not null,
    name text not null,
    price_pence integer not null check (price_pence > 0),
    -- The database itself refuses to sell more than it holds, whatever the code above it does.
    stock integer not null constraint products_stock_never_negative check (stock >= 0),
    created_at timestamptz not null default now(),
    constraint products_sku_once_per_merchant unique (org_id, sku)
);

-- A merchant's own settings for orders: how long an order may hold its stock while it is paid.
create table order_settings (
    org_id uuid primary key references organisations (id) on delete cascade,
    reservation_ttl_seconds integer not null check (reservation_ttl_seconds between 1 and 900)
);

create table orders (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organisations (id) on delete cascade,
    -- The shop's key for this order request, and a digest of the basket it came with: the same
    -- key returns this order, and the same key with another basket is refused.
    idempotency_key text not null,
    basket_digest text not null,
    status text not null default 'reserving'
        check (status in ('reserving', 'paid', 'failed', 'refunded')),
    failure text check (failure in ('out_of_stock', 'payment_declined', 'provider_unavailable')),
    total_pence integer not null check (total_pence > 0),
    payment_intent_id text,
    created_at timestamptz not null default now(),
    constraint orders_key_once_per_merchant unique (org_id, idempotency_key)
);

create table order_items (
    order_id uuid not null references orders (id) on delete cascade,
    org_id uuid not null references organisations (id) on delete cascade,
    product_id uuid not null references products (id) on delete cascade,
    sku text not null,
    quantity integer not null check (quantity > 0),
    unit_price_pence integer not null check (unit_price_pence > 0),
    refunded_quantity integer not null default 0,
    primary key (order_id, sku),
    constraint order_items_refund_within_order
        check (refunded_quantity >= 0 and refunded_quantity <= quantity)
);

create table refunds (
    id uuid primary key,
    org_id uuid not null references organisations (id) on delete cascade,
    order_id uuid not null references orders (id) on delete cascade,
    amount_pence integer not null check (amount_pence > 0),
    provider_idempotency_key text not null unique,
    provider_refund_id text not null,
    created_at timestamptz not null default clock_timestamp()
);

create table refund_items (
    refund_id uuid not null references refunds (id) on delete cascade,
    org_id uuid not null references organisations (id) on delete cascade,
    sku text not null,
    quantity integer not null check (quantity > 0),
    primary key (refund_id, sku)
);

alter table products enable row level security;
alter table order_settings enable row level security;
alter table orders enable row level security;
alter table order_items enable row level security;
alter table refunds enable row level security;
alter table refund_items enable row level security;

create policy products_tenant on products
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy order_settings_tenant on order_settings
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy orders_tenant on orders
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy order_items_tenant on order_items
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy refunds_tenant on refunds
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
create policy refund_items_tenant on refund_items
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
