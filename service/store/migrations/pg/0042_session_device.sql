-- PostgreSQL twin of ../0042_session_device.sql: the kind of device a session was started
-- from ("chrome/android"; "" when not recognised or not recorded).
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT ''
  CHECK (length(device) <= 23);
