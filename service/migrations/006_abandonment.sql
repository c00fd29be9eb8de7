-- Checkout abandonment: the nudge emails sent to merchants who viewed the payment step and
-- did not pay, and the record of every run of the job that sends them.

-- One row per run of the job: what "now" it was given, which merchants it covered, when it
-- started and ended, its counts and its errors, so that operators can see what it did. It is
-- the platform's own record (no merchant's data), so it needs no row-level security.
create table abandonment_runs (
    id bigint generated always as identity primary key,
    run_now timestamptz not null,
    scope text not null,
    started_at timestamptz not null default clock_timestamp(),
    finished_at timestamptz,
    processed integer not null default 0,
    sent integer not null default 0,
    skipped integer not null default 0,
    failed integer not null default 0,
    errors jsonb not null default '[]'::jsonb
);

-- One row per (merchant, email number): the unique guard of "each email at most once". It is
-- written (status 'sending') before the email goes out and before any bonus is credited; only
-- a 'failed' row may be claimed again, by a later run.
create table abandonment_emails (
    org_id uuid not null references organisations (id) on delete cascade,
    email_number smallint not null check (email_number between 1 and 3),
    status text not null check (status in ('sending', 'sent', 'failed')),
    payment_viewed_at timestamptz not null,
    -- The run that last claimed it (no foreign key: run records may be pruned, and a check per
    -- claimed row would only slow the batch down).
    run_id bigint,
    attempts integer not null default 1,
    claimed_at timestamptz not null default clock_timestamp(),
    sent_at timestamptz,
    provider_message_id text,
    error text,
    bonus_applied_at timestamptz,
    primary key (org_id, email_number),
    constraint abandonment_bonus_only_for_sent_last_chance check (
        bonus_applied_at is null or (email_number = 3 and status = 'sent'))
) with (fillfactor = 70);  -- room for the "sent" version of each row beside it (HOT updates)

alter table abandonment_emails enable row level security;
create policy abandonment_emails_tenant on abandonment_emails
    using (org_id = nullif(current_setting('app.org_id', true), '')::uuid)
    with check (org_id = nullif(current_setting('app.org_id', true), '')::uuid);

-- The job walks merchants by organisation, reading only their payment views: this index
-- answers "latest payment view per merchant" in organisation order without touching the
-- other wizard events.
create index onboarding_events_payment_viewed_idx on onboarding_events (org_id, created_at)
    where event_name = 'payment_viewed';
create index onboarding_events_payment_succeeded_idx on onboarding_events (org_id)
    where event_name = 'payment_succeeded';

-- The job works across merchants a batch at a time, yet the service queries only as its plain
-- role, bound by the policies above. As with login, these functions run as their owner (the
-- schema owner) and do exactly one thing each; the role may call them, not widen them.

-- The next p_limit merchants after p_after (in organisation order, only those in p_scope when
-- it is given) who viewed the payment step, with what decides their email.
create function abandonment_candidates(p_after uuid, p_scope uuid[], p_limit integer)
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
                where p.org_id = v.org_id and p.event_name = 'payment_succeeded'),
        o.onboarding_completed_at is not null,
        array(select a.email_number from abandonment_emails a
              where a.org_id = v.org_id and a.status <> 'failed' order by 1)
    from viewed v join organisations o on o.id = v.org_id
    order by v.org_id
$$;

-- Writes the unique (merchant, email number) records of one batch, before anything is sent or
-- credited, and returns those this run holds: an email another run sent or is sending is not
-- claimed; a failed one is claimed again.
create function abandonment_claim(p_run bigint, p_orgs uuid[], p_numbers smallint[],
                                  p_viewed timestamptz[])
returns table (org_id uuid, email_number smallint)
language sql volatile security definer
set search_path = public, pg_temp
as $$
    insert into abandonment_emails as a (org_id, email_number, status, payment_viewed_at, run_id)
    select c.org_id, c.n, 'sending', c.viewed_at, p_run
    from unnest(p_orgs, p_numbers, p_viewed) as c(org_id, n, viewed_at)
    on conflict on constraint abandonment_emails_pkey do update
        set status = 'sending', run_id = excluded.run_id, attempts = a.attempts + 1,
            claimed_at = clock_timestamp(), error = null
        where a.status = 'failed'
    returning a.org_id, a.email_number
$$;

-- Marks one batch's emails sent or failed and, in the same statement (so the same transaction),
-- marks each sent email 3's bonus applied and credits it. Only a row still 'sending' changes,
-- and a row goes from 'sending' to 'sent' once (a concurrent transaction re-reads it after the
-- first commits and finds it 'sent'), so each bonus is credited exactly once. Returns the
-- merchants credited now.
create function abandonment_finish(p_sent_orgs uuid[], p_sent_numbers smallint[],
                                   p_message_ids text[], p_failed_orgs uuid[],
                                   p_failed_numbers smallint[], p_errors text[],
                                   p_bonus bigint, p_description text)
returns table (org_id uuid)
language plpgsql volatile security definer
set search_path = public, pg_temp
as $$
begin
    update abandonment_emails a set status = 'failed', error = d.error
    from unnest(p_failed_orgs, p_failed_numbers, p_errors) as d(org_id, n, error)
    where a.org_id = d.org_id and a.email_number = d.n and a.status = 'sending';

    return query
    with sent as (
        update abandonment_emails a set status = 'sent', sent_at = clock_timestamp(),
            provider_message_id = d.message_id,
            bonus_applied_at = case when a.email_number = 3 then clock_timestamp() end
        from unnest(p_sent_orgs, p_sent_numbers, p_message_ids) as d(org_id, n, message_id)
        where a.org_id = d.org_id and a.email_number = d.n and a.status = 'sending'
          and a.bonus_applied_at is null  -- never a second time, whatever claimed it again
        returning a.org_id, a.email_number
    ), credited as (
        insert into wallets as w (org_id, balance_pence)
        select sent.org_id, p_bonus from sent where sent.email_number = 3
        on conflict on constraint wallets_pkey do update
            set balance_pence = w.balance_pence + excluded.balance_pence, updated_at = now()
        returning w.org_id
    )
    insert into ledger_entries as l (org_id, kind, amount_pence, description, reference)
    select credited.org_id, 'bonus', p_bonus, p_description, 'abandonment:email-3'
    from credited
    returning l.org_id;
end
$$;

revoke all on function abandonment_candidates(uuid, uuid[], integer) from public;
revoke all on function abandonment_claim(bigint, uuid[], smallint[], timestamptz[]) from public;
revoke all on function abandonment_finish(uuid[], smallint[], text[], uuid[], smallint[], text[],
                                          bigint, text) from public;
