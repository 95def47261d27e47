/*
 * Abuse resistance: counters kept in the store (so they hold across restarts and across
 * several daemons sharing one database), answered with 429 and Retry-After.
 * Login failures get a growing back-off per account, per known device and per client
 * address; anything else (registrations, serial look-ups on the verify form) uses the
 * generic fixed window.
 */
#ifndef UJIKOM_RATELIMIT_H
#define UJIKOM_RATELIMIT_H

#include <stdint.h>

#include "http/server.h"

enum ratelimit_rc {
  RATELIMIT_OK = 0,      /* allowed: the handler continues */
  RATELIMIT_REPLIED = 1, /* refused: a 429 (or 503 when the store failed) was already sent */
};

/* Counts one request under key (e.g. "verify:ip:<addr>"; the caller builds the key, which
 * must be under 200 bytes) and allows at most limit per window_s seconds; over the limit
 * the key stays blocked until window_s seconds after the refusal. On RATELIMIT_REPLIED the
 * handler must return without replying again. */
enum ratelimit_rc ratelimit_hit(struct req *r, const char *key, long limit, long window_s);

/* The buckets of the login back-off (docs/security.md, "Lock-out"):
 * - an account's shared bucket, "login:acct:" + SHA-256 (hex) of the e-mail with ASCII case
 *   folded (one key length for every address), where attempts from unknown devices count;
 * - a known device's own bucket, "login:dev:" + the device token's hash, for a browser that
 *   has logged in to this account before (the caller checks that binding), so guesses from
 *   elsewhere never hold the owner's device;
 * - the client address's bucket, "login:ip:<addr>", where every failure counts and which
 *   holds unknown devices only. */

/* Writes the key of the bucket an attempt counts in: the device's when device_hash is not
 * NULL, else the account's. outlen >= RATELIMIT_LOGIN_KEY_MAX. 0, or -1 when hashing failed
 * (out is then empty). */
#define RATELIMIT_LOGIN_KEY_MAX 96
int ratelimit_login_key(char *out, size_t outlen, const char *email, const char *device_hash);

/* Before checking a password: refuses with 429 + Retry-After while the bucket (the known
 * device's, or for an unknown device the account's shared one and the client address) is
 * in its back-off; otherwise counts this attempt in the bucket in the same transaction, so
 * parallel guesses cannot slip past the limit: the attempt that reaches login-max-failures,
 * and each one after a back-off ran out, goes ahead but starts the next (doubled) back-off
 * at once. A successful login clears the bucket (ratelimit_login_succeeded). */
enum ratelimit_rc ratelimit_login_begin(struct req *r, const char *email, const char *device_hash);

/* Before a check-in code is tried (it names no account): refuses with 429 + Retry-After while
 * the client address is in its back-off, counting nothing; a refused code is then counted
 * with ratelimit_login_failed, so guessing codes slows down as guessing passwords does. */
enum ratelimit_rc ratelimit_address_begin(struct req *r);
/* After a wrong password (or unknown account): counts the failure for the client address
 * (the attempt was counted in its bucket by ratelimit_login_begin) and, past its limit,
 * starts or doubles the address's back-off. Returns 0, or -1 when the store could not
 * record it (the caller still answers 401). */
int ratelimit_login_failed(struct req *r);

/* After a successful login: forgets the failures in the bucket the attempt counted in (the
 * address's stay, so one good account cannot be used to reset a guessing run against
 * others; a known device's success leaves the shared bucket to the guesser). 0 or -1. */
int ratelimit_login_succeeded(struct req *r, const char *email, const char *device_hash);

/* Sends 429 with Retry-After: retry_after_s (at least 1); returns reply_error's value. */
int ratelimit_reply(struct req *r, int64_t retry_after_s);

#endif
