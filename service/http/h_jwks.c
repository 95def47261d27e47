/*
 * GET /.well-known/jwks.json: every public certificate-signing key, old ones included, so
 * any JOSE library can verify a certificate's credential.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keystore.h"
#include "http/handlers.h"
#include "http/server.h"
#include "ujikom/fnv.h"

/* The answer for one key set, built once. It cannot go stale: a key set never changes once
 * loaded; SIGHUP loads a new one and swaps svc->keys (old sets stay allocated until exit,
 * so a pointer names one set for the process's life), and the next request here sees the
 * new pointer and rebuilds. The lock covers the swap and the reference a request takes. */
static pthread_mutex_t jwks_mu = PTHREAD_MUTEX_INITIALIZER;
static const struct keystore *jwks_keys;
static struct prebuilt *jwks_answer[2]; /* 200, 304 */
static char jwks_etag[19];              /* "\"<16 hex>\"" */

/* Builds both answers for keys into out and their entity tag (a content hash of the key
 * set's JSON: the same keys give the same tag across restarts). */
static bool build(const struct keystore *keys, struct prebuilt *out[2], char etag[19]) {
  char *jwks = keystore_jwks(keys);
  if (NULL == jwks) {
    return false;
  }
  size_t len = strlen(jwks);
  /* a cache key, not a security measure */
  snprintf(etag, 19, "\"%016llx\"", (unsigned long long)fnv1a64(jwks, len));
  const char *const headers[] = {
      "ETag", etag, "Cache-Control", "public, max-age=300", "Access-Control-Allow-Origin",
      "*",    NULL};
  out[0] = prebuilt_new(200, "application/json", jwks, len, true, headers);
  out[1] = prebuilt_new(304, "application/json", "", 0, true, headers);
  free(jwks);
  if (NULL == out[0] || NULL == out[1]) {
    prebuilt_release(out[0]);
    prebuilt_release(out[1]);
    return false;
  }
  return true;
}

int h_jwks(struct req *r) {
  const struct keystore *keys = r->svc->keys;
  if (NULL == keys) {
    return reply_error(r, ERR_CERT_KEYS_UNAVAILABLE, NULL);
  }
  const char *inm = req_header(r, "If-None-Match");
  pthread_mutex_lock(&jwks_mu);
  if (jwks_keys != keys || NULL == jwks_answer[0]) {
    struct prebuilt *fresh[2] = {NULL, NULL};
    char etag[19];
    if (build(keys, fresh, etag)) {
      /* requests holding the old answers keep them until queued */
      prebuilt_release(jwks_answer[0]);
      prebuilt_release(jwks_answer[1]);
      jwks_answer[0] = fresh[0];
      jwks_answer[1] = fresh[1];
      memcpy(jwks_etag, etag, sizeof(jwks_etag));
      jwks_keys = keys;
    }
  }
  struct prebuilt *p = NULL;
  if (jwks_keys == keys) {
    p = jwks_answer[NULL != inm && etag_matches(inm, jwks_etag) ? 1 : 0];
  }
  if (NULL != p) {
    prebuilt_ref(p);
  }
  pthread_mutex_unlock(&jwks_mu);
  return reply_prebuilt_held(r, p);
}
