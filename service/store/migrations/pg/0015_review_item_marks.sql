-- PostgreSQL twin of ../0015_review_item_marks.sql: an assessor's marks of one item before
-- the decision.

CREATE TABLE review_item_marks (
  attempt_id  BIGINT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  item_id     TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
  assessor_id BIGINT NOT NULL REFERENCES users(id),
  marks       TEXT NOT NULL CHECK (length(marks) > 0),
  saved_at    BIGINT NOT NULL,
  PRIMARY KEY (attempt_id, item_id, assessor_id)
);
