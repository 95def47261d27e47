-- PostgreSQL twin of ../0013_name_length_in_characters.sql: a person's name is limited to
-- 1..200 characters (length() of TEXT counts characters), not 255 bytes.

ALTER TABLE users DROP CONSTRAINT users_name_check;
ALTER TABLE users ADD CONSTRAINT users_name_check CHECK (length(name) BETWEEN 1 AND 200);
