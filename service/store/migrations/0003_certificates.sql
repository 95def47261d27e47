-- Certificates: one per passed attempt (attempt_id UNIQUE makes issuance idempotent).
-- The signed forms (jws, qr_token) and every claim in them never change; only the status
-- moves from valid to revoked, once, with who, when and why. Times: issued_at/expires_at in
-- seconds since the Unix epoch (they are signed claims), revoked_at in milliseconds.
CREATE TABLE certificates (
  serial         TEXT PRIMARY KEY CHECK (length(serial) = 25 AND serial GLOB 'UJK-*'),
  attempt_id     INTEGER NOT NULL UNIQUE REFERENCES attempts(id),
  user_id        INTEGER NOT NULL REFERENCES users(id),
  holder         TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 255),
  subsector      TEXT NOT NULL CHECK (length(subsector) BETWEEN 1 AND 15),
  exam_id        TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  units          TEXT NOT NULL,  -- JSON [{"code":..,"title":..}]
  issued_at      INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL CHECK (expires_at > issued_at),
  kid            TEXT NOT NULL CHECK (length(kid) = 8),
  jws            TEXT NOT NULL,
  qr_token       TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
  revoked_at     INTEGER,
  revoked_reason TEXT CHECK (revoked_reason IS NULL OR length(revoked_reason) BETWEEN 1 AND 500),
  revoked_by     INTEGER REFERENCES users(id),
  qr_png         BLOB,           -- rendering cache of the QR code (not signed, may be NULL)
  qr_png_url     TEXT,           -- the URL that PNG encodes (the public URL may change)
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
  CHECK ((status = 'revoked') = (revoked_reason IS NOT NULL))
) WITHOUT ROWID;
CREATE INDEX certificates_user ON certificates(user_id, issued_at);
CREATE INDEX certificates_issued ON certificates(issued_at);

-- Signed content is immutable, and a certificate is never deleted (revoke instead).
CREATE TRIGGER certificates_immutable BEFORE UPDATE OF serial, attempt_id, user_id, holder,
  subsector, exam_id, units, issued_at, expires_at, kid, jws, qr_token ON certificates
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
