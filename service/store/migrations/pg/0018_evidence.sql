-- PostgreSQL twin of ../0018_evidence.sql: evidence uploads as chunk rows (bytea), files by
-- SHA-256, previews and attachments.

-- Evidence files handed in for evidence items: resumable uploads kept as chunk rows in the
-- database (so an acknowledged chunk is as durable as a saved answer, survives kill -9, is in
-- every backup, and needs nothing but a BLOB/bytea column on another backend).
--
-- An upload is open until its declared size has arrived and it is completed; its chunks are
-- rows keyed by (upload, byte position). Completing it computes the SHA-256 over the stored
-- bytes: the first upload of a given content becomes that file's holder (evidence_files
-- points at it); a later upload of the same content drops its own chunks. A refused upload
-- drops its chunks at once. Only evidence_files rows are ever served, so the bytes of an
-- open or refused upload never are.
CREATE TABLE evidence_uploads (
  id          TEXT PRIMARY KEY CHECK (length(id) = 32),
  attempt_id  BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  item_id     TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
  user_id     BIGINT NOT NULL REFERENCES users(id),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  size        BIGINT NOT NULL CHECK (size > 0),
  sha256_hint TEXT CHECK (sha256_hint IS NULL OR length(sha256_hint) = 64),
  received    BIGINT NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
  -- open | complete | refused
  state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'complete', 'refused')),
  sha256      TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
  reason      TEXT,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX evidence_uploads_attempt ON evidence_uploads(attempt_id, item_id);

CREATE TABLE evidence_chunks (
  upload_id TEXT NOT NULL REFERENCES evidence_uploads(id) ON DELETE CASCADE,
  pos       BIGINT NOT NULL CHECK (pos >= 0),
  data      BYTEA NOT NULL,
  PRIMARY KEY (upload_id, pos)
);

-- A file by its content: the type decided from the bytes, the image's size when it is one,
-- and the upload whose chunks hold the bytes.
CREATE TABLE evidence_files (
  sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  size       BIGINT NOT NULL CHECK (size > 0),
  mime       TEXT NOT NULL,
  width      BIGINT NOT NULL DEFAULT 0,
  height     BIGINT NOT NULL DEFAULT 0,
  holder     TEXT NOT NULL REFERENCES evidence_uploads(id),
  created_at BIGINT NOT NULL
);

-- A re-encoded preview (JPEG, at most 1024 px wide) of an image file, for phone screens.
CREATE TABLE evidence_previews (
  sha256 TEXT PRIMARY KEY REFERENCES evidence_files(sha256),
  mime   TEXT NOT NULL,
  data   BYTEA NOT NULL
);

-- The files handed in for one item of one attempt, in the order they arrived.
CREATE TABLE evidence_attachments (
  attempt_id  BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  item_id     TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
  sha256      TEXT NOT NULL REFERENCES evidence_files(sha256),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  attached_at BIGINT NOT NULL,
  PRIMARY KEY (attempt_id, item_id, sha256)
);
