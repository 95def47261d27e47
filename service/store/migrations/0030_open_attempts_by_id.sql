-- After a start the service reads the open attempts' forms into its form index, a page at a
-- time by id (store_attempts_open_page). Without this index the only way to page by id was
-- the table itself, every finished attempt's row and stored form included; the partial index
-- holds the open attempts alone, so the pages read only their rows.
CREATE INDEX attempts_open_id ON attempts(id) WHERE status = 'open';
