-- PostgreSQL twin of ../0014_candidate_prefs.sql: flagged items and a candidate's time zone.

CREATE TABLE attempt_flags (
  attempt_id BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  item_id    TEXT NOT NULL CHECK (octet_length(item_id) BETWEEN 1 AND 64),
  flagged_at BIGINT NOT NULL,
  PRIMARY KEY (attempt_id, item_id)
);

CREATE TABLE user_prefs (
  user_id   BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  time_zone TEXT NOT NULL CHECK (time_zone IN ('WIB', 'WITA', 'WIT'))
);
