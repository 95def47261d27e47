/*
 * Accounts, login sessions and rate-limit counters in the store. Password hashing, cookies
 * and the HTTP side live elsewhere (the auth module); this is only what is kept.
 * E-mail addresses are unique regardless of ASCII case.
 */
#ifndef UJIKOM_STORE_USERS_H
#define UJIKOM_STORE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/device_kind.h"
#include "ujikom/person_name.h"
#include "ujikom/states.h"

struct store_tx;
struct store_rd;

struct store_user {
  int64_t id;
  char email[255];             /* 3..254 bytes */
  char name[PERSON_NAME_SIZE]; /* 1..200 characters (person_name_for_record) */
  enum role role;              /* ROLE_CANDIDATE, ROLE_ASSESSOR or ROLE_ADMIN */
  char password_hash[256];
  bool disabled;
  int64_t created_ms;
};

/* Creates a user (created_at = the transaction's time). *out_id receives the new id.
 * Returns STORE_OK, STORE_EXISTS when the e-mail (any case) is taken, STORE_HARD for an
 * invalid role or a field that breaks the table's checks, or negative on storage errors. */
int store_user_create(struct store_tx *tx, int64_t *out_id, const char *email, const char *name,
                      enum role role, const char *password_hash);

/* Look-ups: STORE_OK with *out filled, STORE_NONE when there is no such user. */
int store_user_by_id(struct store_rd *rd, struct store_user *out, int64_t id);
int store_user_by_email(struct store_rd *rd, struct store_user *out, const char *email);

/* Changes: STORE_OK, STORE_NONE when there is no such user, or negative. */
int store_user_set_disabled(struct store_tx *tx, int64_t id, bool disabled);
int store_user_set_password(struct store_tx *tx, int64_t id, const char *password_hash);
int store_user_set_role(struct store_tx *tx, int64_t id, enum role role);
/* name as accounts_name normalised it (the table checks its length). */
int store_user_set_name(struct store_tx *tx, int64_t id, const char *name);
/* email checked by accounts_email_valid; STORE_EXISTS when another account has it (any
 * case). */
int store_user_set_email(struct store_tx *tx, int64_t id, const char *email);

/* Users ordered by id, optionally only one role (role NULL = all), at most limit (1..1000)
 * with id > after_id. On STORE_OK *out is an array of *out_n users (possibly 0) that the
 * caller frees with store_user_list_free. */
int store_user_list(struct store_rd *rd, struct store_user **out, size_t *out_n,
                    const enum role *role, int64_t after_id, int limit);
void store_user_list_free(struct store_user *list, size_t n);

/* What a search of accounts keeps: text is matched case-insensitively (ASCII letters) as a
 * part of the name or the e-mail address (NULL or "" = any), role NULL = any, disabled
 * STORE_USER_ANY or 0/1. */
#define STORE_USER_ANY (-1)
struct store_user_filter {
  const char *text;
  const enum role *role;
  int disabled;
};

/* Keyset paging over accounts: the users matching f (NULL = all) with id > after_id,
 * ordered by id, at most limit (1..1000). With out_more (NULL: not
 * asked), whether more follow, read in the same statement. As store_user_list otherwise. */
int store_user_search(struct store_rd *rd, struct store_user **out, size_t *out_n,
                      const struct store_user_filter *f, int64_t after_id, int limit,
                      bool *out_more);

/* Number of users with a role (NULL = all): for "is there an admin yet?". */
int store_user_count(struct store_rd *rd, int64_t *out, const enum role *role);

/* --- sessions: the token is never stored, only its SHA-256 in hex (64 chars) --- */
struct store_session {
  char token_hash[65];
  int64_t user_id;
  int64_t created_ms;
  int64_t last_seen_ms;
  int64_t expires_ms;          /* idle expiry: moves forward on each use */
  int64_t absolute_expires_ms; /* hard limit from creation */
  /* A check-in session (common/checkin.h) reaches only the exam of this schedule; 0 for a
   * session of a password log-in. */
  int64_t scope_schedule_id;
  /* Filled by store_session_user_get only: the scope schedule's exam ("" when unscoped or the
   * schedule is gone), and the session state generation read in the same statement
   * (store_session_state_generation). */
  char scope_exam_id[41];
  int64_t generation;
  /* The kind of device it was started from (device_kind_code: "chrome/android"; "" when
   * not recognised). Written by store_session_create, read by store_session_get only. */
  char device[DEVICE_KIND_CODE_SIZE];
};

/* Stores a new session (all fields of *s). STORE_OK, STORE_EXISTS (hash collision: make a
 * new token), STORE_HARD if the user does not exist, or negative. */
int store_session_create(struct store_tx *tx, const struct store_session *s);

/* Looks the session up and, if it is still valid at now_ms, records the use:
 * last_seen = now, expires = min(now + idle_ms, absolute expiry). Returns STORE_OK with
 * *out filled (after the touch), STORE_NONE when unknown or expired (an expired session is
 * deleted). */
int store_session_touch(struct store_tx *tx, struct store_session *out, const char *token_hash,
                        int64_t now_ms, int64_t idle_ms);

/* Read-only look-up without touching: STORE_OK / STORE_NONE (expiry is not checked). */
int store_session_get(struct store_rd *rd, struct store_session *out, const char *token_hash);
/* The session and its user in one look-up (a request's authentication): STORE_OK with both
 * filled (the user's password_hash left empty), STORE_NONE when there is no such session or
 * its user is gone (expiry is not checked). */
int store_session_user_get(struct store_rd *rd, struct store_session *out_session,
                           struct store_user *out_user, const char *token_hash);

/* The session state generation (migration 0035): raised, in the same transaction, by every
 * write that could end a session or change what store_session_user_get reads with it,
 * whoever makes it (triggers). A copy of that read stays true while it is unchanged. */
int store_session_state_generation(struct store_rd *rd, int64_t *out);

/* Deletes one session (logout): STORE_OK, or STORE_NONE when it did not exist. */
int store_session_delete(struct store_tx *tx, const char *token_hash);
/* Deletes every session of a user (password change, account disabled); *out_n (may be
 * NULL) receives the count. STORE_OK or negative. */
int store_session_delete_user(struct store_tx *tx, int64_t user_id, int64_t *out_n);
/* Deletes every session of a user but the one whose token hashes to keep_hash (signing out
 * of the other devices); *out_n (may be NULL) receives the count. STORE_OK or negative. */
int store_session_delete_others(struct store_tx *tx, int64_t user_id, const char *keep_hash,
                                int64_t *out_n);
/* Deletes user_id's session whose id (struct store_session_info) is id: STORE_OK, STORE_NONE
 * when the user has none such (another user's is never touched), or negative. */
int store_session_delete_mine(struct store_tx *tx, int64_t user_id, const char *id);
/* Deletes sessions expired at now_ms. STORE_OK or negative. */
int store_session_purge(struct store_tx *tx, int64_t now_ms, int64_t *out_n);

/* --- rate limits: fixed-window counters keyed by free text ("login:ip:1.2.3.4") --- */
struct store_ratelimit {
  int64_t window_start_ms;
  int64_t count;            /* hits in the current window */
  int64_t blocked_until_ms; /* 0 when not blocked */
};

/* Counts one hit on key at now_ms. A window older than window_ms starts afresh (count 1);
 * when the count goes above limit the key is blocked until now + block_ms (counting
 * continues while blocked, but does not extend the block). *out holds the state after the
 * hit; the caller refuses the request when out->blocked_until_ms > now_ms.
 * Returns STORE_OK or negative. Relies on the serial write transaction (store.h,
 * "Isolation"): the count is read, then written back. */
int store_ratelimit_hit(struct store_tx *tx, struct store_ratelimit *out, const char *key,
                        int64_t now_ms, int64_t window_ms, int64_t limit, int64_t block_ms);
/* Current state without counting: STORE_OK, or STORE_NONE when the key has no counter. */
int store_ratelimit_get(struct store_rd *rd, struct store_ratelimit *out, const char *key);
/* Forgets the counter (e.g. after a successful login): STORE_OK (also when absent). */
int store_ratelimit_reset(struct store_tx *tx, const char *key);
/* Deletes the counters whose key starts with prefix (not empty) and whose window started,
 * and any block ended, before before_ms: counters no check reads any more. *out_n (may be
 * NULL) receives the count. STORE_OK or negative. */
int store_ratelimit_purge(struct store_tx *tx, const char *prefix, int64_t before_ms,
                          int64_t *out_n);
/* Deletes at most limit (>= 1) counters, of any key, whose window started before
 * window_before_ms and whose block (if any) ended by now_ms: the periodic forgetting of
 * counters that count nothing any more (common/ratelimits.h). *out_n receives how many.
 * STORE_OK or negative. */
int store_ratelimit_forget(struct store_tx *tx, int64_t window_before_ms, int64_t now_ms,
                           int64_t limit, int64_t *out_n);

/* --- known login devices: a browser that logged in to an account keeps a random device
 * token; only its SHA-256 (hex, 64 characters) is stored, with the account. --- */
/* The account the device token_hash logged in to, when its last login was at or after
 * used_since_ms: STORE_OK with *out_user_id, STORE_NONE when it is unknown or was unused
 * since, or negative. */
int store_login_device_user(struct store_rd *rd, const char *token_hash, int64_t used_since_ms,
                            int64_t *out_user_id);
/* How many devices other than token_hash (NULL: any) logged in to user_id at or after
 * used_since_ms: STORE_OK with *out_n, or negative. */
int store_login_device_others(struct store_rd *rd, int64_t user_id, const char *token_hash,
                              int64_t used_since_ms, int64_t *out_n);
/* Records a successful login of user_id from the device token_hash at now_ms (adds it, or
 * moves its last use); then keeps only the user's keep most recently used devices and
 * forgets every device unused since before unused_before_ms. STORE_OK or negative. */
int store_login_device_put(struct store_tx *tx, const char *token_hash, int64_t user_id,
                           int64_t now_ms, int64_t keep, int64_t unused_before_ms);

/* An account's sessions ("session": started, last used, idle expiry) and known login devices
 * ("device": first and last log-in, expires_ms 0), most recently used first, at most limit
 * (1..1000): when and how often it was used, without the tokens. On STORE_OK *out (free())
 * holds *out_n entries. */
struct store_sign_in {
  char kind[8]; /* "session" or "device" */
  int64_t created_ms;
  int64_t last_ms;
  int64_t expires_ms;
  char device[DEVICE_KIND_CODE_SIZE]; /* a session's, as in struct store_session; "" else */
};
int store_user_sign_ins(struct store_rd *rd, struct store_sign_in **out, size_t *out_n,
                        int64_t user_id, int limit);

/* A user's sessions still valid at now_ms, most recently used first, at most limit (1..1000;
 * free *out): when each began, was last used and expires (the earlier of its idle and
 * absolute expiry), whether it is the one whose token hashes to current_hash (NULL or "":
 * none), whether a check-in code started it, and the kind of device it was started from.
 * STORE_OK or negative. */
/* A session as its holder names it (the sessions page, the API): the first
 * STORE_SESSION_ID_LEN hex digits of its token's hash. Enough to tell one account's
 * sessions apart, and nothing from which its token could be found. */
#define STORE_SESSION_ID_LEN 16
struct store_session_info {
  char id[STORE_SESSION_ID_LEN + 1];
  int64_t created_ms;
  int64_t last_ms;
  int64_t expires_ms;
  bool current;
  bool checkin;
  char device[DEVICE_KIND_CODE_SIZE]; /* as in struct store_session */
};
int store_user_sessions(struct store_rd *rd, struct store_session_info **out, size_t *out_n,
                        int64_t user_id, const char *current_hash, int64_t now_ms, int limit);

#endif
