-- Re-certification: reminders before a certificate expires, and the link from a certificate
-- to the one it renews.
--
-- recert_reminders: one row per certificate and reminder threshold (days before expiry) whose
-- reminder was sent, written in the same transaction that decides to send it, so a restart
-- or a second node never sends it again. A row for a nearer threshold also stands for the
-- farther ones (a certificate first seen 5 days before expiry gets one mail, not three).
--
-- recertifications: the holder opened the re-certification of old_serial (same exam); the
-- retake rules then count only the attempts started since opened_at, and the certificate
-- issued for such an attempt is written into new_serial: it "recertifies" old_serial, which
-- is "renewed by" it. The old certificate keeps its own expiry (it is not revoked).
CREATE TABLE recert_reminders (
  serial  TEXT NOT NULL REFERENCES certificates(serial),
  days    INTEGER NOT NULL CHECK (days BETWEEN 1 AND 3650),
  sent_at INTEGER NOT NULL,
  mailed  INTEGER NOT NULL CHECK (mailed IN (0, 1)),
  PRIMARY KEY (serial, days)
) WITHOUT ROWID;

CREATE TABLE recertifications (
  old_serial TEXT PRIMARY KEY NOT NULL REFERENCES certificates(serial),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  exam_id    TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  opened_at  INTEGER NOT NULL,
  new_serial TEXT UNIQUE REFERENCES certificates(serial),
  linked_at  INTEGER,
  CHECK ((new_serial IS NULL) = (linked_at IS NULL)),
  CHECK (new_serial IS NULL OR new_serial <> old_serial)
) WITHOUT ROWID;
CREATE INDEX recertifications_open ON recertifications(user_id, exam_id);

-- The reminder sweep looks for valid certificates by expiry.
CREATE INDEX certificates_expiry ON certificates(expires_at);
