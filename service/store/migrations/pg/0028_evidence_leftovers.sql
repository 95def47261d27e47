-- PostgreSQL twin of ../0028_evidence_leftovers.sql: photos on the observation sheet, and
-- what the periodic sweep needs to purge abandoned uploads.
--
-- An assessor's photo of a demonstration goes through the resumable uploads of evidence
-- items (0018): its upload belongs to the attempt (attempt_id) with the constant item_id
-- 'observation', and observation_uploads names the KUK it is for. Once complete the file is
-- attached to that KUK of the attempt in observation_photos, beside the KUK's record.
CREATE TABLE observation_uploads (
  upload_id TEXT PRIMARY KEY REFERENCES evidence_uploads(id) ON DELETE CASCADE,
  unit_code TEXT NOT NULL CHECK (length(unit_code) BETWEEN 1 AND 64),
  kuk_id    TEXT NOT NULL CHECK (length(kuk_id) BETWEEN 1 AND 7)
);

CREATE TABLE observation_photos (
  attempt_id  BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  unit_code   TEXT NOT NULL CHECK (length(unit_code) BETWEEN 1 AND 64),
  kuk_id      TEXT NOT NULL CHECK (length(kuk_id) BETWEEN 1 AND 7),
  sha256      TEXT NOT NULL REFERENCES evidence_files(sha256),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  assessor_id BIGINT NOT NULL REFERENCES users(id),
  attached_at BIGINT NOT NULL,
  PRIMARY KEY (attempt_id, unit_code, kuk_id, sha256)
);

-- The sweep finds open uploads untouched for long (abandoned) by their last change, and
-- files no owner references any more by their hash in each owner's table.
CREATE INDEX evidence_uploads_idle ON evidence_uploads(state, updated_at);
CREATE INDEX evidence_attachments_sha256 ON evidence_attachments(sha256);
CREATE INDEX application_attachments_sha256 ON application_attachments(sha256);
CREATE INDEX observation_photos_sha256 ON observation_photos(sha256);
