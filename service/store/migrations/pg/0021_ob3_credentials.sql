-- PostgreSQL twin of ../0021_ob3_credentials.sql: the OB 3.0 credential of each certificate
-- and the DID a holder bound.

-- The Open Badges 3.0 credential of a certificate (JSON-LD with its embedded eddsa-rdfc-2022
-- proof), made at issuance, or on first request for a certificate issued before, and kept so
-- that the same certificate always yields the same bytes. The salt of the holder's hashed
-- e-mail address in it is kept with it; jsonld is NULL while the credential is to be made
-- again with the same salt (the holder bound another DID).
CREATE TABLE certificate_credentials (
  serial     TEXT PRIMARY KEY REFERENCES certificates(serial) ON DELETE CASCADE,
  email_salt TEXT NOT NULL CHECK (length(email_salt) = 32),
  jsonld     TEXT,
  made_at    BIGINT NOT NULL
);
-- The DID a holder bound to their account: the credentialSubject.id of their credentials.
CREATE TABLE holder_dids (
  user_id  BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  did      TEXT NOT NULL CHECK (length(did) BETWEEN 8 AND 255),
  bound_at BIGINT NOT NULL
);
