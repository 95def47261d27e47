-- What the audit watch (service/common/audit_watch.c) found, kept beside the log it watches
-- so that every node on one database, and the daemon after a restart, knows it: when the
-- last full check of the hash chain ended and how many entries it checked, the point up to
-- which the chain was then intact (an entry number and its hash: later checks start from
-- that entry, so a log cut short or re-chained behind it is seen), and the first break found
-- (0: none), how (the store_audit_fault number) and when. One row, made by the first full
-- check or the first break; absent before. Times in milliseconds since the epoch.
--
-- Not copied by `ujikom store copy`: a copied log is checked again from its start.
CREATE TABLE audit_watch (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  full_at      INTEGER NOT NULL CHECK (full_at >= 0),
  full_entries INTEGER NOT NULL CHECK (full_entries >= 0),
  tail_seq     INTEGER NOT NULL CHECK (tail_seq >= 0),
  tail_hash    TEXT NOT NULL CHECK (length(tail_hash) = 64),
  broken_seq   INTEGER NOT NULL CHECK (broken_seq >= 0),
  fault        INTEGER NOT NULL CHECK (fault BETWEEN 0 AND 4),
  found_at     INTEGER NOT NULL CHECK (found_at >= 0)
);
