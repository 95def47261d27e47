/*
 * The staff second factor (TOTP, RFC 6238): enrolment (a fresh secret and its otpauth URI,
 * then confirmation with a first code, which gives one-time recovery codes shown once), the
 * code step of a log-in (a short-lived ticket from a correct password, then a code or a
 * recovery code), the replay guard, the reset by an administrator or the command line, and
 * whether the factor is due or required. Candidates stay on passwords.
 *
 * Secrets at rest: the TOTP secret is sealed with AES-256-GCM under a key derived from a
 * dedicated key file, <data-dir>/second-factor.key (32 random bytes, mode 0600), bound to
 * the account id, so the database alone (a backup, a stolen copy) does not give the codes.
 * Recovery codes are stored as HMAC-SHA256 under a second key derived from the same file.
 * The signing keys are not used for this: they rotate, and a rotation must not lock staff
 * out.
 */
#ifndef UJIKOM_SECOND_FACTOR_H
#define UJIKOM_SECOND_FACTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/svc.h"
#include "ujikom/session_token.h"
#include "ujikom/states.h"
#include "ujikom/totp.h"

/* The key file under the data directory. */
#define SECOND_FACTOR_KEY_FILE "second-factor.key"
#define SECOND_FACTOR_KEY_LEN  32
/* Characters of a sealed secret ("v1." and base64url of nonce, ciphertext and tag). */
#define SECOND_FACTOR_SEALED_SIZE 72
/* Characters of a recovery code's keyed hash (hex) and its NUL. */
#define SECOND_FACTOR_HASH_SIZE 65
/* A log-in ticket lives this long, and is worn out after this many wrong codes (the login
 * back-off counts each of them too). */
#define SECOND_FACTOR_TICKET_TTL_MS       300000 /* five minutes */
#define SECOND_FACTOR_TICKET_MAX_FAILURES 5

enum second_factor_rc {
  SECOND_FACTOR_OK = 0,
  SECOND_FACTOR_NOT_STAFF,        /* candidates have no second factor */
  SECOND_FACTOR_ALREADY_ENROLLED, /* a confirmed factor exists: a reset comes first */
  SECOND_FACTOR_NOT_PENDING,      /* confirming without an enrolment begun */
  SECOND_FACTOR_NOT_ENROLLED,     /* the account has no factor (reset) */
  SECOND_FACTOR_NO_ACCOUNT,       /* no account with this e-mail address (reset) */
  SECOND_FACTOR_OWN_RESET,        /* an admin resetting their own factor (ask another admin) */
  SECOND_FACTOR_BAD_CODE,         /* not a well-formed code or recovery code */
  SECOND_FACTOR_WRONG_CODE,       /* well-formed, but matches nothing */
  SECOND_FACTOR_REPLAYED,         /* the code's time step was already used */
  SECOND_FACTOR_BAD_TICKET,       /* unknown, expired or worn-out log-in ticket */
  SECOND_FACTOR_STORE_FAILED,     /* the store failed: *out_store_rc says how */
  SECOND_FACTOR_INTERNAL,         /* no key loaded, no randomness, crypto or memory failure */
};

enum second_factor_state {
  SECOND_FACTOR_STATE_NONE = 0,
  SECOND_FACTOR_STATE_PENDING,
  SECOND_FACTOR_STATE_CONFIRMED,
};

/* The sealing and recovery-code keys (opaque; immutable once made, shared between threads). */
struct second_factor_key;

/* Reads <data_dir>/second-factor.key, creating it (O_EXCL|O_NOFOLLOW, 0600) when it is
 * missing and create is true. Refuses a symlink, a file readable or writable by group or
 * others, or one of the wrong size, with one line in err. On 0 *out is the caller's to free
 * with second_factor_key_free. */
int second_factor_key_open(struct second_factor_key **out, const char *data_dir, bool create,
                           char *err, size_t errlen);
/* The keys derived from SECOND_FACTOR_KEY_LEN bytes of key material (for tests and the
 * file reader). NULL when out of memory. */
struct second_factor_key *second_factor_key_from(const uint8_t material[SECOND_FACTOR_KEY_LEN]);
/* Wipes and frees. NULL allowed. */
void second_factor_key_free(struct second_factor_key *key);

/* Seals a TOTP secret for account user_id: 0 with the text in out, -1 on a crypto failure. */
int second_factor_seal(char out[SECOND_FACTOR_SEALED_SIZE], const struct second_factor_key *key,
                       int64_t user_id, const uint8_t secret[TOTP_SECRET_LEN]);
/* Opens a sealed secret of account user_id: 0, or -1 when it is malformed, was sealed under
 * another key or for another account, or was altered. out is wiped on failure. */
int second_factor_unseal(uint8_t out[TOTP_SECRET_LEN], const struct second_factor_key *key,
                         int64_t user_id, const char *sealed);
/* The keyed hash (hex) of a normalised recovery code (totp_recovery_normalize) of account
 * user_id. 0 or -1. */
int second_factor_recovery_hash(char out[SECOND_FACTOR_HASH_SIZE],
                                const struct second_factor_key *key, int64_t user_id,
                                const char *normalized);

/* True for the roles that have a second factor (assessor, admin). */
bool second_factor_applies(enum role role);
/* True when --staff-2fa is "required". */
bool second_factor_enforced(const struct config *cfg);
/* True when value is a valid --staff-2fa ("optional" or "required"). */
bool second_factor_mode_valid(const char *value);

/* The account's factor: its state and, when confirmed, the unused recovery codes. */
struct second_factor_status {
  enum second_factor_state state;
  int64_t recovery_left;
};
enum second_factor_rc second_factor_status_get(struct second_factor_status *out, struct svc *svc,
                                               int64_t user_id, int *out_store_rc);

/* Begins (or restarts) an enrolment of a staff account: a fresh secret, stored sealed and
 * pending. On OK out->secret_b32 is the secret for typing and out->uri the otpauth URI for
 * the QR code (issuer --cert-issuer, account the e-mail address); clear out with
 * second_factor_enrolment_clear either way. */
struct second_factor_enrolment {
  char secret_b32[TOTP_SECRET_B32_LEN + 1];
  char *uri;
};
enum second_factor_rc second_factor_enrol_begin(struct second_factor_enrolment *out,
                                                struct svc *svc, int64_t user_id, enum role role,
                                                const char *account, int *out_store_rc);
void second_factor_enrolment_clear(struct second_factor_enrolment *e);

/* Confirms the pending enrolment with a code from the app (which starts the replay guard)
 * and issues TOTP_RECOVERY_COUNT recovery codes into out_codes, shown to the user once;
 * audited. On anything but OK out_codes is wiped. */
enum second_factor_rc
second_factor_enrol_confirm(char out_codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT_SIZE],
                            struct svc *svc, int64_t user_id, const char *code, int64_t now_ms,
                            int *out_store_rc);

/* After a correct password: true when the account must give a code before it gets a session
 * (a staff account with a confirmed factor). False also when the store could not say
 * (*out_store_rc < 0): the caller answers 503 then. */
bool second_factor_due(struct svc *svc, int64_t user_id, enum role role, int *out_store_rc);

/* Issues a log-in ticket for the code step (SECOND_FACTOR_TICKET_TTL_MS). */
enum second_factor_rc second_factor_ticket_issue(char out_ticket[SESSION_TOKEN_LEN + 1],
                                                 struct svc *svc, int64_t user_id, int64_t now_ms,
                                                 int *out_store_rc);
/* The account a ticket was issued for, without using it: OK, or BAD_TICKET. */
enum second_factor_rc second_factor_ticket_user(int64_t *out_user_id, struct svc *svc,
                                                const char *ticket, int64_t now_ms,
                                                int *out_store_rc);

/* The code step: with the ticket of account user_id, exactly one of code (TOTP) and
 * recovery (a recovery code) non-NULL. OK uses the ticket up, moves the replay guard
 * forward (code) or uses the recovery code up (once; audited), and sets *out_used_recovery.
 * WRONG_CODE, REPLAYED and BAD_CODE count against the ticket, which wears out after
 * SECOND_FACTOR_TICKET_MAX_FAILURES. */
enum second_factor_rc second_factor_login(bool *out_used_recovery, struct svc *svc, int64_t user_id,
                                          const char *ticket, const char *code,
                                          const char *recovery, int64_t now_ms, int *out_store_rc);

/* Removes the factor of the account with this e-mail address (it enrols again at its next
 * log-in); audited with actor (STORE_AUDIT_SYSTEM for the command line). *out_user_id gets
 * the account. NO_ACCOUNT for an unknown address, NOT_ENROLLED when it had no factor. */
enum second_factor_rc second_factor_reset(int64_t *out_user_id, struct store *store, int64_t actor,
                                          const char *email, int *out_store_rc);
/* The same for an administrator acting on account user_id through the API: OWN_RESET when
 * actor is user_id (a stolen session must not be able to move its own account's factor),
 * NOT_ENROLLED when it has none (also for an unknown id). */
enum second_factor_rc second_factor_reset_account(struct store *store, int64_t actor,
                                                  int64_t user_id, int *out_store_rc);

#endif
