-- The kind of device a session was started from (include/ujikom/device_kind.h): a browser
-- and system family read from the User-Agent header at sign-in, as the code "chrome/android"
-- ("" when neither was recognised, and for sessions started before this migration). The
-- header itself is never stored. Shown on the holder's sessions page so that a session left
-- open on a test site's computer can be told from the holder's own phone.
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT ''
  CHECK (length(device) <= 23);
