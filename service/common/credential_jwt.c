/*
 * The credential's JWT form of certificates (see credential_jwt.h).
 */
#include "common/credential_jwt.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/keystore.h"
#include "ujikom/clock.h"
#include "ujikom/vc_jwt.h"

char *credential_jwt_make(const json_t *doc, const struct es256_key *key, const char *public_url) {
  char url[KEYSTORE_KID_URL_SIZE];
  char *jwt = NULL;
  if (NULL != doc &&
      0 == keystore_kid_url(url, sizeof url, public_url, es256_key_public(key)->kid) &&
      0 != vc_jwt_sign(&jwt, doc, url, key)) {
    jwt = NULL;
  }
  return jwt;
}

/* sign_doc of the JSON-LD credential text jsonld. */
static char *sign_jsonld(const char *jsonld, const struct es256_key *key, const char *public_url) {
  json_t *doc = json_loads(jsonld, 0, NULL);
  char *jwt = credential_jwt_make(doc, key, public_url);
  json_decref(doc);
  return jwt;
}

static enum credential_rc from_store_rc(int rc) {
  return (STORE_BUSY == rc || STORE_UNAVAILABLE == rc) ? CREDENTIAL_UNAVAILABLE
                                                       : CREDENTIAL_INTERNAL;
}

/* True when jwt's payload is the credential text jsonld without its proof. */
static bool carries(const char *jwt, const char *jsonld) {
  json_t *doc = json_loads(jsonld, 0, NULL);
  json_t *payload = NULL == doc ? NULL : vc_jwt_payload(doc);
  bool same = NULL != payload && vc_jwt_has_payload(jwt, payload);
  json_decref(payload);
  json_decref(doc);
  return same;
}

struct put_ctx {
  const char *serial, *jwt;
};

static int put_fn(struct store_tx *tx, void *arg) {
  const struct put_ctx *p = arg;
  return store_cert_jwt_put(tx, p->serial, p->jwt, clock_wall_ms());
}

enum credential_rc credential_jwt(char **out, struct svc *svc, const struct store_cert *c) {
  char *jsonld = NULL, *latest = NULL;
  struct store_rd *rd = NULL;
  *out = NULL;
  enum credential_rc result = credential_jsonld(&jsonld, svc, c);
  if (CREDENTIAL_OK != result) {
    return result;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_jwt_latest(rd, &latest, c->serial);
    store_rd_end(rd);
  }
  if (STORE_OK == rc && carries(latest, jsonld)) {
    *out = latest;
    free(jsonld);
    return CREDENTIAL_OK;
  }
  free(latest);
  if (STORE_OK != rc && STORE_NONE != rc) {
    free(jsonld);
    return from_store_rc(rc);
  }
  const struct es256_key *key = keystore_es256_active(svc->keys);
  char *jwt = NULL == key ? NULL : sign_jsonld(jsonld, key, svc->cfg->public_url);
  free(jsonld);
  if (NULL == jwt) {
    return CREDENTIAL_INTERNAL;
  }
  struct put_ctx p = {c->serial, jwt};
  rc = store_txn(svc->store, put_fn, &p);
  if (STORE_OK != rc) {
    free(jwt);
    return from_store_rc(rc);
  }
  *out = jwt;
  return CREDENTIAL_OK;
}
