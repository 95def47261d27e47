/*
 * Public credential URLs: the rules of making, ending and opening them.
 */
#include "common/share.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/audit_text.h"
#include "ujikom/cert.h"
#include "ujikom/session_token.h"

struct share_ctx {
  int64_t holder;
  char serial[CERT_SERIAL_SIZE];
  struct store_share share;
  bool created;
  bool valid;            /* the certificate is neither revoked nor suspended */
  enum share_rc refusal; /* SHARE_OK, or why nothing was written */
};

static enum share_rc store_failed(int *out_store_rc, int rc) {
  *out_store_rc = rc < 0 ? rc : STORE_HARD;
  return SHARE_STORE_FAILED;
}

/* The audit entry of a share made or ended: the serial, never the token. */
static int audit_share(struct store_tx *tx, int64_t holder, const char *action,
                       const char *serial) {
  char subject[48];
  snprintf(subject, sizeof subject, "certificate:%s", serial);
  char *after = audit_text(json_pack("{s:s}", "serial", serial));
  int rc = NULL == after ? STORE_UNAVAILABLE
                         : store_audit_append(tx, NULL, holder, action, subject, NULL, after);
  free(after);
  return rc;
}

/* The certificate must be the holder's; a refusal writes nothing. */
static int holder_check(struct store_tx *tx, struct share_ctx *c) {
  struct store_cert cert;
  memset(&cert, 0, sizeof cert);
  int rc = store_cert_by_serial_brief(store_tx_rd(tx), &cert, c->serial);
  bool mine = STORE_OK == rc && cert.user_id == c->holder;
  c->valid = STORE_OK == rc && 0 == strcmp(cert.status, STORE_CERT_VALID);
  store_cert_clear(&cert);
  if (STORE_NONE == rc || (STORE_OK == rc && !mine)) {
    c->refusal = SHARE_NOT_FOUND;
    return STORE_CONFLICT;
  }
  return rc;
}

static int create_txn(struct store_tx *tx, void *arg) {
  struct share_ctx *c = arg;
  c->created = false;
  c->refusal = SHARE_OK;
  int rc = holder_check(tx, c);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_share_by_serial(store_tx_rd(tx), &c->share, c->serial);
  if (STORE_NONE != rc) {
    return rc; /* STORE_OK: shared already, the same URL again */
  }
  if (!c->valid) {
    c->refusal = SHARE_NOT_VALID; /* nothing to vouch for: no new URL */
    return STORE_CONFLICT;
  }
  memset(&c->share, 0, sizeof c->share);
  memcpy(c->share.serial, c->serial, sizeof c->share.serial);
  if (0 != session_token_new(c->share.token)) {
    return STORE_UNAVAILABLE;
  }
  c->share.created_ms = store_tx_now_ms(tx);
  rc = store_share_put(tx, &c->share);
  if (STORE_OK == rc) {
    rc = audit_share(tx, c->holder, "certificate.share", c->serial);
  }
  c->created = STORE_OK == rc;
  return rc;
}

static int remove_txn(struct store_tx *tx, void *arg) {
  struct share_ctx *c = arg;
  c->refusal = SHARE_OK;
  int rc = holder_check(tx, c);
  if (STORE_OK == rc) {
    rc = store_share_delete(tx, c->serial);
  }
  if (STORE_NONE == rc) {
    c->refusal = SHARE_NOT_FOUND;
    return STORE_CONFLICT;
  }
  return STORE_OK == rc ? audit_share(tx, c->holder, "certificate.unshare", c->serial) : rc;
}

/* Runs fn for holder's certificate serial; the outcome as share_rc. */
static enum share_rc run(struct share_ctx *c, struct svc *svc, int64_t holder, const char *serial,
                         int (*fn)(struct store_tx *, void *), int *out_store_rc) {
  *out_store_rc = STORE_OK;
  memset(c, 0, sizeof *c);
  c->holder = holder;
  if (NULL == serial || 0 != cert_serial_parse(c->serial, NULL, serial)) {
    return SHARE_NOT_FOUND;
  }
  int rc = store_txn(svc->store, fn, c);
  if (STORE_CONFLICT == rc && SHARE_OK != c->refusal) {
    return c->refusal;
  }
  return STORE_OK == rc ? SHARE_OK : store_failed(out_store_rc, rc);
}

enum share_rc share_create(struct store_share *out, bool *out_created, struct svc *svc,
                           int64_t holder, const char *serial, int *out_store_rc) {
  struct share_ctx c;
  enum share_rc rc = run(&c, svc, holder, serial, create_txn, out_store_rc);
  memset(out, 0, sizeof *out);
  *out_created = SHARE_OK == rc && c.created;
  if (SHARE_OK == rc) {
    *out = c.share;
  }
  OPENSSL_cleanse(&c.share, sizeof c.share);
  return rc;
}

enum share_rc share_remove(struct svc *svc, int64_t holder, const char *serial, int *out_store_rc) {
  struct share_ctx c;
  return run(&c, svc, holder, serial, remove_txn, out_store_rc);
}

/* One read: the share whose serial (by_token false) or token equals key. */
static enum share_rc read_share(struct store_share *out, struct svc *svc, bool by_token,
                                const char *key, int *out_store_rc) {
  struct store_rd *rd = NULL;
  *out_store_rc = STORE_OK;
  memset(out, 0, sizeof *out);
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = by_token ? store_share_by_token(rd, out, key) : store_share_by_serial(rd, out, key);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return SHARE_NOT_FOUND;
  }
  return STORE_OK == rc ? SHARE_OK : store_failed(out_store_rc, rc);
}

enum share_rc share_of(struct store_share *out, struct svc *svc, const char *serial,
                       int *out_store_rc) {
  return read_share(out, svc, false, serial, out_store_rc);
}

enum share_rc share_open(char out[26], struct svc *svc, const char *token, int *out_store_rc) {
  struct store_share s;
  out[0] = '\0';
  *out_store_rc = STORE_OK;
  if (NULL == token || !session_token_well_formed(token)) {
    return SHARE_NOT_FOUND;
  }
  enum share_rc rc = read_share(&s, svc, true, token, out_store_rc);
  if (SHARE_OK == rc) {
    memcpy(out, s.serial, sizeof s.serial);
  }
  return rc;
}

bool share_url(char out[SHARE_URL_MAX], const char *public_url, const char *token) {
  int n = snprintf(out, SHARE_URL_MAX, "%s%s%s", public_url, SHARE_PATH, token);
  return n > 0 && n < SHARE_URL_MAX;
}
