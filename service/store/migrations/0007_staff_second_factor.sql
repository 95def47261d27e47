-- A second factor (TOTP, RFC 6238) for staff accounts, its one-time recovery codes, and the
-- short-lived tickets that stand between a correct password and a session.
-- Times are milliseconds since the Unix epoch (UTC).

-- One row per enrolled (or enrolling) account. The shared secret is sealed (AES-256-GCM
-- under a key file in the data directory), never stored in clear. last_step is the replay
-- guard: the newest TOTP time step accepted, so a code (or an older one) counts once.
CREATE TABLE staff_second_factor (
  user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL CHECK (length(secret_sealed) BETWEEN 1 AND 255),
  state         TEXT NOT NULL CHECK (state IN ('pending', 'confirmed')),
  last_step     INTEGER NOT NULL DEFAULT 0 CHECK (last_step >= 0),
  created_at    INTEGER NOT NULL,
  confirmed_at  INTEGER,
  CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL))
);

-- Recovery codes as keyed hashes (HMAC-SHA256, hex); using one deletes its row.
CREATE TABLE staff_recovery_codes (
  user_id   INTEGER NOT NULL REFERENCES staff_second_factor(user_id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
  PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- A correct password of an account with a confirmed second factor gives a ticket, not a
-- session; the code step turns it into one. Only the ticket's SHA-256 (hex) is stored.
CREATE TABLE second_factor_tickets (
  ticket_hash TEXT PRIMARY KEY CHECK (length(ticket_hash) = 64),
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at  INTEGER NOT NULL,
  failures    INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0)
) WITHOUT ROWID;
CREATE INDEX second_factor_tickets_user ON second_factor_tickets(user_id);
CREATE INDEX second_factor_tickets_expiry ON second_factor_tickets(expires_at);
