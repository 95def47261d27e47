/*
 * Abuse resistance: counters kept in the store (so they hold across restarts and across
 * several daemons sharing one database), answered with 429 and Retry-After.
 * Login failures get a growing back-off per account and per client address; anything else
 * (registrations, serial look-ups on the verify form) uses the generic fixed window.
 */
#ifndef UJIKOM_RATELIMIT_H
#define UJIKOM_RATELIMIT_H

#include <stdint.h>

#include "http/http.h"

enum ratelimit_rc {
  RATELIMIT_OK = 0,      /* allowed: the handler continues */
  RATELIMIT_REPLIED = 1, /* refused: a 429 (or 503 when the store failed) was already sent */
};

/* Counts one request under key (e.g. "verify:ip:<addr>"; the caller builds the key, which
 * must be under 200 bytes) and allows at most limit per window_s seconds; over the limit
 * the key stays blocked until window_s seconds after the refusal. On RATELIMIT_REPLIED the
 * handler must return without replying again. */
enum ratelimit_rc ratelimit_hit(struct req *r, const char *key, long limit, long window_s);

/* Before checking a password: refuses with 429 + Retry-After while the account (key from
 * the e-mail, ASCII case folded) or the client address is in its back-off. */
enum ratelimit_rc ratelimit_login_check(struct req *r, const char *email);

/* After a wrong password (or unknown account): counts the failure for the account and the
 * address and, past their limits, starts or doubles the back-off (capped by config).
 * Returns 0, or -1 when the store could not record it (the caller still answers 401). */
int ratelimit_login_failed(struct req *r, const char *email);

/* After a successful login: forgets the account's failures (the address's stay, so one
 * good account cannot be used to reset a guessing run against others). 0 or -1. */
int ratelimit_login_succeeded(struct req *r, const char *email);

/* Sends 429 with Retry-After: retry_after_s (at least 1); returns reply_error's value. */
int ratelimit_reply(struct req *r, int64_t retry_after_s);

#endif
