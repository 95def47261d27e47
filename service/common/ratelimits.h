/*
 * Rate-limit counters kept no longer than they count.
 *
 * Every limit (log-in failures and back-offs, registrations, certificate-number look-ups,
 * password-reset requests and mails, complaints) keeps a counter in the store under a key
 * that names a client address, an account's e-mail hash or a device: personal data
 * (Indonesia's UU 27/2022), and one row per address that ever asked. A counter whose window
 * has ended and whose back-off (if any) has run out counts nothing any more: the next hit
 * starts a new window and an ended block is forgotten (store_ratelimit_hit), the log-in
 * back-off doubles only within a window. Deleting such a counter therefore changes no
 * answer, and the periodic sweep does it.
 *
 * Hourly quotas (complaints, downloads of a person's data) are counted in the transaction
 * that does what they count, so that requests sent at once cannot pass them and a refused
 * or failed use counts nothing.
 */
#ifndef UJIKOM_COMMON_RATELIMITS_H
#define UJIKOM_COMMON_RATELIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"

/* Counters one transaction forgets at most. */
#define RATELIMITS_FORGET_BATCH 1000

/* The longest window any limit of this daemon counts in, in milliseconds: an hour, or
 * --login-window when longer. */
int64_t ratelimits_longest_window_ms(const struct config *cfg);

/* Forgets, at now_ms, the counters whose window started more than longest_window_ms ago
 * and whose back-off has ended, at most RATELIMITS_FORGET_BATCH in one transaction.
 * STORE_OK with *out_n (fewer than RATELIMITS_FORGET_BATCH: none is left), or the store's
 * negative code. */
int ratelimits_forget(size_t *out_n, struct svc *svc, int64_t now_ms, int64_t longest_window_ms);

/* Counts one use of key's quota of per_hour uses an hour, inside the caller's transaction:
 * STORE_OK; STORE_CONFLICT when the hour's uses are spent, with *out_retry_after_s (seconds
 * until the hour's window ends, at least 1) — the caller ends its transaction with that code,
 * so that the refused use, rolled back, counts nothing; or the store's negative code. */
int ratelimits_hourly_take(struct store_tx *tx, const char *key, int64_t per_hour,
                           int64_t *out_retry_after_s);

/* Whether key's quota of per_hour uses an hour is spent at now_ms, read without counting
 * (before costly work whose use would then be refused): STORE_OK with *out_spent, and
 * *out_retry_after_s as above when it is; or the store's negative code. */
int ratelimits_hourly_spent(struct store_rd *rd, const char *key, int64_t per_hour, int64_t now_ms,
                            bool *out_spent, int64_t *out_retry_after_s);

#endif
