/*
 * Fuzzes the status list credential verifier (what `ujikom verify --status-list` reads from
 * a file or URL): the bytes as a whole compact JWS, and the bytes as the payload of a JWS
 * signed with the trusted key, so that mutations reach the credential parser behind the
 * signature check. It must never crash or leak; an accepted credential has a list within the
 * decoder's limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_fixed_key.h"
#include "ujikom/status_list.h"
#include "ujikom/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct token_key *fuzz_key(void) {
  return fuzz_fixed_key(0x3c);
}

static void check(const char *jws, size_t len) {
  struct status_list_credential c;
  char err[200];
  const struct token_key *key = fuzz_key();
  if (0 != status_list_credential_verify(&c, jws, len, &key->pub, 1, err, sizeof err)) {
    if (NULL != c.list) {
      abort(); /* nothing is left allocated on failure */
    }
    return;
  }
  if (NULL == c.list || c.list->nbits < STATUS_LIST_MIN_BITS ||
      c.list->nbits > STATUS_LIST_MAX_BITS || 0 != strcmp(c.kid, key->pub.kid)) {
    abort();
  }
  status_list_credential_clear(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check((const char *)data, size);
  const struct token_key *key = fuzz_key();
  char header[96];
  snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"vc+jwt\"}",
           key->pub.kid);
  char *h64 = token_b64url_encode(header, strlen(header));
  char *p64 = token_b64url_encode(data, size);
  char *jws = NULL;
  if (NULL != h64 && NULL != p64) {
    size_t hl = strlen(h64), pl = strlen(p64);
    jws = malloc(hl + pl + 100);
    if (NULL != jws) {
      memcpy(jws, h64, hl);
      jws[hl] = '.';
      memcpy(jws + hl + 1, p64, pl);
      unsigned char sig[TOKEN_SIG_LEN];
      char *s64 = NULL;
      if (0 == token_ed25519_sign(sig, key, jws, hl + 1 + pl) &&
          NULL != (s64 = token_b64url_encode(sig, sizeof sig))) {
        snprintf(jws + hl + 1 + pl, 100, ".%s", s64);
        check(jws, strlen(jws));
      }
      free(s64);
    }
  }
  free(jws);
  free(h64);
  free(p64);
  return 0;
}
