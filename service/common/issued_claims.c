/*
 * The claims a stored certificate was issued with, read back from its signed credential
 * (common/issued_claims.h).
 */
#include "common/issued_claims.h"

#include <stdlib.h>
#include <string.h>

#include "common/keystore.h"

int issued_claims_of(struct cert_claims *out, const struct svc *svc, const struct store_cert *c) {
  struct cert_verification *v = NULL;
  size_t n = 0;
  int rc = -1;
  memset(out, 0, sizeof *out);
  if (NULL == svc->keys || NULL == c->jws) {
    return -1;
  }
  v = malloc(sizeof *v);
  if (NULL == v) {
    return -1;
  }
  const struct token_pubkey *keys = keystore_public(svc->keys, &n);
  /* Judged at issue time: we want the claims, validity is the caller's business. */
  /* The stored credential is the one this service signed: no need to check the signature
   * again (the shape, the kid and the claims still are). */
  cert_jws_verify_issued(v, c->jws, strlen(c->jws), keys, n, c->issued_s, c->jws);
  if (v->claims_valid && 0 == strcmp(v->claims.serial, c->serial)) {
    *out = v->claims;
    rc = 0;
  }
  free(v);
  return rc;
}
