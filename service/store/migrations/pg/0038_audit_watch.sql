-- PostgreSQL twin of ../0038_audit_watch.sql: what the audit watch found.
CREATE TABLE audit_watch (
  id           BIGINT PRIMARY KEY CHECK (id = 1),
  full_at      BIGINT NOT NULL CHECK (full_at >= 0),
  full_entries BIGINT NOT NULL CHECK (full_entries >= 0),
  tail_seq     BIGINT NOT NULL CHECK (tail_seq >= 0),
  tail_hash    TEXT NOT NULL CHECK (length(tail_hash) = 64),
  broken_seq   BIGINT NOT NULL CHECK (broken_seq >= 0),
  fault        INTEGER NOT NULL CHECK (fault BETWEEN 0 AND 4),
  found_at     BIGINT NOT NULL CHECK (found_at >= 0)
);
