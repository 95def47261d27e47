/*
 * The published form of a Bitstring Status List: a BitstringStatusListCredential (W3C VC
 * 2.0), secured as a compact JWS whose payload is the credential itself (VC JOSE), signed
 * with the issuer's certificate key. The verifier is strict: the file comes from whoever
 * handed it to an offline verifier.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/json_compact.h"
#include "ujikom/status_list.h"
#include "ujikom/timefmt.h"

#define LIST_TYP     "vc+jwt"
#define LIST_JWS_MAX (STATUS_LIST_MAX_ENCODED + 65536)

static const char *const purpose_names[] = {
    [STATUS_PURPOSE_REVOCATION] = "revocation", [STATUS_PURPOSE_SUSPENSION] = "suspension"};

const char *status_purpose_name(enum status_purpose p) {
  return (size_t)p < sizeof purpose_names / sizeof purpose_names[0] ? purpose_names[p] : "?";
}

/* base64url of the compact, key-sorted JSON text of j (malloc'd), or NULL. */
static char *segment_of(const json_t *j) {
  char *text = NULL == j ? NULL : json_compact(j, true);
  char *seg = NULL == text ? NULL : token_b64url_encode(text, strlen(text));
  free(text);
  return seg;
}

int status_list_credential_sign(char **out, const struct status_list *l,
                                enum status_purpose purpose, const char *list_url,
                                const char *issuer, int64_t valid_from,
                                const struct token_key *key) {
  char *encoded = NULL, *head = NULL, *body = NULL;
  char from[32], subject_id[600];
  json_t *header = NULL, *vc = NULL;
  *out = NULL;
  if ((size_t)purpose >= sizeof purpose_names / sizeof purpose_names[0] ||
      0 == time_format(from, sizeof from, valid_from, TIME_ISO) ||
      0 != status_list_encode(&encoded, l)) {
    free(encoded);
    return -1;
  }
  snprintf(subject_id, sizeof subject_id, "%s#list", list_url);
  header = json_pack("{s:s, s:s, s:s}", "alg", "EdDSA", "kid", key->pub.kid, "typ", LIST_TYP);
  vc = json_pack("{s:[s], s:s, s:[s,s], s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "@context",
                 "https://www.w3.org/ns/credentials/v2", "id", list_url, "type",
                 "VerifiableCredential", "BitstringStatusListCredential", "issuer", issuer,
                 "validFrom", from, "credentialSubject", "id", subject_id, "type",
                 "BitstringStatusList", "statusPurpose", purpose_names[purpose], "encodedList",
                 encoded);
  head = segment_of(header);
  body = segment_of(vc);
  if (NULL != head && NULL != body) {
    *out = token_jws_compact(head, strlen(head), body, strlen(body), key);
  }
  json_decref(header);
  json_decref(vc);
  free(encoded);
  free(head);
  free(body);
  return NULL == *out ? -1 : 0;
}

void status_list_credential_clear(struct status_list_credential *c) {
  if (NULL != c) {
    status_list_free(c->list);
    c->list = NULL;
  }
}

static int fail(char *err, size_t errlen, const char *why) {
  snprintf(err, errlen, "status list credential: %s", why);
  return -1;
}

/* The JSON object a base64url segment holds, or NULL. */
static json_t *object_of(const char *seg, size_t len) {
  unsigned char *raw = NULL;
  size_t n = 0;
  json_error_t je;
  if (0 != token_b64url_decode(&raw, &n, seg, len)) {
    return NULL;
  }
  json_t *j = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, &je);
  free(raw);
  if (NULL != j && !json_is_object(j)) {
    json_decref(j);
    j = NULL;
  }
  return j;
}

/* Checks the signed header and signature: the key of keys that signed, or NULL. */
static const struct token_pubkey *signed_by(const json_t *header, const char *jws,
                                            size_t signed_len, const char *sig64, size_t siglen,
                                            const struct token_pubkey *keys, size_t nkeys,
                                            char *err, size_t errlen) {
  const char *alg = json_string_value(json_object_get(header, "alg"));
  const char *typ = json_string_value(json_object_get(header, "typ"));
  const char *kid = json_string_value(json_object_get(header, "kid"));
  if (3 != json_object_size(header) || NULL == alg || NULL == typ || NULL == kid ||
      0 != strcmp(alg, "EdDSA") || 0 != strcmp(typ, LIST_TYP)) {
    fail(err, errlen, "the JWS header is not {alg: EdDSA, kid, typ: vc+jwt}");
    return NULL;
  }
  const struct token_pubkey *key = token_keyset_find(keys, nkeys, kid);
  if (NULL == key) {
    fail(err, errlen, "signed with a key that is not among the given keys");
    return NULL;
  }
  unsigned char *sig = NULL;
  size_t n = 0;
  bool ok = 0 == token_b64url_decode(&sig, &n, sig64, siglen) && TOKEN_SIG_LEN == n &&
            token_ed25519_verify(key->pub, jws, signed_len, sig);
  free(sig);
  if (!ok) {
    fail(err, errlen, "the signature does not verify");
    return NULL;
  }
  return key;
}

/* The string at index i of array a, or "" when there is none. */
static const char *text_at(const json_t *a, size_t i) {
  const char *s = json_string_value(json_array_get(a, i));
  return NULL == s ? "" : s;
}

/* Reads the credential's fields into out (list decoded). 0 or -1 with err. */
static int read_credential(struct status_list_credential *out, const json_t *vc, char *err,
                           size_t errlen) {
  const json_t *ctx = json_object_get(vc, "@context");
  const json_t *type = json_object_get(vc, "type");
  const json_t *subject = json_object_get(vc, "credentialSubject");
  const char *id = json_string_value(json_object_get(vc, "id"));
  const char *issuer = json_string_value(json_object_get(vc, "issuer"));
  const char *from = json_string_value(json_object_get(vc, "validFrom"));
  if (!json_is_array(ctx) || 0 != strcmp(text_at(ctx, 0), "https://www.w3.org/ns/credentials/v2") ||
      !json_is_array(type) || 2 != json_array_size(type) ||
      0 != strcmp(text_at(type, 0), "VerifiableCredential") ||
      0 != strcmp(text_at(type, 1), "BitstringStatusListCredential")) {
    return fail(err, errlen, "not a VC 2.0 BitstringStatusListCredential");
  }
  if (NULL == id || NULL == issuer || NULL == from || strlen(id) >= sizeof out->id ||
      strlen(issuer) >= sizeof out->issuer || strlen(from) >= sizeof out->valid_from) {
    return fail(err, errlen, "id, issuer or validFrom missing or malformed");
  }
  snprintf(out->id, sizeof out->id, "%s", id);
  snprintf(out->issuer, sizeof out->issuer, "%s", issuer);
  snprintf(out->valid_from, sizeof out->valid_from, "%s", from);
  const char *stype = json_string_value(json_object_get(subject, "type"));
  const char *purpose = json_string_value(json_object_get(subject, "statusPurpose"));
  const json_t *list = json_object_get(subject, "encodedList");
  if (!json_is_object(subject) || NULL == stype || 0 != strcmp(stype, "BitstringStatusList") ||
      NULL == purpose || !json_is_string(list)) {
    return fail(err, errlen, "credentialSubject is not one BitstringStatusList");
  }
  if (0 == strcmp(purpose, purpose_names[STATUS_PURPOSE_REVOCATION])) {
    out->purpose = STATUS_PURPOSE_REVOCATION;
  } else if (0 == strcmp(purpose, purpose_names[STATUS_PURPOSE_SUSPENSION])) {
    out->purpose = STATUS_PURPOSE_SUSPENSION;
  } else {
    return fail(err, errlen, "statusPurpose is neither revocation nor suspension");
  }
  return status_list_decode(&out->list, json_string_value(list), json_string_length(list), err,
                            errlen);
}

int status_list_credential_verify(struct status_list_credential *out, const char *jws, size_t len,
                                  const struct token_pubkey *keys, size_t nkeys, char *err,
                                  size_t errlen) {
  json_t *header = NULL, *vc = NULL;
  int rc = -1;
  memset(out, 0, sizeof *out);
  if (NULL == jws || 0 == len || len > LIST_JWS_MAX || NULL != memchr(jws, '\0', len)) {
    return fail(err, errlen, "empty or too long");
  }
  const char *dot1 = memchr(jws, '.', len);
  const char *dot2 = NULL == dot1 ? NULL : memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - jws));
  if (NULL == dot2 || NULL != memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - jws))) {
    return fail(err, errlen, "not a compact JWS (need exactly three segments)");
  }
  header = object_of(jws, (size_t)(dot1 - jws));
  if (NULL == header) {
    fail(err, errlen, "the JWS header is not base64url-encoded JSON");
    goto cleanup;
  }
  const struct token_pubkey *key =
      signed_by(header, jws, (size_t)(dot2 - jws), dot2 + 1, len - (size_t)(dot2 + 1 - jws), keys,
                nkeys, err, errlen);
  if (NULL == key) {
    goto cleanup;
  }
  vc = object_of(dot1 + 1, (size_t)(dot2 - dot1 - 1));
  if (NULL == vc) {
    fail(err, errlen, "the payload is not base64url-encoded JSON");
    goto cleanup;
  }
  if (0 != read_credential(out, vc, err, errlen)) {
    status_list_credential_clear(out);
    goto cleanup;
  }
  snprintf(out->kid, sizeof out->kid, "%s", key->kid);
  rc = 0;
cleanup:
  json_decref(header);
  json_decref(vc);
  return rc;
}
