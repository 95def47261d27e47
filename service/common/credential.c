/*
 * OB 3.0 credentials of certificates: made at issuance (before the issuing transaction, or
 * inside a decision's), or on first request for certificates issued before, and kept
 * (service/store/store_credential.h) so that a certificate always yields the same bytes;
 * holders' bound DIDs.
 */
#include "common/credential.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/accounts.h"
#include "common/audit_text.h"
#include "common/issued_claims.h"
#include "common/keystore.h"
#include "common/log.h"
#include "ujikom/clock.h"
#include "ujikom/json_compact.h"
#include "ujikom/ob3.h"

int credential_holder_read(struct credential_holder *out, struct store_rd *rd, int64_t user_id) {
  struct store_user u;
  memset(out, 0, sizeof *out);
  int rc = accounts_read(rd, user_id, &u);
  if (STORE_OK != rc) {
    return rc;
  }
  snprintf(out->email, sizeof out->email, "%s", u.email);
  rc = store_holder_did_get(rd, out->did, user_id);
  return STORE_NONE == rc ? STORE_OK : rc;
}

/* The signed credential of cl and, in *text, its JSON-LD text (malloc'd); NULL (and no text)
 * when it cannot be made. */
static json_t *make_jsonld(char **text, const struct cert_claims *cl,
                           const struct credential_holder *h, const char *salt, const char *licence,
                           const struct token_key *key, int64_t created) {
  char vm[OB3_DID_SIZE], err[200];
  struct ob3_facts f = {.claims = cl,
                        .issuer_licence = licence,
                        .holder_did = h->did,
                        .email = h->email,
                        .email_salt = salt};
  json_t *vc = ob3_credential(&f);
  *text = NULL;
  if (NULL != vc && 0 == ob3_verification_method(vm, sizeof vm, cl->issuer_url, key->pub.kid) &&
      0 == ob3_proof_add(vc, vm, created, key, err, sizeof err)) {
    *text = json_compact(vc, false);
  }
  if (NULL == *text) {
    json_decref(vc);
    return NULL;
  }
  return vc;
}

json_t *credential_make(char salt[OB3_SALT_LEN + 1], char **text, const struct cert_claims *cl,
                        const struct credential_holder *h, const char *licence,
                        const struct token_key *key) {
  *text = NULL;
  if (0 != ob3_salt_generate(salt)) {
    return NULL;
  }
  json_t *vc = make_jsonld(text, cl, h, salt, licence, key, cl->issued);
  if (NULL == vc) {
    /* Only a configuration no credential can name (a --public-url that gives no did:web,
     * a licence number with control characters) or memory gets here: the certificate is
     * issued all the same, and its JSON-LD form is tried again on request. */
    log_msg(LOG_WARN, NULL, "certificate %s: its OB 3.0 credential cannot be made", cl->serial);
  }
  return vc;
}

static enum credential_rc from_store_rc(int rc) {
  return (STORE_BUSY == rc || STORE_UNAVAILABLE == rc) ? CREDENTIAL_UNAVAILABLE
                                                       : CREDENTIAL_INTERNAL;
}

/* What is kept for serial, and the holder, read in one snapshot. */
static int read_kept(struct store *store, const struct store_cert *c, char salt[STORE_SALT_SIZE],
                     char **jsonld, struct credential_holder *h) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(store, &rd);
  if (STORE_OK == rc) {
    rc = store_credential_get(rd, salt, jsonld, c->serial);
  }
  if ((STORE_OK == rc || STORE_NONE == rc) && NULL == *jsonld && NULL != h) {
    int hrc = credential_holder_read(h, rd, c->user_id);
    rc = STORE_OK == hrc ? rc : hrc;
  }
  store_rd_end(rd);
  return rc;
}

struct put_ctx {
  const char *serial, *salt, *jsonld;
};

static int put_fn(struct store_tx *tx, void *arg) {
  const struct put_ctx *p = arg;
  int rc = store_credential_put(tx, p->serial, p->salt, p->jsonld, clock_wall_ms());
  return STORE_NONE == rc ? STORE_OK : rc; /* made meanwhile: the kept one wins */
}

enum credential_rc credential_jsonld(char **out, struct svc *svc, const struct store_cert *c) {
  char salt[STORE_SALT_SIZE] = "";
  char *kept = NULL;
  struct credential_holder h;
  struct cert_claims *cl = NULL;
  enum credential_rc result = CREDENTIAL_INTERNAL;
  *out = NULL;
  int rc = read_kept(svc->store, c, salt, &kept, &h);
  if (STORE_OK == rc && NULL != kept) {
    *out = kept;
    return CREDENTIAL_OK;
  }
  if (STORE_OK != rc && STORE_NONE != rc) {
    return from_store_rc(rc);
  }
  const struct token_key *key = NULL == svc->keys ? NULL : keystore_active(svc->keys);
  cl = malloc(sizeof *cl);
  if (NULL == key || NULL == cl || (STORE_NONE == rc && 0 != ob3_salt_generate(salt)) ||
      0 != issued_claims_of(cl, svc, c)) {
    goto cleanup;
  }
  char *text = NULL;
  json_decref(make_jsonld(&text, cl, &h, salt, svc->cfg->cert_licence, key, clock_wall_s()));
  if (NULL == text) {
    goto cleanup;
  }
  struct put_ctx p = {c->serial, salt, text};
  rc = store_txn(svc->store, put_fn, &p);
  free(text);
  if (STORE_OK != rc) {
    result = from_store_rc(rc);
    goto cleanup;
  }
  /* Read back: when two requests made it at once, both answer with the one kept. */
  rc = read_kept(svc->store, c, salt, &kept, NULL);
  if (STORE_OK == rc && NULL != kept) {
    *out = kept;
    result = CREDENTIAL_OK;
  } else {
    free(kept);
    result = STORE_OK == rc ? CREDENTIAL_INTERNAL : from_store_rc(rc);
  }
cleanup:
  free(cl);
  return result;
}

/* did:<method>:<method-specific-id> (W3C DID Core syntax), up to 255 bytes. */
static bool did_syntax_ok(const char *did) {
  size_t len = strlen(did);
  if (len < 8 || len >= STORE_DID_SIZE || 0 != strncmp(did, "did:", 4)) {
    return false;
  }
  const char *p = did + 4;
  size_t m = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
  if (0 == m || ':' != p[m]) {
    return false;
  }
  p += m + 1;
  if ('\0' == *p || ':' == p[strlen(p) - 1]) {
    return false;
  }
  for (; *p; p++) {
    bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              NULL != strchr("._-:", *p);
    if ('%' == *p) {
      ok = NULL != strchr("0123456789abcdefABCDEF", p[1]) && '\0' != p[1] &&
           NULL != strchr("0123456789abcdefABCDEF", p[2]) && '\0' != p[2];
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

struct bind_ctx {
  int64_t user_id;
  const char *did;
};

static int bind_fn(struct store_tx *tx, void *arg) {
  const struct bind_ctx *b = arg;
  char subject[48];
  int rc = store_holder_did_set(tx, b->user_id, b->did, clock_wall_ms());
  if (STORE_OK == rc) {
    rc = store_credential_forget_user(tx, b->user_id);
  }
  if (STORE_OK != rc) {
    return rc;
  }
  json_t *after = json_pack("{s:s?}", "did", b->did);
  char *text = audit_text(after);
  if (NULL == text) {
    return STORE_UNAVAILABLE;
  }
  snprintf(subject, sizeof subject, "user:%lld", (long long)b->user_id);
  rc = store_audit_append(tx, NULL, b->user_id, "holder.did", subject, NULL, text);
  free(text);
  return rc;
}

enum credential_rc credential_bind_did(struct svc *svc, int64_t user_id, const char *did) {
  if (NULL != did && !did_syntax_ok(did)) {
    return CREDENTIAL_BAD_DID;
  }
  struct bind_ctx b = {user_id, did};
  int rc = store_txn(svc->store, bind_fn, &b);
  return STORE_OK == rc ? CREDENTIAL_OK : from_store_rc(rc);
}
