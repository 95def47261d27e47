/*
 * GET /.well-known/jwks.json: every public certificate-signing key, old ones included, so
 * any JOSE library can verify a certificate's credential.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/keystore.h"
#include "http/handlers.h"
#include "http/server.h"

/* The answer for one key set, built once. It cannot go stale: a key set never changes once
 * loaded; SIGHUP loads a new one and swaps svc->keys (old sets stay allocated until exit,
 * so a pointer names one set for the process's life), and the next request here sees the
 * new pointer and rebuilds. The lock covers the swap and the reference a request takes. */
static pthread_mutex_t jwks_mu = PTHREAD_MUTEX_INITIALIZER;
static const struct keystore *jwks_keys;
static struct prebuilt *jwks_answer;

static struct prebuilt *build(const struct keystore *keys) {
  char *jwks = keystore_jwks(keys);
  if (NULL == jwks)
    return NULL;
  static const char *const headers[] = {"Cache-Control", "public, max-age=300",
                                        "Access-Control-Allow-Origin", "*", NULL};
  struct prebuilt *p = prebuilt_new(200, "application/json", jwks, strlen(jwks), true, headers);
  free(jwks);
  return p;
}

int h_jwks(struct req *r) {
  const struct keystore *keys = r->svc->keys;
  if (NULL == keys)
    return reply_error(r, ERR_CERT_KEYS_UNAVAILABLE, NULL);
  pthread_mutex_lock(&jwks_mu);
  if (jwks_keys != keys || NULL == jwks_answer) {
    struct prebuilt *fresh = build(keys);
    if (NULL != fresh) {
      prebuilt_release(jwks_answer); /* requests holding it keep it until queued */
      jwks_answer = fresh;
      jwks_keys = keys;
    }
  }
  struct prebuilt *p = jwks_keys == keys ? jwks_answer : NULL;
  if (NULL != p)
    prebuilt_ref(p);
  pthread_mutex_unlock(&jwks_mu);
  if (NULL == p)
    return reply_error(r, ERR_INTERNAL, NULL);
  int rc = reply_prebuilt(r, p);
  prebuilt_release(p);
  return rc;
}
