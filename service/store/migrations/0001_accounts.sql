-- Accounts, login sessions and rate-limit counters.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(CAST(email AS BLOB)) BETWEEN 3 AND 254),
  name          TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 255),
  role          TEXT NOT NULL CHECK (role IN ('candidate', 'assessor', 'admin')),
  password_hash TEXT NOT NULL CHECK (length(CAST(password_hash AS BLOB)) < 256),
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at    INTEGER NOT NULL
);
CREATE INDEX users_role ON users(role, id);

-- The token itself never reaches the database: only its SHA-256 (hex).
CREATE TABLE sessions (
  token_hash          TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at          INTEGER NOT NULL,
  last_seen_at        INTEGER NOT NULL,
  expires_at          INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Generic fixed-window counters keyed by text (e.g. "login:ip:203.0.113.7").
CREATE TABLE rate_limits (
  key           TEXT PRIMARY KEY CHECK (length(CAST(key AS BLOB)) <= 255),
  window_start  INTEGER NOT NULL,
  count         INTEGER NOT NULL CHECK (count >= 0),
  blocked_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
