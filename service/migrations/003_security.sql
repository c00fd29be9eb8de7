-- Security and money safety (issue 14).

-- A top-up's final state follows the provider events' own creation times: the creation time of
-- the newest "payment failed" event applied to it, so that a newer "payment succeeded" (the
-- customer tried another card on the same payment) still credits it, and an older one does not.
alter table top_ups add column failed_by_event_at timestamptz;
