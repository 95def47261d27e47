-- PostgreSQL twin of ../0029_node_keys.sql: fingerprints of the key files every node shares.

-- The key files that every ujikomd node on one database must share, by fingerprint: the
-- transparency log's signing key, the seals of second-factor secrets and of national
-- identity numbers (a SHA-256 of the secret under a purpose tag, never the secret), and
-- every certificate-signing key a node has loaded (its public key). The first node to start
-- registers what it has; a node whose files differ is refused at start (common/node_keys.h),
-- instead of signing checkpoints no verifier pinned, sealing what the others cannot open, or
-- issuing certificates the others do not recognise. The store never changes a row. Only a
-- database several processes share (PostgreSQL) gets rows: a SQLite file has one process.
CREATE TABLE node_keys (
  name          TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  fingerprint   TEXT NOT NULL CHECK (length(fingerprint) = 64),
  registered_at BIGINT NOT NULL
);
