-- PostgreSQL twin of ../0027_application_attachments.sql: an upload's owner is an evidence
-- item of an attempt or an application; the files attached to an application.
ALTER TABLE evidence_uploads ALTER COLUMN attempt_id DROP NOT NULL;
ALTER TABLE evidence_uploads
  ADD COLUMN application_id BIGINT REFERENCES applications(id) ON DELETE CASCADE;
CREATE INDEX evidence_uploads_application ON evidence_uploads(application_id)
  WHERE application_id IS NOT NULL;

CREATE TABLE application_attachments (
  application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  sha256         TEXT NOT NULL REFERENCES evidence_files(sha256),
  name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  attached_at    BIGINT NOT NULL,
  PRIMARY KEY (application_id, sha256)
);
