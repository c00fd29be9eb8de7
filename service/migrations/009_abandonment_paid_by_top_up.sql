-- Checkout abandonment: "has paid" also means the payment provider confirmed a top-up (issue 13,
-- audit finding 1). Migration 006 read only the browser's `payment_succeeded` telemetry event;
-- a merchant whose card payment the provider confirmed (the top-up credited) but whose event
-- was lost on the way (a closed tab, a blocker) was nudged and given 1000 bonus credits. The
-- provider's confirmation is the platform's own record of a payment, so it decides too.

-- Answers "has this merchant a credited top-up" per merchant of a batch from the index alone.
-- A top-up credited once stays credited (a later refund or dispute keeps `credited_at`).
create index top_ups_credited_idx on top_ups (org_id) where credited_at is not null;

-- The same function as in 006, still one query per batch; only `paid` reads one more index.
create or replace function abandonment_candidates(p_after uuid, p_scope uuid[], p_limit integer)
returns table (org_id uuid, viewed_at timestamptz, email text, paid boolean,
               completed boolean, taken smallint[])
language sql stable security definer
set search_path = public, pg_temp
as $$
    with viewed as (
        select e.org_id, max(e.created_at) as viewed_at
        from onboarding_events e
        where e.event_name = 'payment_viewed' and e.org_id > p_after
          and (p_scope is null or e.org_id = any(p_scope))
        group by e.org_id
        order by e.org_id
        limit p_limit
    )
    select v.org_id, v.viewed_at,
        (select u.email from users u where u.org_id = v.org_id and u.role = 'owner'
         order by u.created_at limit 1),
        exists (select 1 from onboarding_events p
                where p.org_id = v.org_id and p.event_name = 'payment_succeeded')
        or exists (select 1 from top_ups t
                   where t.org_id = v.org_id and t.credited_at is not null),
        o.onboarding_completed_at is not null,
        array(select a.email_number from abandonment_emails a
              where a.org_id = v.org_id and a.status <> 'failed' order by 1)
    from viewed v join organisations o on o.id = v.org_id
    order by v.org_id
$$;
