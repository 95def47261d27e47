-- What a candidate keeps beside the answers: the items flagged for review in an attempt (on
-- the server, so a reload, another device or a form posted before the script ran keeps
-- them), and the time zone every time on their pages is shown in (docs/web.md).
CREATE TABLE attempt_flags (
  attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
  item_id    TEXT NOT NULL CHECK (length(CAST(item_id AS BLOB)) BETWEEN 1 AND 64),
  flagged_at INTEGER NOT NULL,
  PRIMARY KEY (attempt_id, item_id)
) WITHOUT ROWID;

CREATE TABLE user_prefs (
  user_id   INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  time_zone TEXT NOT NULL CHECK (time_zone IN ('WIB', 'WITA', 'WIT'))
);
