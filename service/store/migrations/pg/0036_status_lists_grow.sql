-- PostgreSQL twin of ../0036_status_lists_grow.sql: status list indexes may reach
-- 16,777,215 (the published lists start at 131,072 entries and double when the register
-- nearly fills them).

ALTER TABLE certificates DROP CONSTRAINT certificates_status_index_check;
ALTER TABLE certificates ADD CONSTRAINT certificates_status_index_check
  CHECK (status_index IS NULL OR status_index BETWEEN 0 AND 16777215);
