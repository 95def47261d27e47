-- PostgreSQL twin of ../0033_checkin_codes.sql: one-time check-in codes and scoped sessions.

-- One-time check-in codes (kode masuk): handed out on paper at the TUK after the identity
-- check, each starts one session scoped to its schedule's exam without a password
-- (docs/security.md, "Check-in codes"). Only the SHA-256 (hex) of the normalised code is
-- stored; used_at is set once, when the code is redeemed. A candidate has at most one unused
-- code per schedule: making a new one deletes the old unused one.
CREATE TABLE checkin_codes (
  code_hash   TEXT PRIMARY KEY CHECK (length(code_hash) = 64),
  schedule_id BIGINT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  user_id     BIGINT NOT NULL REFERENCES users(id),
  created_by  BIGINT NOT NULL,
  created_at  BIGINT NOT NULL,
  used_at     BIGINT
);
CREATE UNIQUE INDEX checkin_codes_unused ON checkin_codes(schedule_id, user_id)
  WHERE used_at IS NULL;
CREATE INDEX checkin_codes_enrolment ON checkin_codes(schedule_id, user_id, used_at);

-- A session started by a check-in code reaches only the exam of this schedule (0: a session
-- of a password log-in, unscoped). No foreign key: sessions are copied before schedules
-- (store copy), and a session whose schedule is gone reaches nothing of an exam.
ALTER TABLE sessions ADD COLUMN scope_schedule_id BIGINT NOT NULL DEFAULT 0;
