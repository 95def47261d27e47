/*
 * The steps every certificate verifier shares (the JWS credential and the QR token's
 * COSE_Sign1): the size gate before anything is decoded, the known key and its signature,
 * and accepting the claims. Each verifier decodes its own format in between.
 */
#include <string.h>

#include "core/cert_internal.h"
#include "ujikom/token.h"

bool cert_verification_start(struct cert_verification *out, const char *token, size_t len,
                             size_t max, const char *what) {
  memset(out, 0, sizeof *out);
  out->verdict = CERT_NOT_GENUINE;
  if (NULL == token || 0 == len) {
    cert_verification_fail(out, "empty %s", what);
    return false;
  }
  if (len > max) {
    cert_verification_fail(out, "%s too long", what);
    return false;
  }
  return true;
}

const struct token_pubkey *cert_verification_key(struct cert_verification *out,
                                                 const struct token_pubkey *keys, size_t nkeys,
                                                 const char *kid, const struct cert_signed *s) {
  const struct token_pubkey *key = token_keyset_find(keys, nkeys, kid);
  if (NULL == key) {
    cert_verification_fail(out, "unknown signing key");
    out->fault = CERT_FAULT_UNKNOWN_KEY;
    return NULL;
  }
  if (NULL == s->sig || TOKEN_SIG_LEN != s->siglen) {
    cert_verification_fail(out, "malformed signature");
    return NULL;
  }
  if (NULL == s->msg) {
    cert_verification_fail(out, "out of memory");
    return NULL;
  }
  if (!s->made_here && !token_pubkey_verify(key, s->msg, s->msglen, s->sig)) {
    cert_verification_fail(out, "signature does not match");
    out->fault = CERT_FAULT_BAD_SIGNATURE;
    return NULL;
  }
  return key;
}

void cert_verification_accept(struct cert_verification *out, const struct token_pubkey *key,
                              int64_t now) {
  memcpy(out->claims.kid, key->kid, sizeof out->claims.kid);
  out->claims_valid = true;
  cert_verification_dates(out, now);
}
