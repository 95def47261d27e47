-- Extra time planned in advance: an administrator grants a candidate extra minutes on one
-- exam before they start it (a reasonable adjustment, FR.AK.07). It stands for every attempt
-- of that exam the candidate starts while it exists and is added to the deadline when the
-- attempt starts; the grant and each use are in the audit log (docs/operations.md).
CREATE TABLE planned_extra_time (
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  exam_id    TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  minutes    INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),
  reason     TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, exam_id)
) WITHOUT ROWID;
-- The audit viewer filters by action and pages by seq.
CREATE INDEX audit_log_action ON audit_log(action, seq);
