/*
 * The issuer's DID document (see ujikom/did.h).
 */
#include "ujikom/did.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/json_compact.h"
#include "ujikom/multibase.h"
#include "ujikom/ob3.h"
#include "ujikom/timefmt.h"

/* One verification method: {"id","type":"Multikey","controller","publicKeyMultibase"} and
 * "revoked" when the key was compromised; its id goes to ids. 0 or -1. */
static int add_method(json_t *methods, json_t *ids, const char *did, const char *kid,
                      const char *multibase, int64_t compromised_since) {
  char id[OB3_DID_SIZE + TOKEN_KID_LEN + 2];
  snprintf(id, sizeof id, "%s#%s", did, kid);
  json_t *m = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "type", "Multikey", "controller", did,
                        "publicKeyMultibase", multibase);
  if (NULL != m && compromised_since > 0) {
    char when[TIME_TEXT_SIZE];
    time_format(when, sizeof when, compromised_since, TIME_ISO);
    if (0 != json_object_set_new(m, "revoked", json_string(when))) {
      json_decref(m);
      m = NULL;
    }
  }
  if (NULL == m || 0 != json_array_append_new(methods, m) ||
      0 != json_array_append_new(ids, json_string(id))) {
    return -1;
  }
  return 0;
}

char *did_document(const char *did, const struct token_pubkey *ed, size_t ned,
                   const struct es256_pubkey *ec, size_t nec) {
  json_t *methods = json_array(), *ids = json_array(), *doc = NULL;
  char *text = NULL;
  char mb[MULTIKEY_TEXT_SIZE];
  int rc = NULL == methods || NULL == ids ? -1 : 0;
  for (size_t i = 0; 0 == rc && i < ned; i++) {
    rc = multikey_encode(mb, MULTIKEY_ED25519, ed[i].pub);
    rc = 0 == rc ? add_method(methods, ids, did, ed[i].kid, mb, ed[i].compromised_since) : rc;
  }
  for (size_t i = 0; 0 == rc && i < nec; i++) {
    unsigned char c[ES256_COMPRESSED_LEN];
    es256_compress(c, ec[i].pub);
    rc = multikey_encode(mb, MULTIKEY_P256, c);
    rc = 0 == rc ? add_method(methods, ids, did, ec[i].kid, mb, ec[i].compromised_since) : rc;
  }
  if (0 == rc) {
    doc = json_pack("{s:[s, s], s:s, s:O, s:O}", "@context", "https://www.w3.org/ns/did/v1",
                    "https://w3id.org/security/multikey/v1", "id", did, "verificationMethod",
                    methods, "assertionMethod", ids);
    text = NULL == doc ? NULL : json_compact(doc, false);
  }
  json_decref(doc);
  json_decref(methods);
  json_decref(ids);
  return text;
}
