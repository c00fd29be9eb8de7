-- Checkout abandonment: an email whose outcome is unknown is never sent again by itself (issue 13,
-- audit finding 2). When the email provider takes a batch and gives no answer in time, it may
-- have sent the messages; claiming them again on the next run (as a 'failed' email is) could
-- send one twice, against "each email at most once". Such an email is recorded 'unknown': not
-- claimed again (abandonment_claim still takes over only 'failed' rows), no bonus credited,
-- and left for an operator to check with the provider.

alter table abandonment_emails drop constraint abandonment_emails_status_check;
alter table abandonment_emails add constraint abandonment_emails_status_check
    check (status in ('sending', 'sent', 'failed', 'unknown'));

-- As in 006, with the status each email that was not sent ends in ('failed' or 'unknown').
drop function abandonment_finish(uuid[], smallint[], text[], uuid[], smallint[], text[], bigint,
                                 text);
create function abandonment_finish(p_sent_orgs uuid[], p_sent_numbers smallint[],
                                   p_message_ids text[], p_failed_orgs uuid[],
                                   p_failed_numbers smallint[], p_errors text[],
                                   p_failed_statuses text[], p_bonus bigint, p_description text)
returns table (org_id uuid)
language plpgsql volatile security definer
set search_path = public, pg_temp
as $$
begin
    update abandonment_emails a set status = d.status, error = d.error
    from unnest(p_failed_orgs, p_failed_numbers, p_errors, p_failed_statuses)
        as d(org_id, n, error, status)
    where a.org_id = d.org_id and a.email_number = d.n and a.status = 'sending'
      and d.status in ('failed', 'unknown');

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

revoke all on function abandonment_finish(uuid[], smallint[], text[], uuid[], smallint[], text[],
                                          text[], bigint, text) from public;
