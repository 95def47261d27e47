-- PostgreSQL twin of ../0037_review_queue_order.sql: the review queue in its own order.

-- Attempts awaiting a first review by when they were finished (then id), so that a page of
-- the queue (store_review_queue, keyset paging after the last entry shown) reads its rows in
-- order from where the last page ended instead of reading and sorting every pending attempt
-- for each page.
CREATE INDEX attempts_verdict_since ON attempts(verdict, finished_at, id);
