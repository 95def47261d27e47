/*
 * Public credential URLs: at most one share token per certificate, made and removed by its
 * holder. Who may share, and the audit entry, are the share module's (common/share.h).
 */
#ifndef UJIKOM_STORE_SHARE_H
#define UJIKOM_STORE_SHARE_H

#include <stdint.h>

#include "ujikom/session_token.h"

struct store_tx;
struct store_rd;

struct store_share {
  char serial[26];
  char token[SESSION_TOKEN_LEN + 1];
  int64_t created_ms;
};

/* Stores s (a certificate without a share yet). STORE_OK, STORE_CONFLICT when the
 * certificate has one already (nothing changed), STORE_HARD for a value outside the table's
 * checks, or negative. */
int store_share_put(struct store_tx *tx, const struct store_share *s);
/* Removes the share of serial: STORE_OK, STORE_NONE when there was none, or negative. */
int store_share_delete(struct store_tx *tx, const char *serial);
/* The share of serial: STORE_OK (*out filled), STORE_NONE, or negative. */
int store_share_by_serial(struct store_rd *rd, struct store_share *out, const char *serial);
/* The share a token opens: STORE_OK (*out filled), STORE_NONE, or negative. */
int store_share_by_token(struct store_rd *rd, struct store_share *out, const char *token);

#endif
