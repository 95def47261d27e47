-- One-time password-reset links. Only the SHA-256 (hex) of a link's 256-bit token is kept,
-- so a copy of the database cannot be turned into working links. A link is used once:
-- used_at is set in the same transaction that sets the new password.
-- issued_by: the administrator who issued it, 0 for the command line, NULL when the
-- account holder asked for it by e-mail.

CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  issued_by  INTEGER,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX password_resets_user ON password_resets(user_id);
CREATE INDEX password_resets_expiry ON password_resets(expires_at);
