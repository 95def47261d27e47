-- PostgreSQL twin of ../0041_email_changes.sql: changes of an account's e-mail address
-- waiting for the new address to be confirmed.
CREATE TABLE email_changes (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  email      TEXT NOT NULL CHECK (octet_length(email) BETWEEN 3 AND 254),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL CHECK (expires_at > created_at),
  used_at    BIGINT
);
CREATE INDEX email_changes_user ON email_changes(user_id);
CREATE INDEX email_changes_expiry ON email_changes(expires_at);
