-- Refunds and disputes of top-up payments (issue 14, finding 3). When the payment provider says
-- a top-up's card payment was refunded or disputed, the credit it bought is taken back with a
-- ledger entry of its own ('reversal', negative) when the balance allows; otherwise the wallet
-- is put on hold (no spending) and the event is kept for an operator. The balance check of
-- `wallets` still refuses a negative balance whatever the code above it does.

alter table top_ups drop constraint top_ups_status_check;
alter table top_ups add constraint top_ups_status_check check (status in (
    'creating', 'awaiting_payment', 'succeeded', 'failed', 'needs_review', 'refunded',
    'disputed'));
-- The most the provider has said was refunded or disputed of this payment (its refund amounts
-- are running totals, so the largest one is the newest), what the wallet gave back for it, and
-- the creation time of the newest such event (whose kind the status shows).
alter table top_ups add column reversal_claimed_pence integer not null default 0
    check (reversal_claimed_pence between 0 and amount_pence);
alter table top_ups add column reclaimed_pence integer not null default 0
    check (reclaimed_pence between 0 and reversal_claimed_pence);
alter table top_ups add column reversal_kind text check (reversal_kind in ('refunded', 'disputed'));
alter table top_ups add column reversed_by_event_at timestamptz;

alter table ledger_entries drop constraint ledger_entries_kind_check;
alter table ledger_entries add constraint ledger_entries_kind_check
    check (kind in ('top_up', 'charge', 'refund', 'bonus', 'reversal'));
alter table ledger_entries drop constraint ledger_entries_sign;
alter table ledger_entries add constraint ledger_entries_sign check (
    (kind in ('charge', 'reversal') and amount_pence < 0)
    or (kind not in ('charge', 'reversal') and amount_pence > 0));

-- A wallet on hold spends nothing until an operator has settled what it owes.
alter table wallets add column on_hold_since timestamptz;

-- What an operator must look at: the provider's event as it came, and what it left owing.
create table wallet_holds (
    id bigint generated always as identity primary key,
    org_id uuid not null references organisations (id) on delete cascade,
    top_up_id uuid not null references top_ups (id) on delete cascade,
    event_id text not null,
    event_type text not null,
    owed_pence integer not null check (owed_pence >= 0),
    reason text not null,
    event jsonb not null,
    created_at timestamptz not null default now(),
    settled_at timestamptz
);
alter table wallet_holds enable row level security;
create policy wallet_holds_tenant on wallet_holds
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
