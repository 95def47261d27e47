-- The certificate state generation: a counter that every write able to change an online
-- verdict raises, in the same transaction as the write, whoever makes it (the daemon, the
-- `ujikom` CLI, another node, or an SQL shell), because triggers make it so. A process
-- keeps what it verified about a certificate (the row its seal proved, the log position)
-- together with the generation it read in the same snapshot, and uses it again only while
-- the generation is unchanged (service/common/verify_cache.c, docs/performance.md).
--
-- Counted: an update of any column the verdict reads (status and its reasons and times;
-- the content columns too, though certificates_immutable refuses those, and the display
-- text, set once), and any update or delete of the transparency log's entries (refused as
-- well: append-only). Not counted: a new certificate (nothing verified about it yet), a new
-- log entry (an issuance is logged with its insert; a status change also updates the
-- row), the QR image (qr_png, qr_png_url: not part of a verdict).
CREATE TABLE certificate_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO certificate_state(id, generation) VALUES (1, 0);
CREATE TRIGGER certificates_state AFTER UPDATE OF serial, attempt_id, user_id, holder,
  subsector, exam_id, units, issued_at, expires_at, kid, jws, qr_token, display, status,
  revoked_at, revoked_reason, revoked_by, suspended_at, suspended_reason, suspended_by,
  replaces, status_index ON certificates
BEGIN
  UPDATE certificate_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER certificates_state_delete AFTER DELETE ON certificates
BEGIN
  UPDATE certificate_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER tlog_entries_state_update AFTER UPDATE ON tlog_entries
BEGIN
  UPDATE certificate_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER tlog_entries_state_delete AFTER DELETE ON tlog_entries
BEGIN
  UPDATE certificate_state SET generation = generation + 1 WHERE id = 1;
END;
