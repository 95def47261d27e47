/*
 * Changes of an account's e-mail address waiting for the new address to confirm them: one
 * row per link, keyed by the SHA-256 (hex) of its token; the token itself is never stored.
 * What a link allows, and when, is the email_change module's rule
 * (service/common/email_change.c); this is only what is kept.
 */
#ifndef UJIKOM_STORE_EMAIL_CHANGE_H
#define UJIKOM_STORE_EMAIL_CHANGE_H

#include <stdint.h>

struct store_tx;
struct store_rd;

struct store_email_change {
  char token_hash[65]; /* lower-case hex SHA-256 of the token */
  int64_t user_id;
  char email[255]; /* the address asked for, 3..254 bytes */
  int64_t created_ms;
  int64_t expires_ms;
  int64_t used_ms; /* 0 while unused */
};

/* Stores a new link (every field of *c but used_ms) after ending the account's earlier unused
 * ones (used_at = created_ms: one change waits at a time). STORE_OK, STORE_EXISTS (hash
 * collision: make a new token), STORE_HARD when the user does not exist, a field breaks the
 * table's checks or expires_ms <= created_ms, or negative. */
int store_email_change_create(struct store_tx *tx, const struct store_email_change *c);

/* Looks a link up by its token's hash: STORE_OK with *out filled, STORE_NONE when unknown
 * (used and expired links are still found: the caller decides). */
int store_email_change_get(struct store_rd *rd, struct store_email_change *out,
                           const char *token_hash);

/* The account's change still waiting at now_ms (unused, not expired; the newest): STORE_OK
 * with *out filled, or STORE_NONE. */
int store_email_change_pending(struct store_rd *rd, struct store_email_change *out, int64_t user_id,
                               int64_t now_ms);

/* Uses the link once: sets used_at = now_ms when it is unused and not expired at now_ms, in
 * one statement. STORE_OK when this call used it, STORE_NONE when it was unknown, used
 * already or expired, or negative. */
int store_email_change_use(struct store_tx *tx, const char *token_hash, int64_t now_ms);

/* Ends every unused link of an account (its address was just set another way, or the holder
 * withdrew the request): used_at = now_ms. *out_n (may be NULL) receives how many. */
int store_email_change_end_user(struct store_tx *tx, int64_t user_id, int64_t now_ms,
                                int64_t *out_n);

/* Deletes links that expired before before_ms. STORE_OK or negative. */
int store_email_change_purge(struct store_tx *tx, int64_t before_ms, int64_t *out_n);

#endif
