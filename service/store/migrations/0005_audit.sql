-- The audit log: append-only, hash-chained. hash = SHA-256 over a canonical encoding of
-- (seq, at, actor, action, subject, before, after, prev_hash); the first entry's prev_hash
-- is 64 zeros. actor is NULL for the system / command line without a user.

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     INTEGER,
  action    TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
  subject   TEXT NOT NULL,
  before    TEXT,
  after     TEXT,
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash      TEXT NOT NULL CHECK (length(hash) = 64)
);
CREATE INDEX audit_subject ON audit_log(subject, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
