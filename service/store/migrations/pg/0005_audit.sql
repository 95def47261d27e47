-- PostgreSQL twin of ../0005_audit.sql: the append-only, hash-chained audit log. Appends are
-- serial (every store_txn body holds the write lock), so seq + 1 after the head never forks.

CREATE TABLE audit_log (
  seq       BIGINT PRIMARY KEY,
  at        BIGINT NOT NULL,
  actor     BIGINT,
  action    TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
  subject   TEXT NOT NULL,
  before    TEXT,
  after     TEXT,
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash      TEXT NOT NULL CHECK (length(hash) = 64)
);
CREATE INDEX audit_subject ON audit_log(subject, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('audit_log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('audit_log is append-only');
