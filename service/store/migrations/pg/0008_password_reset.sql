-- PostgreSQL twin of ../0008_password_reset.sql: one-time password-reset links.

CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  issued_by  BIGINT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL CHECK (expires_at > created_at),
  used_at    BIGINT
);
CREATE INDEX password_resets_user ON password_resets(user_id);
CREATE INDEX password_resets_expiry ON password_resets(expires_at);
