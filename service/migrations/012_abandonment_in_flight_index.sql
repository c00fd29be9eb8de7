-- Checkout abandonment at scale (issue 13): a batch's emails are marked sent or failed in time
-- proportional to the batch, not to the table, and not to the batch squared.
--
-- abandonment_finish marks the batch's claimed rows (status 'sending') sent or failed, joining
-- the table to the batch's keys (an unnest of arrays). Two misjudgements made this slow:
-- * PostgreSQL's statistics describe the table at rest, where almost no row is 'sending', so
--   the planner expected one such row and found it by reading the whole table;
-- * the plan PL/pgSQL caches after a function's fifth call guesses every unnest at 10 rows,
--   so, expecting 1 row against 10 keys, it chose a nested loop that scanned the batch's 500
--   keys once for each of its 500 rows (250,000 comparisons).
-- A batch then took about 100 ms instead of 10 over 10,000 candidates, and more as the table
-- grew: `make bench-abandonment` missed both of its targets by it.
--
-- The remedy, measured by the same benchmark:
-- * an index of the rows in flight only (at most a few batches of them), which reaches the
--   batch's rows whatever the size of the table;
-- * no nested loops inside this one function: its only join is the batch's keys against the
--   rows in flight, which a hash join answers in time proportional to the batch whatever the
--   planner guesses.

create index abandonment_emails_in_flight_idx on abandonment_emails (org_id, email_number)
    where status = 'sending';

alter function abandonment_finish(uuid[], smallint[], text[], uuid[], smallint[], text[], text[],
                                  bigint, text)
    set enable_nestloop = off;
