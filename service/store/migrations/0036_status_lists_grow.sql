-- Status list indexes may reach 16,777,215: the published lists grow with the register.
--
-- Migration 0011 gave each certificate a random index below 131,072 (the Bitstring Status
-- List's minimum length, one list per purpose). Once 131,072 certificates had an index, no
-- certificate could be issued any more: every index was taken. The lists now start at
-- 131,072 entries and double when the register nearly fills them (ujikom/status_list.h);
-- an index once given stays inside every later list, so credentials already issued keep
-- pointing at the right bit. The largest list is 16,777,216 entries (2 MiB before
-- compression), the largest the decoder accepts.
--
-- The certificates table is referenced by several others (credentials, shares and
-- re-certifications; some cascade), so it is not rebuilt: inside the migration's
-- transaction foreign keys stay on, and dropping the table would cascade or fail. Only the
-- text of the CHECK changes, which alters nothing on disk (every stored index satisfies the
-- wider bound), by SQLite's documented procedure for such a change
-- (https://sqlite.org/lang_altertable.html, "making other kinds of table schema changes"),
-- as 0013 did: edit the table's SQL in sqlite_schema, then reload the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'status_index BETWEEN 0 AND 131071)',
                          'status_index BETWEEN 0 AND 16777215)')
 WHERE type = 'table' AND name = 'certificates';
PRAGMA writable_schema = RESET;

-- The edit must have happened exactly once (a schema that differs from 0011's fails the
-- migration, which then rolls back). Creating and dropping this table also moves the schema
-- cookie, so every other connection reloads the schema.
CREATE TABLE migration_0036_check (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration_0036_check
  SELECT count(*) FROM sqlite_schema
   WHERE type = 'table' AND name = 'certificates'
     AND instr(sql, 'status_index BETWEEN 0 AND 16777215)') > 0
     AND instr(sql, '131071') = 0;
DROP TABLE migration_0036_check;
