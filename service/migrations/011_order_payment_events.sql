-- Orders settled by the payment provider's events (issues 11 and 12). A card payment that is
-- still processing when the order is placed leaves the order awaiting payment, its units held;
-- the provider's later "succeeded" or "payment failed" event for the order's payment intent
-- then pays or fails it, following the events' own creation times as top-ups do (MON-1).
-- A payment that succeeds when the stock can no longer cover the order is refunded and the
-- order fails; what the platform could not put right is kept on the order for an operator.
-- (Numbered 010: 009 is left to work on another branch.)

alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
    check (status in ('reserving', 'awaiting_payment', 'paid', 'failed', 'refunded'));
alter table orders drop constraint orders_failure_check;
alter table orders add constraint orders_failure_check check (failure in (
    'out_of_stock', 'payment_declined', 'provider_unavailable', 'out_of_stock_after_payment'));
-- The creation time of the newest "payment failed" event applied to the order: a newer
-- "succeeded" still pays it (the customer tried another card), an older one does not.
alter table orders add column failed_by_event_at timestamptz;
-- Why money the order took needs an operator (null: nothing to look at).
alter table orders add column review_reason text;

-- A provider event names a payment intent, not a merchant: which merchant's order it belongs
-- to, and nothing more (running as the schema owner, like find_top_up_owner).
create function find_order_owner(p_payment_intent_id text)
returns table (order_id uuid, org_id uuid)
language sql stable security definer
set search_path = public, pg_temp
as $$
    select o.id, o.org_id from orders o where o.payment_intent_id = p_payment_intent_id
$$;
revoke all on function find_order_owner(text) from public;
