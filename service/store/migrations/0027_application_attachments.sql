-- Supporting documents on an application (FR.APL.01): the resumable uploads of evidence items
-- (0018) also take files for an application, through the same chunks, files and previews.
--
-- An upload belongs to exactly one owner: an evidence item of an attempt (attempt_id and
-- item_id, as before) or an application (application_id; attempt_id NULL and item_id the
-- constant 'application'). attempt_id loses its NOT NULL for that. evidence_uploads is
-- referenced by the chunks (cascading) and the files, so it is not rebuilt: inside the
-- migration's transaction foreign keys stay on, and dropping it would cascade. Removing a
-- NOT NULL constraint changes nothing on disk, so it is done by SQLite's documented
-- procedure for such a change (https://sqlite.org/lang_altertable.html, "making other kinds
-- of table schema changes"), as 0013 did: edit the table's SQL, then reload the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,',
                          'attempt_id  INTEGER REFERENCES attempts(id) ON DELETE CASCADE,')
 WHERE type = 'table' AND name = 'evidence_uploads';
PRAGMA writable_schema = RESET;

-- The edit must have happened exactly once (a schema that differs from 0018's fails the
-- migration, which then rolls back); the table made and dropped moves the schema cookie.
CREATE TABLE migration_0027_check (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_0027_check
  SELECT count(*) FROM sqlite_schema
   WHERE type = 'table' AND name = 'evidence_uploads'
     AND instr(sql, 'attempt_id  INTEGER REFERENCES attempts(id) ON DELETE CASCADE,') > 0
     AND instr(sql, 'attempt_id  INTEGER NOT NULL') = 0;
DROP TABLE migration_0027_check;

ALTER TABLE evidence_uploads
  ADD COLUMN application_id INTEGER REFERENCES applications(id) ON DELETE CASCADE;
CREATE INDEX evidence_uploads_application ON evidence_uploads(application_id)
  WHERE application_id IS NOT NULL;

-- The files attached to an application, in the order they arrived. A new submission of the
-- application keeps its id (0019: the row is updated), so its files stay with it.
CREATE TABLE application_attachments (
  application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  sha256         TEXT NOT NULL REFERENCES evidence_files(sha256),
  name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  attached_at    INTEGER NOT NULL,
  PRIMARY KEY (application_id, sha256)
);
