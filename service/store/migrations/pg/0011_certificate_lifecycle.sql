-- PostgreSQL twin of ../0011_certificate_lifecycle.sql: suspension, one non-revoked
-- certificate per attempt (replaces), status list indexes, the status epoch and the signed
-- status lists. SQLite rebuilt the table; PostgreSQL alters it in place.

ALTER TABLE certificates DROP CONSTRAINT certificates_status_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_status_check
  CHECK (status IN ('valid', 'revoked', 'suspended'));
ALTER TABLE certificates DROP CONSTRAINT certificates_attempt_id_key;
ALTER TABLE certificates
  ADD COLUMN suspended_at BIGINT,
  ADD COLUMN suspended_reason TEXT
    CHECK (suspended_reason IS NULL OR length(suspended_reason) BETWEEN 1 AND 500),
  ADD COLUMN suspended_by BIGINT REFERENCES users(id),
  ADD COLUMN replaces TEXT REFERENCES certificates(serial),
  ADD COLUMN status_index BIGINT UNIQUE
    CHECK (status_index IS NULL OR status_index BETWEEN 0 AND 131071),
  ADD CHECK ((status = 'suspended') = (suspended_at IS NOT NULL)),
  ADD CHECK ((status = 'suspended') = (suspended_reason IS NOT NULL));

CREATE INDEX certificates_attempt ON certificates(attempt_id);
CREATE UNIQUE INDEX certificates_attempt_live ON certificates(attempt_id)
  WHERE status <> 'revoked';
CREATE INDEX certificates_listed ON certificates(status_index)
  WHERE status <> 'valid' AND status_index IS NOT NULL;

DROP TRIGGER certificates_immutable ON certificates;
CREATE TRIGGER certificates_immutable BEFORE UPDATE OF serial, attempt_id, user_id, holder,
  subsector, exam_id, units, issued_at, expires_at, kid, jws, qr_token, replaces, status_index
  ON certificates
  FOR EACH ROW EXECUTE FUNCTION ujikom_refuse('certificate content is immutable');

CREATE TABLE certificate_status_epoch (
  id    BIGINT PRIMARY KEY CHECK (id = 1),
  epoch BIGINT NOT NULL
);
INSERT INTO certificate_status_epoch(id, epoch) VALUES (1, 0);
CREATE FUNCTION ujikom_status_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE certificate_status_epoch SET epoch = epoch + 1 WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER certificates_status_epoch AFTER UPDATE OF status ON certificates
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status)
  EXECUTE FUNCTION ujikom_status_epoch();

CREATE TABLE certificate_status_lists (
  purpose    TEXT PRIMARY KEY CHECK (purpose IN ('revocation', 'suspension')),
  epoch      BIGINT NOT NULL,
  kid        TEXT NOT NULL,
  url        TEXT NOT NULL,
  built_at   BIGINT NOT NULL,
  credential TEXT NOT NULL
);
