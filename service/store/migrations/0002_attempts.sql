-- Exam attempts: the exam source each attempt was started with, the drawn form, every saved
-- answer, the server-side deadline and the result. Times are milliseconds since the Unix
-- epoch (UTC).

-- The exact exam file an attempt was started with, by its SHA-256, so that the attempt is
-- still served and scored after the file was edited or removed and the daemon restarted.
CREATE TABLE exam_sources (
  version   TEXT PRIMARY KEY CHECK (length(version) = 64),
  exam_id   TEXT NOT NULL CHECK (length(exam_id) BETWEEN 3 AND 40),
  file      TEXT NOT NULL CHECK (length(CAST(file AS BLOB)) <= 512),
  source    BLOB NOT NULL,
  stored_at INTEGER NOT NULL
) WITHOUT ROWID;

-- status: open -> submitted (by the candidate) | closed (at the deadline).
-- deadline_at is the authority: extra time granted by an admin moves it forward.
-- verdict: NULL while open; K / BK / PENDING once finished (PENDING until an assessor has
-- scored the open items and decided).
CREATE TABLE attempts (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  exam_id      TEXT NOT NULL CHECK (length(exam_id) BETWEEN 3 AND 40),
  exam_version TEXT NOT NULL REFERENCES exam_sources(version),
  form         TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'closed')),
  started_at   INTEGER NOT NULL,
  deadline_at  INTEGER NOT NULL CHECK (deadline_at >= started_at),
  finished_at  INTEGER,
  verdict      TEXT CHECK (verdict IN ('K', 'BK', 'PENDING')),
  result       TEXT,
  decided_at   INTEGER,
  CHECK ((status = 'open') = (finished_at IS NULL)),
  CHECK ((status = 'open') = (verdict IS NULL))
);
CREATE INDEX attempts_user ON attempts(user_id, exam_id, id);
CREATE INDEX attempts_open_deadline ON attempts(deadline_at) WHERE status = 'open';
CREATE INDEX attempts_verdict ON attempts(verdict, id);
-- At most one open attempt per candidate and exam: a double click on "start" cannot make two.
CREATE UNIQUE INDEX attempts_one_open ON attempts(user_id, exam_id) WHERE status = 'open';

-- One row per (attempt, item): saving again replaces the value (idempotent).
CREATE TABLE attempt_answers (
  attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  item_id    TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
  value      TEXT NOT NULL CHECK (length(CAST(value AS BLOB)) <= 65536),
  saved_at   INTEGER NOT NULL,
  PRIMARY KEY (attempt_id, item_id)
) WITHOUT ROWID;
