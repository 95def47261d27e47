-- The public transparency log of certificate events (docs/transparency-log.md): one row per
-- entry, numbered from 0 without gaps, appended in the same transaction as the change it
-- records; never updated or deleted (triggers). leaf_hash = SHA-256(0x00 || entry), the
-- RFC 9162 leaf hash, kept so tiles and proofs need not re-hash every entry.
CREATE TABLE tlog_entries (
  idx         INTEGER PRIMARY KEY CHECK (idx >= 0),
  entry       BLOB NOT NULL CHECK (length(entry) BETWEEN 1 AND 65535),
  leaf_hash   BLOB NOT NULL CHECK (length(leaf_hash) = 32),
  serial      TEXT NOT NULL,
  event       TEXT NOT NULL CHECK (event IN ('issue', 'revoke', 'suspend', 'reinstate')),
  appended_at INTEGER NOT NULL
);
CREATE INDEX tlog_entries_serial ON tlog_entries(serial, event);
-- A certificate is issued once.
CREATE UNIQUE INDEX tlog_entries_issue ON tlog_entries(serial) WHERE event = 'issue';

CREATE TRIGGER tlog_entries_no_update BEFORE UPDATE ON tlog_entries
BEGIN
  SELECT RAISE(ABORT, 'tlog_entries is append-only');
END;
CREATE TRIGGER tlog_entries_no_delete BEFORE DELETE ON tlog_entries
BEGIN
  SELECT RAISE(ABORT, 'tlog_entries is append-only');
END;

-- Signed checkpoints (C2SP signed notes), one per tree size that was published, kept so an
-- inclusion proof or a monitor can refer to an older size.
CREATE TABLE tlog_checkpoints (
  size INTEGER PRIMARY KEY CHECK (size >= 0),
  note TEXT NOT NULL,
  at   INTEGER NOT NULL
);
CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'tlog_checkpoints is append-only');
END;
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'tlog_checkpoints is append-only');
END;

-- The certificates issued before the log existed, fixed when this migration runs: the
-- service appends their issuance once, in issue order, when it starts (certlog_backfill).
-- A certificate row written later without its log entry is never in this list, so the
-- register <-> log cross-check reports it instead of the backfill hiding it.
CREATE TABLE tlog_backfill (
  serial TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO tlog_backfill(serial) SELECT serial FROM certificates;
