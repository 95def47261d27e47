-- PostgreSQL twin of ../0003_certificates.sql: certificates, immutable once issued.

CREATE TABLE certificates (
  serial         TEXT PRIMARY KEY CHECK (length(serial) = 25 AND serial LIKE 'UJK-%'),
  attempt_id     BIGINT NOT NULL UNIQUE REFERENCES attempts(id),
  user_id        BIGINT NOT NULL REFERENCES users(id),
  holder         TEXT NOT NULL CHECK (length(holder) BETWEEN 1 AND 255),
  subsector      TEXT NOT NULL CHECK (length(subsector) BETWEEN 1 AND 15),
  exam_id        TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  units          TEXT NOT NULL,
  issued_at      BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL CHECK (expires_at > issued_at),
  kid            TEXT NOT NULL CHECK (length(kid) = 8),
  jws            TEXT NOT NULL,
  qr_token       TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
  revoked_at     BIGINT,
  revoked_reason TEXT CHECK (revoked_reason IS NULL OR length(revoked_reason) BETWEEN 1 AND 500),
  revoked_by     BIGINT REFERENCES users(id),
  qr_png         BYTEA,
  qr_png_url     TEXT,
  CONSTRAINT certificates_revoked_at CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
  CONSTRAINT certificates_revoked_reason CHECK ((status = 'revoked') = (revoked_reason IS NOT NULL))
);
CREATE INDEX certificates_user ON certificates(user_id, issued_at);
CREATE INDEX certificates_issued ON certificates(issued_at);

CREATE TRIGGER certificates_immutable BEFORE UPDATE OF serial, attempt_id, user_id, holder,
  subsector, exam_id, units, issued_at, expires_at, kid, jws, qr_token ON certificates
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('certificate content is immutable');
CREATE TRIGGER certificates_revoke_once BEFORE UPDATE OF status ON certificates
  FOR EACH ROW WHEN (OLD.status = 'revoked')
  EXECUTE FUNCTION ujikom_refuse('a revoked certificate stays revoked');
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('certificates are never deleted');
