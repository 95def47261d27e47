-- Marks an assessor saves for one open item of an attempt before the decision (marking by
-- question: one item, every candidate's answer in turn). Kept per assessor and read back
-- only into that assessor's review sheet; the decision then stores its own copy of the
-- marks in review_decisions.marks, so these rows never change a result.
-- marks: {"criteria": {"<crit>": points}, "notes": {"<crit>": "..."},
--         "levels": {"<crit>": "level descriptor"}, "comment": "...", "points": n}
CREATE TABLE review_item_marks (
  attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  item_id     TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
  assessor_id INTEGER NOT NULL REFERENCES users(id),
  marks       TEXT NOT NULL CHECK (length(marks) > 0),
  saved_at    INTEGER NOT NULL,
  PRIMARY KEY (attempt_id, item_id, assessor_id)
);
