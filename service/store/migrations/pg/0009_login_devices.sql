-- PostgreSQL twin of ../0009_login_devices.sql: known login devices.

CREATE TABLE login_devices (
  token_hash   TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL
);
CREATE INDEX login_devices_user ON login_devices(user_id, last_used_at);
CREATE INDEX login_devices_used ON login_devices(last_used_at);
