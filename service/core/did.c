/*
 * did:web identifiers and the issuer's DID document (see ujikom/did.h).
 */
#include "ujikom/did.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/multibase.h"
#include "ujikom/timefmt.h"

int did_web_from_url(char *out, size_t size, const char *url) {
  static const char *const schemes[] = {"https://", "http://"};
  const char *rest = NULL;
  for (size_t i = 0; i < 2 && NULL == rest; i++) {
    size_t n = strlen(schemes[i]);
    rest = 0 == strncmp(url, schemes[i], n) ? url + n : NULL;
  }
  size_t host_len = NULL == rest ? 0 : strcspn(rest, "/?#");
  if (0 == host_len || '\0' != rest[strcspn(rest, "?#")]) {
    return -1;
  }
  size_t len = 0;
  int n = snprintf(out, size, "did:web:");
  if (n < 0 || (size_t)n >= size) {
    return -1;
  }
  len = (size_t)n;
  for (const char *p = rest; '\0' != *p; p++) {
    const char *piece = NULL;
    char one[2] = {*p, '\0'};
    if (p < rest + host_len) {
      piece = ':' == *p ? "%3A" : one; /* the port's colon */
    } else if ('/' == *p) {
      piece = '\0' == p[1] || '/' == p[1] ? "" : ":"; /* no empty path segment */
    } else if (':' == *p) {
      piece = "%3A";
    } else {
      piece = one;
    }
    size_t pl = strlen(piece);
    if (len + pl + 1 > size) {
      return -1;
    }
    memcpy(out + len, piece, pl);
    len += pl;
  }
  out[len] = '\0';
  return 0;
}

/* One verification method: {"id","type":"Multikey","controller","publicKeyMultibase"} and
 * "revoked" when the key was compromised; its id goes to ids. 0 or -1. */
static int add_method(json_t *methods, json_t *ids, const char *did, const char *kid,
                      const char *multibase, int64_t compromised_since) {
  char id[DID_WEB_MAX + TOKEN_KID_LEN + 2];
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
    text = NULL == doc ? NULL : json_dumps(doc, JSON_COMPACT);
  }
  json_decref(doc);
  json_decref(methods);
  json_decref(ids);
  return text;
}
