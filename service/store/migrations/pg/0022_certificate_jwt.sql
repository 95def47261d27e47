-- PostgreSQL twin of ../0022_certificate_jwt.sql: every JWT form issued for a certificate.

-- The credential's VC-JOSE JWT form (ES256, application/vc+jwt) of each certificate: made at
-- issuance from its OB 3.0 credential document, and again whenever that document is made
-- again (the holder bound a DID), never changed. Every JWT issued stays, numbered from 1, so
-- one downloaded before a remake keeps verifying; the newest is the one served.
-- Certificates issued before the JWT form have none until first asked for.
CREATE TABLE certificate_jwt (
  serial  TEXT NOT NULL REFERENCES certificates(serial),
  seq     BIGINT NOT NULL CHECK (seq >= 1),
  jwt     TEXT NOT NULL CHECK (length(jwt) BETWEEN 1 AND 131072),
  made_at BIGINT NOT NULL,
  PRIMARY KEY (serial, seq)
);
