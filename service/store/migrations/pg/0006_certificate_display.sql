-- PostgreSQL twin of ../0006_certificate_display.sql: the display text stored at issuance
-- (NULL until backfilled, then never changed). SQLite rebuilt the table to reorder its
-- columns; PostgreSQL needs only the new column.

ALTER TABLE certificates ADD COLUMN display TEXT;
CREATE INDEX certificates_undisplayed ON certificates(serial) WHERE display IS NULL;

CREATE TRIGGER certificates_display_once BEFORE UPDATE OF display ON certificates
  FOR EACH ROW WHEN (OLD.display IS NOT NULL AND NEW.display IS DISTINCT FROM OLD.display)
  EXECUTE FUNCTION ujikom_refuse('certificate content is immutable');
