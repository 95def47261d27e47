-- PostgreSQL twin of ../0024_verify_log_lookup.sql: the log's issuance time in the index that
-- online verification reads.

-- Online verification reads, for every request, the certificate's row and where the log
-- recorded its issuance (position and time). tlog_entries_serial (serial, event) left the
-- time in the table, so each verification also read a random page of tlog_entries; with the
-- time in the index the look-up reads the index alone. Every other use of the index (a
-- certificate's events by serial) works on the longer one as before.
DROP INDEX tlog_entries_serial;
CREATE INDEX tlog_entries_serial ON tlog_entries(serial, event, appended_at);
