-- PostgreSQL twin of ../0023_certificate_shares.sql: public credential URLs.

-- A public credential URL a holder may share (/c/<token>): opt-in per certificate, removed by
-- the holder at will. The token is 256 bits from the random generator, so the URL cannot be
-- guessed; it is kept as it is (not hashed) because the holder's certificate page shows the
-- URL again on every visit, and what it opens is public once shared: the certificate and its
-- verdict, as the register already shows them to anyone holding the QR code. Removing the
-- row ends the URL for good; sharing again makes a new token.
CREATE TABLE certificate_shares (
  serial     TEXT PRIMARY KEY REFERENCES certificates(serial) ON DELETE CASCADE,
  token      TEXT NOT NULL UNIQUE CHECK (length(token) = 43),
  created_at BIGINT NOT NULL
);
