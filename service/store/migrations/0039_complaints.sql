-- Complaints (pengaduan, ISO/IEC 17024 9.9 and the LSP licence): anyone may lodge one about
-- the LSP's work — an assessment, an assessor's conduct, a certificate, the online exam, the
-- service — signed in or not. Each is acknowledged, taken by an administrator (never the one
-- who lodged it), followed with notes and closed with an outcome the complainant reads.
--
-- token: 256 bits from the random generator (43 base64url characters), the complainant's
-- only key to the status page (/pengaduan/<token>) when they were not signed in; kept as it
-- is, as the page shows the link again to a signed-in complainant. user_id: the account that
-- lodged it, if any. email: where to write (may be empty when none was given).
-- status: received (lodged), in_review (taken: handler_id, taken_at), closed (outcome,
-- outcome_text, closed_at; handler_id is who closed it). Times in milliseconds since the epoch.
CREATE TABLE complaints (
  id           INTEGER PRIMARY KEY,
  token        TEXT NOT NULL UNIQUE CHECK (length(token) = 43),
  created_at   INTEGER NOT NULL CHECK (created_at >= 0),
  user_id      INTEGER REFERENCES users(id),
  name         TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 800),
  email        TEXT NOT NULL CHECK (length(email) <= 254),
  category     TEXT NOT NULL CHECK (category IN ('assessment', 'assessor', 'certificate',
                                                 'exam_system', 'service', 'other')),
  about        TEXT NOT NULL CHECK (length(CAST(about AS BLOB)) <= 800),
  body         TEXT NOT NULL CHECK (length(CAST(body AS BLOB)) BETWEEN 1 AND 20000),
  status       TEXT NOT NULL DEFAULT 'received'
               CHECK (status IN ('received', 'in_review', 'closed')),
  handler_id   INTEGER REFERENCES users(id),
  taken_at     INTEGER,
  outcome      TEXT CHECK (outcome IN ('upheld', 'not_upheld')),
  outcome_text TEXT CHECK (length(CAST(outcome_text AS BLOB)) BETWEEN 1 AND 20000),
  closed_at    INTEGER,
  CHECK ((status = 'received') = (handler_id IS NULL)),
  CHECK ((status = 'received') = (taken_at IS NULL)),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  CHECK ((status = 'closed') = (outcome IS NOT NULL)),
  CHECK ((status = 'closed') = (outcome_text IS NOT NULL))
);
CREATE INDEX complaints_status ON complaints(status, id);
CREATE INDEX complaints_user ON complaints(user_id, id) WHERE user_id IS NOT NULL;

-- What was done while a complaint was open, in order (seq from 1): an administrator's note,
-- either for the complainant to read on the status page (shown = 1: a progress report) or
-- for staff only (shown = 0); or the complainant's reply (from_complainant = 1: written on
-- the status page, so no account is its author, and always shown).
CREATE TABLE complaint_notes (
  complaint_id INTEGER NOT NULL REFERENCES complaints(id),
  seq          INTEGER NOT NULL CHECK (seq >= 1),
  created_at   INTEGER NOT NULL CHECK (created_at >= 0),
  author_id    INTEGER REFERENCES users(id),
  from_complainant INTEGER NOT NULL DEFAULT 0 CHECK (from_complainant IN (0, 1)),
  shown        INTEGER NOT NULL CHECK (shown IN (0, 1)),
  body         TEXT NOT NULL CHECK (length(CAST(body AS BLOB)) BETWEEN 1 AND 20000),
  CHECK ((from_complainant = 1) = (author_id IS NULL)),
  CHECK (from_complainant = 0 OR shown = 1),
  PRIMARY KEY (complaint_id, seq)
) WITHOUT ROWID;
