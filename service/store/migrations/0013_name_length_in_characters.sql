-- A person's name is limited in characters, not bytes.
--
-- The rule (include/ujikom/person_name.h) is 1 to 200 characters of any script, but the
-- users table capped a name at 255 bytes of UTF-8, so a name of 128 or more two-byte letters
-- (or 64 four-byte ones) that the rule accepts could not be stored. The check becomes
-- 1..200 characters (SQLite's length() of TEXT counts characters). Every stored name already
-- satisfies it: each one passed the old check (at most 255 bytes, so at most 255 characters)
-- and the validator (at most 200).
--
-- The users table is referenced by most others (sessions cascade from it), so it is not
-- rebuilt: inside the migration's transaction foreign keys stay on, and dropping the table
-- would cascade or fail. Only the text of the CHECK changes, which alters nothing on disk,
-- by SQLite's documented procedure for such a change (https://sqlite.org/lang_altertable.html,
-- "making other kinds of table schema changes"): edit the table's SQL in sqlite_schema, then
-- reload the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 255)',
                          'CHECK (length(name) BETWEEN 1 AND 200)')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;

-- The edit must have happened exactly once (a schema that differs from 0001's fails the
-- migration, which then rolls back). Creating and dropping this table also moves the schema
-- cookie, so every other connection reloads the schema.
CREATE TABLE migration_0013_check (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_0013_check
  SELECT count(*) FROM sqlite_schema
   WHERE type = 'table' AND name = 'users'
     AND instr(sql, 'CHECK (length(name) BETWEEN 1 AND 200)') > 0
     AND instr(sql, 'length(CAST(name AS BLOB))') = 0;
DROP TABLE migration_0013_check;
