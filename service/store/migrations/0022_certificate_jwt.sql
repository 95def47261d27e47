-- The credential's VC-JOSE JWT form (ES256, application/vc+jwt), made at issuance and kept
-- beside the certificate like its other signed forms: it never changes. Certificates issued
-- before the JWT form have no row (their EdDSA JWS keeps verifying).
CREATE TABLE certificate_jwt (
  serial TEXT PRIMARY KEY REFERENCES certificates(serial),
  jwt    TEXT NOT NULL CHECK (length(jwt) BETWEEN 1 AND 131072)
);
