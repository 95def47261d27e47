-- Applications (FR.APL.01) with the self-assessment (FR.APL.02), one per candidate and exam:
-- the personal data as JSON without the national identity number, which is kept sealed
-- (AES-256-GCM under a key file of the data directory, bound to the account); the
-- eligibility decision (status, who, when, why). A new submission after "not_yet" replaces
-- the row and waits for a decision again (docs/api.md).
CREATE TABLE applications (
  id              INTEGER PRIMARY KEY,
  user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  exam_id         TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  personal        TEXT NOT NULL,
  nik_sealed      TEXT NOT NULL,
  self_assessment TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'eligible', 'not_yet')),
  submitted_at    INTEGER NOT NULL,
  decided_by      INTEGER REFERENCES users(id),
  decided_at      INTEGER,
  reason          TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 2000),
  UNIQUE (user_id, exam_id)
);
CREATE INDEX applications_status ON applications(status, submitted_at);

-- The observation checklist (FR.IA.01): per attempt, unit and KUK the latest record of the
-- assessor at the test site. A save carries the time it was recorded on the tablet and an
-- id of its own: a repeated save changes nothing, and of two saves of one KUK the later
-- recording wins whatever order they arrive in (ties: the greater id).
CREATE TABLE observations (
  attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  unit_code   TEXT NOT NULL CHECK (length(unit_code) BETWEEN 1 AND 64),
  kuk_id      TEXT NOT NULL CHECK (length(kuk_id) BETWEEN 1 AND 7),
  observed    INTEGER NOT NULL CHECK (observed IN (0, 1)),
  notes       TEXT NOT NULL CHECK (length(notes) <= 2000),
  assessor_id INTEGER NOT NULL REFERENCES users(id),
  recorded_at INTEGER NOT NULL,
  saved_at    INTEGER NOT NULL,
  op          TEXT NOT NULL CHECK (length(op) BETWEEN 8 AND 64),
  PRIMARY KEY (attempt_id, unit_code, kuk_id)
) WITHOUT ROWID;
