-- A confirmed payment that does not match its top-up (another amount or currency) credits
-- nothing: the top-up is held for review, with the reason, until someone looks at it.

alter table top_ups drop constraint top_ups_status_check;
alter table top_ups add constraint top_ups_status_check
    check (status in ('creating', 'awaiting_payment', 'succeeded', 'failed', 'needs_review'));
alter table top_ups add column review_reason text;
