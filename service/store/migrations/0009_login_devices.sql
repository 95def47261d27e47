-- Known login devices: a browser that has logged in to an account keeps a random device
-- token in a cookie; only the token's SHA-256 (hex) is stored, with the account it logged in
-- to. A known device has a login back-off of its own, so guesses from elsewhere cannot keep
-- the owner out (docs/security.md).
CREATE TABLE login_devices (
  token_hash   TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_devices_user ON login_devices(user_id, last_used_at);
CREATE INDEX login_devices_used ON login_devices(last_used_at);
