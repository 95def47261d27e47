-- Certificates follow decisions; suspension; Bitstring Status List indexes.
--
-- 1. status may also be 'suspended' (BNSP pembekuan), reversible: suspended_at/_reason/_by
--    are set while it lasts and cleared on reinstatement (the audit trail and the
--    transparency log keep the history). Revoked stays final, from valid or suspended.
-- 2. One non-revoked certificate per attempt instead of one certificate per attempt: a
--    decision away from K revokes the attempt's certificate, and K again issues a new one
--    (new serial) whose `replaces` names the revoked one. Issuance stays idempotent through
--    the partial unique index certificates_attempt_live.
-- 3. status_index: the certificate's random position in the published status lists (one
--    per purpose: revocation, suspension), signed into its credential as credentialStatus.
--    Certificates issued before this migration have none (NULL): their credentials carry
--    no status entry, their status is known online only.
-- 4. certificate_status_epoch counts status changes (a trigger bumps it), so the published
--    status list credentials are re-signed only when a status changed; the signed lists
--    are kept in certificate_status_lists (a cache: any node may rebuild it).
CREATE TABLE certificates_v11 (
  serial           TEXT PRIMARY KEY NOT NULL CHECK (length(serial) = 25 AND serial GLOB 'UJK-*'),
  attempt_id       INTEGER NOT NULL REFERENCES attempts(id),
  user_id          INTEGER NOT NULL REFERENCES users(id),
  holder           TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 255),
  subsector        TEXT NOT NULL CHECK (length(subsector) BETWEEN 1 AND 15),
  exam_id          TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  issued_at        INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL CHECK (expires_at > issued_at),
  kid              TEXT NOT NULL CHECK (length(kid) = 8),
  status           TEXT NOT NULL DEFAULT 'valid'
                     CHECK (status IN ('valid', 'revoked', 'suspended')),
  revoked_at       INTEGER,
  revoked_reason   TEXT CHECK (revoked_reason IS NULL OR length(revoked_reason) BETWEEN 1 AND 500),
  revoked_by       INTEGER REFERENCES users(id),
  suspended_at     INTEGER,
  suspended_reason TEXT
                     CHECK (suspended_reason IS NULL OR length(suspended_reason) BETWEEN 1 AND 500),
  suspended_by     INTEGER REFERENCES users(id),
  replaces         TEXT REFERENCES certificates_v11(serial),
  status_index     INTEGER UNIQUE CHECK (status_index IS NULL OR status_index BETWEEN 0 AND 131071),
  qr_token         TEXT NOT NULL,
  display          TEXT,
  units            TEXT NOT NULL,
  jws              TEXT NOT NULL,
  qr_png           BLOB,
  qr_png_url       TEXT,
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
  CHECK ((status = 'revoked') = (revoked_reason IS NOT NULL)),
  CHECK ((status = 'suspended') = (suspended_at IS NOT NULL)),
  CHECK ((status = 'suspended') = (suspended_reason IS NOT NULL))
);
INSERT INTO certificates_v11(serial, attempt_id, user_id, holder, subsector, exam_id, issued_at,
  expires_at, kid, status, revoked_at, revoked_reason, revoked_by, qr_token, display, units,
  jws, qr_png, qr_png_url)
SELECT serial, attempt_id, user_id, holder, subsector, exam_id, issued_at, expires_at, kid,
  status, revoked_at, revoked_reason, revoked_by, qr_token, display, units, jws, qr_png,
  qr_png_url
FROM certificates ORDER BY serial;
DROP TABLE certificates;
ALTER TABLE certificates_v11 RENAME TO certificates;
CREATE INDEX certificates_user ON certificates(user_id, issued_at);
CREATE INDEX certificates_issued ON certificates(issued_at);
CREATE INDEX certificates_undisplayed ON certificates(serial) WHERE display IS NULL;
CREATE INDEX certificates_attempt ON certificates(attempt_id);
CREATE UNIQUE INDEX certificates_attempt_live ON certificates(attempt_id)
  WHERE status <> 'revoked';
CREATE INDEX certificates_listed ON certificates(status_index)
  WHERE status <> 'valid' AND status_index IS NOT NULL;

CREATE TRIGGER certificates_immutable BEFORE UPDATE OF serial, attempt_id, user_id, holder,
  subsector, exam_id, units, issued_at, expires_at, kid, jws, qr_token, replaces, status_index
  ON certificates
BEGIN
  SELECT RAISE(ABORT, 'certificate content is immutable');
END;
CREATE TRIGGER certificates_display_once BEFORE UPDATE OF display ON certificates
  WHEN OLD.display IS NOT NULL AND NEW.display IS NOT OLD.display
BEGIN
  SELECT RAISE(ABORT, 'certificate content is immutable');
END;
CREATE TRIGGER certificates_revoke_once BEFORE UPDATE OF status ON certificates
  WHEN OLD.status = 'revoked'
BEGIN
  SELECT RAISE(ABORT, 'a revoked certificate stays revoked');
END;
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN
  SELECT RAISE(ABORT, 'certificates are never deleted');
END;

CREATE TABLE certificate_status_epoch (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  epoch INTEGER NOT NULL
);
INSERT INTO certificate_status_epoch(id, epoch) VALUES (1, 0);
CREATE TRIGGER certificates_status_epoch AFTER UPDATE OF status ON certificates
  WHEN NEW.status IS NOT OLD.status
BEGIN
  UPDATE certificate_status_epoch SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TABLE certificate_status_lists (
  purpose    TEXT PRIMARY KEY CHECK (purpose IN ('revocation', 'suspension')),
  epoch      INTEGER NOT NULL,
  kid        TEXT NOT NULL,
  url        TEXT NOT NULL,   -- the public URL the list was signed for
  built_at   INTEGER NOT NULL, -- ms
  credential TEXT NOT NULL
) WITHOUT ROWID;
