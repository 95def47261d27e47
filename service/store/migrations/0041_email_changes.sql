-- Changes of an account's e-mail address waiting for the new address to be confirmed
-- (common/email_change.h). An account holder who asks for a change gets a one-time link at
-- the new address; only the SHA-256 (hex) of its 256-bit token is kept, so a copy of the
-- database cannot be turned into working links. email: the address asked for (the account's
-- own address changes only when the link is used, in the transaction that sets used_at). A
-- newer request ends the earlier unused ones (used_at set without a change).
CREATE TABLE email_changes (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  email      TEXT NOT NULL CHECK (length(CAST(email AS BLOB)) BETWEEN 3 AND 254),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX email_changes_user ON email_changes(user_id);
CREATE INDEX email_changes_expiry ON email_changes(expires_at);
