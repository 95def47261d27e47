/*
 * Password-reset links in the store: one row per link, keyed by the SHA-256 (hex) of its
 * token; the token itself is never stored. What a link allows, and when, is the recovery
 * module's rule (service/common/recovery.c); this is only what is kept.
 */
#ifndef UJIKOM_STORE_PASSWORD_RESET_H
#define UJIKOM_STORE_PASSWORD_RESET_H

#include <stdint.h>

struct store_tx;
struct store_rd;

/* issued_by of a link the account holder requested by e-mail. */
#define STORE_RESET_SELF (-1)

struct store_reset {
  char token_hash[65]; /* lower-case hex SHA-256 of the token */
  int64_t user_id;
  int64_t issued_by; /* administrator's id, STORE_AUDIT_SYSTEM (command line) or STORE_RESET_SELF */
  int64_t created_ms;
  int64_t expires_ms;
  int64_t used_ms; /* 0 while unused */
};

/* Stores a new link (every field of *r but used_ms). STORE_OK, STORE_EXISTS (hash collision:
 * make a new token), STORE_HARD when the user does not exist or expires_ms <= created_ms, or
 * negative. */
int store_reset_create(struct store_tx *tx, const struct store_reset *r);

/* Looks a link up by its token's hash: STORE_OK with *out filled, STORE_NONE when unknown
 * (used and expired links are still found: the caller decides). */
int store_reset_get(struct store_rd *rd, struct store_reset *out, const char *token_hash);

/* Uses the link once: sets used_at = now_ms when it is unused and not expired at now_ms, in
 * one statement. STORE_OK when this call used it, STORE_NONE when it was unknown, used
 * already or expired, or negative. */
int store_reset_use(struct store_tx *tx, const char *token_hash, int64_t now_ms);

/* Ends every unused link of a user (a password was just set): used_at = now_ms. *out_n (may
 * be NULL) receives how many. STORE_OK or negative. */
int store_reset_end_user(struct store_tx *tx, int64_t user_id, int64_t now_ms, int64_t *out_n);

/* Deletes links that expired before before_ms. STORE_OK or negative. */
int store_reset_purge(struct store_tx *tx, int64_t before_ms, int64_t *out_n);

#endif
