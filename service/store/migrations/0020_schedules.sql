-- Test events (jadwal uji kompetensi): a schedule of one exam at a test site (TUK) on a date,
-- with an access window in which its candidates may start, an optional session code shown at
-- the TUK, a capacity, assigned assessors and the enrolled batch with its attendance
-- (docs/operations.md). Times are UTC milliseconds; the TUK's zone is kept for display.
CREATE TABLE schedules (
  id           INTEGER PRIMARY KEY,
  exam_id      TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  tuk_name     TEXT NOT NULL CHECK (length(tuk_name) BETWEEN 1 AND 200),
  tuk_address  TEXT NOT NULL CHECK (length(tuk_address) <= 500),
  time_zone    TEXT NOT NULL CHECK (time_zone IN ('WIB', 'WITA', 'WIT')),
  exam_date    TEXT NOT NULL CHECK (length(exam_date) = 10),
  opens_at     INTEGER NOT NULL,
  closes_at    INTEGER NOT NULL CHECK (closes_at > opens_at),
  capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 5000),
  session_code TEXT NOT NULL CHECK (length(session_code) <= 32),
  created_by   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX schedules_date ON schedules(opens_at);

CREATE TABLE schedule_assessors (
  schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (schedule_id, user_id)
) WITHOUT ROWID;
CREATE INDEX schedule_assessors_user ON schedule_assessors(user_id);

-- One row per enrolled candidate. attempt_id is the attempt they started inside the window
-- (attendance by the start); attended_by is the assessor who marked them present (NULL when
-- the start recorded it).
CREATE TABLE schedule_enrolments (
  schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  enrolled_by INTEGER NOT NULL,
  enrolled_at INTEGER NOT NULL,
  attempt_id  INTEGER,
  attended_at INTEGER,
  attended_by INTEGER,
  PRIMARY KEY (schedule_id, user_id)
) WITHOUT ROWID;
CREATE INDEX schedule_enrolments_user ON schedule_enrolments(user_id);
