/*
 * The error registry: every error the HTTP API can answer, one row each.
 * ERR(NAME, http_status, "default message")  — NAME in lower case is the "error" field.
 * Keep rows grouped by resource; add a row where your resource's group is.
 */
#ifndef UJIKOM_HTTP_ERRORS_H
#define UJIKOM_HTTP_ERRORS_H

#include <stddef.h>

#define UJIKOM_ERRORS(ERR)                                                                         \
  /* --- generic / dispatcher --- */                                                               \
  ERR(BAD_REQUEST, 400, "The request is malformed.")                                               \
  ERR(BAD_JSON, 400, "The request body is not valid JSON.")                                        \
  ERR(JSON_TOO_DEEP, 400, "The JSON body is nested too deeply.")                                   \
  ERR(BAD_UTF8, 400, "A text field is not valid UTF-8.")                                           \
  ERR(INVALID_FIELD, 400, "A field is missing or invalid.")                                        \
  ERR(TOO_MANY_FIELDS, 400, "The form has too many fields.")                                       \
  ERR(UNAUTHENTICATED, 401, "Please log in.")                                                      \
  ERR(FORBIDDEN, 403, "You are not allowed to do this.")                                           \
  ERR(CSRF, 403, "The form has expired or did not come from this site; reload and try again.")     \
  ERR(NOT_FOUND, 404, "Not found.")                                                                \
  ERR(METHOD_NOT_ALLOWED, 405, "This method is not allowed here.")                                 \
  ERR(CONFLICT, 409, "The request conflicts with the current state.")                              \
  ERR(BODY_TOO_LARGE, 413, "The request body is too large.")                                       \
  ERR(URI_TOO_LONG, 414, "The URL is too long.")                                                   \
  ERR(UNSUPPORTED_MEDIA_TYPE, 415, "Unsupported content type.")                                    \
  ERR(RATE_LIMITED, 429, "Too many requests; please wait and try again.")                          \
  ERR(HEADERS_TOO_LARGE, 431, "The request headers are too large.")                                \
  ERR(INTERNAL, 500, "Internal error.")                                                            \
  ERR(UNAVAILABLE, 503, "The service is temporarily unable to store data; please retry.")          \
  ERR(BUSY, 503, "The service is busy; please retry.")                                             \
  /* --- auth --- */                                                                               \
  ERR(BAD_CREDENTIALS, 401, "Wrong email or password.")                                            \
  ERR(EMAIL_TAKEN, 409, "An account with this email already exists.")                              \
  ERR(WEAK_PASSWORD, 400, "The password is too short or too common.")                              \
  ERR(ACCOUNT_DISABLED, 403, "This account is disabled.")                                          \
  ERR(WRONG_PASSWORD, 403, "The current password is wrong.")                                       \
  ERR(SECOND_FACTOR_WRONG, 401, "The code is wrong.")                                              \
  ERR(SECOND_FACTOR_REPLAYED, 401, "This code was already used; wait for the next one.")           \
  ERR(SECOND_FACTOR_TICKET, 401, "The log-in step has expired; log in with your password again.")  \
  ERR(SECOND_FACTOR_REQUIRED, 403, "Set up your second factor first, at /account/2fa.")            \
  ERR(SECOND_FACTOR_ENROLLED, 409, "A second factor is already set up; an admin can reset it.")    \
  ERR(SECOND_FACTOR_NOT_PENDING, 409, "Start the second-factor set-up first.")                     \
  ERR(SECOND_FACTOR_STAFF_ONLY, 403, "Only staff accounts have a second factor.")                  \
  ERR(SECOND_FACTOR_NONE, 409, "This account has no second factor.")                               \
  ERR(SECOND_FACTOR_OWN, 409, "Your own second factor is reset by another admin or the CLI.")      \
  ERR(RESET_LINK_INVALID, 400, "This password-reset link is invalid, used or expired.")            \
  ERR(RESET_NOT_CANDIDATE, 409, "Reset links are for candidate accounts only.")                    \
  ERR(EMAIL_CHANGE_LINK_INVALID, 400,                                                              \
      "This e-mail confirmation link is invalid, used or expired.")                                \
  ERR(EMAIL_UNCHANGED, 409, "This is the account's e-mail address already.")                       \
  ERR(EMAIL_CHANGE_NO_MAIL, 409,                                                                   \
      "This service sends no mail to confirm a new address with: ask the LSP's administrator.")    \
  ERR(SESSION_NOT_FOUND, 404, "This account has no such session (it ended already?).")             \
  ERR(CHECKIN_REFUSED, 401, "This check-in code is not valid (unknown, or used already).")         \
  ERR(CHECKIN_WINDOW, 403, "This check-in code is valid only inside its schedule's window.")       \
  ERR(CHECKIN_SCOPE, 403,                                                                          \
      "You checked in with a code: it opens only your exam. Log in with your password for this.")  \
  /* --- exams and attempts --- */                                                                 \
  ERR(EXAM_NOT_FOUND, 404, "No such exam.")                                                        \
  ERR(ATTEMPT_NOT_FOUND, 404, "No such attempt.")                                                  \
  ERR(ITEM_NOT_IN_FORM, 400, "This item is not part of your exam form.")                           \
  ERR(BAD_ANSWER, 400, "The answer does not have the shape this item needs.")                      \
  ERR(NUMBER_NOT_DIGITS, 400, "Write the number in digits, such as 30.000 or 2,5.")                \
  ERR(NUMBER_SEPARATORS, 400, "Group thousands by three (30.000) and use one decimal mark (2,5).") \
  ERR(NUMBER_AMBIGUOUS, 400, "Thousands or decimals? Write 1234 or 1234,0, or 1,2340.")            \
  ERR(NUMBER_TOO_LONG, 400, "The number has more than 15 digits.")                                 \
  ERR(ATTEMPT_CLOSED, 409, "This attempt has already been submitted or closed.")                   \
  ERR(ATTEMPT_DEADLINE, 409, "The time for this attempt is over; answers can no longer be saved.") \
  ERR(ATTEMPT_LIMIT, 409, "You have used every attempt this exam allows.")                         \
  ERR(ATTEMPT_COOLDOWN, 409, "Please wait until the waiting period after a BK result has ended.")  \
  ERR(ALREADY_COMPETENT, 409, "You are already competent (K) in this exam.")                       \
  ERR(AWAITING_REVIEW, 409, "Your previous attempt is still awaiting assessor review.")            \
  ERR(NOT_ELIGIBLE, 403, "This exam needs an application found eligible before you start.")        \
  ERR(RESULT_NOT_READY, 409, "Submit the attempt first; the result follows.")                      \
  ERR(WINDOW_NOT_OPEN, 409, "Your test schedule has not opened yet; start within its window.")     \
  ERR(WINDOW_CLOSED, 409, "Your test schedule's window has closed; please contact the LSP.")       \
  ERR(SESSION_CODE, 403, "Enter the session code shown at the test site (TUK).")                   \
  ERR(EXAM_VERSION_MISSING, 500, "The exam version of this attempt cannot be loaded.")             \
  /* --- evidence uploads --- */                                                                   \
  ERR(EVIDENCE_ITEM, 400, "This item does not take files.")                                        \
  ERR(EVIDENCE_TOO_LARGE, 413, "The file is larger than this item allows.")                        \
  ERR(EVIDENCE_TOO_MANY, 409, "This item already has as many files as it allows.")                 \
  ERR(UPLOAD_OFFSET, 409, "The chunk is not at the upload's offset; resume from Upload-Offset.")   \
  ERR(UPLOAD_DONE, 409, "This upload is finished already.")                                        \
  ERR(UPLOAD_INCOMPLETE, 409, "Not every byte of the file has arrived; resume the upload.")        \
  ERR(EVIDENCE_REFUSED, 422, "The file was refused.")                                              \
  ERR(RANGE_NOT_SATISFIABLE, 416, "The requested byte range lies outside the file.")               \
  /* --- certificates and verification --- */                                                      \
  ERR(CERT_NOT_FOUND, 404, "No certificate with this number.")                                     \
  ERR(CERT_NOT_COMPETENT, 409, "The attempt is not Kompeten (K); no certificate can be issued.")   \
  ERR(CERT_REVOKED_ALREADY, 409, "This certificate has already been revoked.")                     \
  ERR(CERT_REASON_REQUIRED, 400,                                                                   \
      "A reason (1 to 500 bytes, not blank) is required to revoke, suspend or reinstate.")         \
  ERR(CERT_SUSPENDED_ALREADY, 409, "This certificate is suspended already.")                       \
  ERR(CERT_NOT_SUSPENDED, 409, "This certificate is not suspended; only a suspension is lifted.")  \
  ERR(CERT_NOT_VALID, 409,                                                                         \
      "This certificate is revoked or suspended: its credential and PDF are not handed out.")      \
  ERR(CERT_KEYS_UNAVAILABLE, 503, "Certificate signing keys are not loaded.")                      \
  ERR(RECERT_NOT_YET, 409,                                                                         \
      "Re-certification opens at the first reminder before the certificate expires.")              \
  ERR(RECERT_RENEWED, 409, "This certificate has been renewed already.")                           \
  ERR(RECERT_EXAM_GONE, 409, "The exam of this certificate is no longer offered.")                 \
  ERR(AUDIT_WATCH_UNAVAILABLE, 503, "The audit log's watch is not running.")                       \
  ERR(AUDIT_EXPORT_TOO_LARGE, 413,                                                                 \
      "The export would be larger than 64 MiB; narrow it with the filters (a date range).")        \
  /* --- transparency log --- */                                                                   \
  ERR(LOG_UNAVAILABLE, 503, "The transparency log is not loaded.")                                 \
  ERR(LOG_NO_TILE, 404, "The log has no such tile (not a tile path, or beyond the log's size).")   \
  ERR(LOG_NOT_LOGGED, 404, "This certificate has no issuance entry in the transparency log.")      \
  /* --- reviews, appeals, admin --- */                                                            \
  ERR(NOT_AWAITING_REVIEW, 409, "This attempt is not awaiting review.")                            \
  ERR(OWN_ATTEMPT, 403, "You cannot review your own attempt.")                                     \
  ERR(CLAIM_HELD, 409, "Another assessor is reviewing this attempt.")                              \
  ERR(NOT_CLAIMED, 409, "Claim the attempt first (or your claim has expired).")                    \
  ERR(NOT_DECIDED, 409, "This attempt has no K or BK decision yet.")                               \
  ERR(BAD_MARKS, 400, "The marks do not match the rubric.")                                        \
  ERR(REASON_REQUIRED, 400, "A reason is required for this change.")                               \
  ERR(APPEAL_PERIOD_OVER, 409, "The period for appealing this result has ended.")                  \
  ERR(ALREADY_APPEALED, 409, "This result has already been appealed.")                             \
  ERR(APPEAL_NOT_FOUND, 404, "No such appeal.")                                                    \
  ERR(APPEAL_DECIDED, 409, "This appeal has already been decided.")                                \
  ERR(APPEAL_ASSIGNED_ELSEWHERE, 403, "This appeal is assigned to another assessor.")              \
  ERR(SAME_ASSESSOR, 400, "An appeal must go to a different assessor than the one who decided.")   \
  ERR(NOT_AN_ASSESSOR, 400, "That account is not an active assessor.")                             \
  ERR(USER_NOT_FOUND, 404, "No such user.")                                                        \
  /* --- complaints --- */                                                                         \
  ERR(COMPLAINT_NOT_FOUND, 404, "No such complaint.")                                              \
  ERR(OWN_COMPLAINT, 403, "Nobody handles a complaint they lodged themselves.")                    \
  ERR(COMPLAINT_TAKEN, 409, "This complaint has been taken already.")                              \
  ERR(COMPLAINT_NOT_IN_REVIEW, 409, "Take this complaint first (or it is closed already).")        \
  ERR(COMPLAINT_CLOSED, 409, "This complaint is closed.")                                          \
  /* --- applications and observation --- */                                                       \
  ERR(APPLICATION_NOT_FOUND, 404, "No such application.")                                          \
  ERR(APPLICATION_LOCKED, 409, "This application was found eligible; it can no longer change.")    \
  ERR(APPLICATION_DECIDED, 409, "This application is decided already.")                            \
  ERR(NOT_OBSERVED_UNIT, 404, "This attempt has no such observation unit or KUK.")                 \
  ERR(SCHEDULE_NOT_FOUND, 404, "No such schedule.")                                                \
  ERR(NOT_ENROLLED, 404, "This candidate is not enrolled in the schedule.")                        \
  ERR(ATTENDANCE_MARKED, 409, "This candidate is already marked present.")                         \
  ERR(IMPORT_REFUSED, 422, "The file cannot be imported as it is; see the problems listed.")       \
  ERR(IMPORT_UNREADABLE, 400, "The file cannot be read as CSV or XLSX.")                           \
  ERR(IMPORT_TOO_LARGE, 413, "The file is past the import limits.")                                \
  ERR(CANNOT_DISABLE_SELF, 409, "You cannot disable your own account.")

enum err {
#define UJIKOM_ERR_ENUM(name, status, msg) ERR_##name,
  UJIKOM_ERRORS(UJIKOM_ERR_ENUM)
#undef UJIKOM_ERR_ENUM
      ERR__MAX
};

/* Computes the lower-case names once, at start-up (http_init), before any thread reads them. */
void errors_init(void);

/* Lower-case name ("bad_request"), HTTP status and default message of a registry row. */
const char *err_name(enum err e);
unsigned err_status(enum err e);
const char *err_message(enum err e);

/* The stable reason a detail written "field: ..." gives (its leading identifier, up to ':',
 * '.' or '['), copied into out (at most outlen-1 bytes); "" when it names none. */
void err_reason_of(char *out, size_t outlen, const char *detail);

/* What a person reading lang ("en", else Indonesian) is told about error e. The catalogue
 * (service/web/i18n) has err.<name> for every row of the registry, reason.<name>.<reason>
 * for reasons worth their own sentence, field.<field> for the names of fields. In order: in
 * English a detail (the exact English sentence) when given; reason.<name>.<reason>; for a
 * reason that names a field, err.<name>_field with that field's name; else err.<name>.
 * reason and detail may be NULL. Writes into buf when it fills in a field; returns the text
 * (buf or a catalogue string), never NULL. */
const char *err_text(char *buf, size_t buflen, enum err e, const char *lang, const char *reason,
                     const char *detail);

#endif
