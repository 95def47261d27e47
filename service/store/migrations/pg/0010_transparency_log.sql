-- PostgreSQL twin of ../0010_transparency_log.sql: the transparency log's entries (numbered
-- from 0 without gaps: appends are serial under the write lock), its checkpoints, and the
-- certificates issued before it existed.

CREATE TABLE tlog_entries (
  idx         BIGINT PRIMARY KEY CHECK (idx >= 0),
  entry       BYTEA NOT NULL CHECK (length(entry) BETWEEN 1 AND 65535),
  leaf_hash   BYTEA NOT NULL CHECK (length(leaf_hash) = 32),
  serial      TEXT NOT NULL,
  event       TEXT NOT NULL CHECK (event IN ('issue', 'revoke', 'suspend', 'reinstate')),
  appended_at BIGINT NOT NULL
);
CREATE INDEX tlog_entries_serial ON tlog_entries(serial, event);
CREATE UNIQUE INDEX tlog_entries_issue ON tlog_entries(serial) WHERE event = 'issue';

CREATE TRIGGER tlog_entries_no_update BEFORE UPDATE ON tlog_entries
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('tlog_entries is append-only');
CREATE TRIGGER tlog_entries_no_delete BEFORE DELETE ON tlog_entries
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('tlog_entries is append-only');

CREATE TABLE tlog_checkpoints (
  size BIGINT PRIMARY KEY CHECK (size >= 0),
  note TEXT NOT NULL,
  at   BIGINT NOT NULL
);
CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('tlog_checkpoints is append-only');
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('tlog_checkpoints is append-only');

CREATE TABLE tlog_backfill (
  serial TEXT PRIMARY KEY
);
INSERT INTO tlog_backfill(serial) SELECT serial FROM certificates;
