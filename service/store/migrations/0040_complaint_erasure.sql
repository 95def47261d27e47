-- The end of a closed complaint's retention period (--complaint-retention-days; Indonesia's
-- personal data protection law, UU 27/2022: personal data is kept no longer than its purpose
-- needs). The periodic sweep then erases the complainant's personal data and the words of
-- the complaint: name, e-mail, reference, text, the outcome's text and every note's text
-- become a fixed marker or empty, and the account link is dropped (common/complaints.h).
-- The record of the complaint stays for the LSP's register and its audits: the reference
-- number, category, dates, handler and outcome. erased_at: when (milliseconds since the
-- epoch); NULL while kept.
ALTER TABLE complaints ADD COLUMN erased_at INTEGER CHECK (erased_at IS NULL OR erased_at >= 0);

-- The sweep's search: closed complaints not yet erased, oldest closing first.
CREATE INDEX complaints_retained ON complaints(closed_at, id)
  WHERE status = 'closed' AND erased_at IS NULL;
