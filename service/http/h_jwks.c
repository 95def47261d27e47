/*
 * GET /.well-known/jwks.json: every public certificate-signing key, old ones included, so
 * any JOSE library can verify a certificate's credential.
 */
#include <stdlib.h>
#include <string.h>

#include "common/keystore.h"
#include "http/handlers.h"

int h_jwks(struct req *r) {
  if (NULL == r->svc->keys)
    return reply_error(r, ERR_CERT_KEYS_UNAVAILABLE, NULL);
  char *jwks = keystore_jwks(r->svc->keys);
  if (NULL == jwks)
    return reply_error(r, ERR_INTERNAL, NULL);
  reply_header(r, "Cache-Control", "public, max-age=300");
  reply_header(r, "Access-Control-Allow-Origin", "*");
  return reply_bytes_owned(r, 200, "application/json", jwks, strlen(jwks));
}
