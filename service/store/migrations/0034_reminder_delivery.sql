-- Re-certification reminders are delivered at least once (docs/operations.md,
-- "Re-certification reminders"): a reminder row is written with mailed = 0 when a sweep
-- claims it (sent_at: when), and set to mailed = 1 once the SMTP server took the mail or
-- refused it for good. A mail not taken (the relay unreachable past every retry, a restart)
-- puts sent_at back to 0, and the sweep sends it again; so does one claimed by a process
-- that died, once its claim is old. The rows written before have mailed = 1 already.
CREATE INDEX recert_reminders_pending ON recert_reminders(sent_at) WHERE mailed = 0;
