-- Reviews: assessor claims on attempts awaiting review, every decision ever made (the latest
-- per attempt is current; earlier ones are kept as history), and appeals (banding, FR.AK.04).
-- Times are milliseconds since the Unix epoch (UTC).

-- One assessor at a time per attempt; a claim lapses at expires_at (config claim-ttl).
CREATE TABLE review_claims (
  attempt_id  INTEGER PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
  assessor_id INTEGER NOT NULL REFERENCES users(id),
  claimed_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL CHECK (expires_at > claimed_at)
);

-- One appeal per attempt, made by its candidate; an admin assigns it to a second assessor
-- (never the one who decided), whose decision then stands.
CREATE TABLE appeals (
  id                   INTEGER PRIMARY KEY,
  attempt_id           INTEGER NOT NULL UNIQUE REFERENCES attempts(id),
  candidate_id         INTEGER NOT NULL REFERENCES users(id),
  reason               TEXT NOT NULL CHECK (length(CAST(reason AS BLOB)) BETWEEN 1 AND 5000),
  created_at           INTEGER NOT NULL,
  status               TEXT NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'assigned', 'decided')),
  original_assessor_id INTEGER REFERENCES users(id),
  assessor_id          INTEGER REFERENCES users(id),
  assigned_at          INTEGER,
  decided_at           INTEGER,
  CHECK ((status = 'open') = (assessor_id IS NULL)),
  CHECK ((status = 'decided') = (decided_at IS NOT NULL))
);
CREATE INDEX appeals_status ON appeals(status, id);

-- kind: assessor (first decision), admin (a change by an administrator, reason required),
-- appeal (the second assessor's decision on an appeal).
-- marks: {"<item>": {"criteria": {"<crit>": points}, "comment": "..."}}
-- units: {"<code>": {"outcome": "K|BK", "automatic": "K|BK|PENDING", "reason": "..."}}
CREATE TABLE review_decisions (
  id         INTEGER PRIMARY KEY,
  attempt_id INTEGER NOT NULL REFERENCES attempts(id),
  decided_by INTEGER NOT NULL REFERENCES users(id),
  kind       TEXT NOT NULL CHECK (kind IN ('assessor', 'admin', 'appeal')),
  decided_at INTEGER NOT NULL,
  overall    TEXT NOT NULL CHECK (overall IN ('K', 'BK')),
  marks      TEXT NOT NULL,
  units      TEXT NOT NULL,
  feedback   TEXT,
  reason     TEXT,
  appeal_id  INTEGER REFERENCES appeals(id),
  CHECK (kind <> 'admin' OR (reason IS NOT NULL AND length(reason) > 0)),
  CHECK ((kind = 'appeal') = (appeal_id IS NOT NULL))
);
CREATE INDEX review_decisions_attempt ON review_decisions(attempt_id, id);
