-- PostgreSQL twin of ../0017_planned_extra_time.sql: extra time planned in advance, and the
-- audit viewer's index.

CREATE TABLE planned_extra_time (
  user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  exam_id    TEXT NOT NULL CHECK (length(exam_id) BETWEEN 1 AND 40),
  minutes    BIGINT NOT NULL CHECK (minutes BETWEEN 1 AND 600),
  reason     TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, exam_id)
);
CREATE INDEX audit_log_action ON audit_log(action, seq);
