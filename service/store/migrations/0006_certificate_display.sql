-- Certificates, rebuilt for verification at scale, with their display text.
--
-- 1. display: the display claims that only the signed credential carries (subsector name,
--    scheme title, issuer name, units; the text of cert_display_encode in
--    include/ujikom/cert.h), stored at issuance next to the tokens, so that verifying a token
--    the service issued reads one row and parses no credential. SQL cannot decode a
--    credential (base64url JSON), so rows from before this migration start NULL and ujikomd
--    fills them from their signed credentials when it starts (issue_display_backfill, found
--    through the partial index certificates_undisplayed, empty once they are filled); until
--    then such a certificate is verified the long way. Once set, the text never changes.
-- 2. An ordinary rowid table instead of WITHOUT ROWID: a row (credential, units, cached QR
--    image) is several kilobytes, and SQLite compares a WITHOUT ROWID key by reading the
--    whole row, overflow pages included, at every step of the search. The serial now finds
--    its row through a small index of serials, and the columns a verification reads come
--    first, before the bulky ones.
CREATE TABLE certificates_v6 (
  serial         TEXT PRIMARY KEY NOT NULL CHECK (length(serial) = 25 AND serial GLOB 'UJK-*'),
  attempt_id     INTEGER NOT NULL UNIQUE REFERENCES attempts(id),
  user_id        INTEGER NOT NULL REFERENCES users(id),
  holder         TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 255),
  subsector      TEXT NOT NULL CHECK (length(subsector) BETWEEN 1 AND 15),
  exam_id        TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  issued_at      INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL CHECK (expires_at > issued_at),
  kid            TEXT NOT NULL CHECK (length(kid) = 8),
  status         TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
  revoked_at     INTEGER,
  revoked_reason TEXT CHECK (revoked_reason IS NULL OR length(revoked_reason) BETWEEN 1 AND 500),
  revoked_by     INTEGER REFERENCES users(id),
  qr_token       TEXT NOT NULL,
  display        TEXT,           -- cert_display_encode text; NULL until backfilled
  units          TEXT NOT NULL,  -- JSON [{"code":..,"title":..}]
  jws            TEXT NOT NULL,
  qr_png         BLOB,           -- rendering cache of the QR code (not signed, may be NULL)
  qr_png_url     TEXT,           -- the URL that PNG encodes (the public URL may change)
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
  CHECK ((status = 'revoked') = (revoked_reason IS NOT NULL))
);
INSERT INTO certificates_v6(serial, attempt_id, user_id, holder, subsector, exam_id, issued_at,
  expires_at, kid, status, revoked_at, revoked_reason, revoked_by, qr_token, display, units,
  jws, qr_png, qr_png_url)
SELECT serial, attempt_id, user_id, holder, subsector, exam_id, issued_at, expires_at, kid,
  status, revoked_at, revoked_reason, revoked_by, qr_token, NULL, units, jws, qr_png, qr_png_url
FROM certificates ORDER BY serial;
DROP TABLE certificates;
ALTER TABLE certificates_v6 RENAME TO certificates;
CREATE INDEX certificates_user ON certificates(user_id, issued_at);
CREATE INDEX certificates_issued ON certificates(issued_at);
CREATE INDEX certificates_undisplayed ON certificates(serial) WHERE display IS NULL;

-- Signed content is immutable, and a certificate is never deleted (revoke instead); the
-- display text may be stored once where it is missing, never changed.
CREATE TRIGGER certificates_immutable BEFORE UPDATE OF serial, attempt_id, user_id, holder,
  subsector, exam_id, units, issued_at, expires_at, kid, jws, qr_token ON certificates
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
