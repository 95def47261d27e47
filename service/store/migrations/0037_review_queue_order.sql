-- The review queue in its own order: attempts awaiting a first review by when they were
-- finished (then id), so that a page of the queue (store_review_queue, keyset paging after
-- the last entry shown) reads its rows in order from where the last page ended instead of
-- reading and sorting every pending attempt for each page. The verdict leads (rather than
-- a partial index on the pending ones) so that SQLite's planner prefers it to
-- attempts_verdict without table statistics, which the service does not gather.
CREATE INDEX attempts_verdict_since ON attempts(verdict, finished_at, id);
