-- PostgreSQL twin of ../0007_staff_second_factor.sql: TOTP second factor, recovery codes,
-- second-factor tickets.

CREATE TABLE staff_second_factor (
  user_id       BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL CHECK (length(secret_sealed) BETWEEN 1 AND 255),
  state         TEXT NOT NULL CHECK (state IN ('pending', 'confirmed')),
  last_step     BIGINT NOT NULL DEFAULT 0 CHECK (last_step >= 0),
  created_at    BIGINT NOT NULL,
  confirmed_at  BIGINT,
  CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL))
);

CREATE TABLE staff_recovery_codes (
  user_id   BIGINT NOT NULL REFERENCES staff_second_factor(user_id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE second_factor_tickets (
  ticket_hash TEXT PRIMARY KEY CHECK (length(ticket_hash) = 64),
  user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at  BIGINT NOT NULL,
  failures    BIGINT NOT NULL DEFAULT 0 CHECK (failures >= 0)
);
CREATE INDEX second_factor_tickets_user ON second_factor_tickets(user_id);
CREATE INDEX second_factor_tickets_expiry ON second_factor_tickets(expires_at);
