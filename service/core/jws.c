/*
 * The certificate as a compact JWS: the JWT encoding of a W3C Verifiable Credential 2.0 whose
 * credential is an Open Badges 3.0 OpenBadgeCredential. Header {"alg":"EdDSA","kid":..,
 * "typ":"vc+jwt"}; the "vc+jwt" type and the JSON text of the signing input keep these
 * signatures apart from the CBOR Sig_structure of the QR token.
 *
 * Verification is strict: exactly three non-empty segments, canonical base64url, a header
 * with only alg/kid/typ, alg exactly EdDSA, a kid found in the caller's key set, a 64-byte
 * signature that checks, then claims that parse completely.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cert_internal.h"
#include "ujikom/json_compact.h"
#include "ujikom/timefmt.h"

#define JWS_TYP    "vc+jwt"
#define URN_CERT   "urn:ujikom:cert:"
#define URN_SCHEME "urn:ujikom:scheme:"
#define URN_SKKNI  "urn:skkni:"

static int iso_date(char *out, size_t size, int64_t t) {
  return 0 == time_format(out, size, t, TIME_ISO) ? -1 : 0;
}

/* json_pack with "s" fails on NULL/invalid UTF-8; everything we emit went through
 * cert_claims_check, so a failure here is an allocation failure. */
static json_t *build_alignment(const struct cert_claims *c) {
  json_t *arr = json_array();
  if (NULL == arr) {
    return NULL;
  }
  for (size_t i = 0; i < c->nunits; i++) {
    char url[sizeof URN_SKKNI + sizeof c->units[i].code];
    snprintf(url, sizeof url, "%s%s", URN_SKKNI, c->units[i].code);
    json_t *a = json_pack("{s:[s], s:s, s:s, s:s, s:s, s:s}", "type", "Alignment", "targetType",
                          "ceasn:Competency", "targetCode", c->units[i].code, "targetName",
                          c->units[i].title, "targetFramework", "SKKNI", "targetUrl", url);
    if (NULL == a || 0 != json_array_append_new(arr, a)) {
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}

/* obj with key set to the holder's id when there is one (it is optional); NULL, with obj
 * freed, when obj is NULL or the id cannot be added. */
static json_t *with_holder_id(json_t *obj, const char *key, const char *holder_id) {
  if (NULL != obj && holder_id[0] && 0 != json_object_set_new(obj, key, json_string(holder_id))) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

/* One BitstringStatusListEntry of c for a purpose whose list is at <issuer_url><path>. */
static json_t *status_entry(const struct cert_claims *c, const char *purpose, const char *path) {
  char list[sizeof c->issuer_url + 32], id[sizeof list + 24], index[24];
  snprintf(list, sizeof list, "%s%s", c->issuer_url, path);
  snprintf(index, sizeof index, "%llu", (unsigned long long)c->status_index);
  snprintf(id, sizeof id, "%s#%s", list, index);
  return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type", "BitstringStatusListEntry",
                   "statusPurpose", purpose, "statusListIndex", index, "statusListCredential",
                   list);
}

/* Adds what a certificate may carry beyond the claims every one has: its credentialStatus
 * (W3C Bitstring Status List, revocation and suspension) and the certificate it replaces.
 * Returns vc, or NULL (vc freed) on allocation failure. */
static json_t *with_lifecycle(json_t *payload, const struct cert_claims *c) {
  json_t *vc = json_object_get(payload, "vc");
  if (NULL == vc) {
    json_decref(payload);
    return NULL;
  }
  if (c->has_status) {
    json_t *list = json_pack("[o, o]", status_entry(c, "revocation", CERT_STATUS_PATH_REVOCATION),
                             status_entry(c, "suspension", CERT_STATUS_PATH_SUSPENSION));
    if (NULL == list || 0 != json_object_set_new(vc, "credentialStatus", list)) {
      json_decref(payload);
      return NULL;
    }
  }
  if (c->replaces[0]) {
    char urn[sizeof URN_CERT + CERT_SERIAL_SIZE];
    snprintf(urn, sizeof urn, "%s%s", URN_CERT, c->replaces);
    if (0 != json_object_set_new(vc, "replaces", json_string(urn))) {
      json_decref(payload);
      return NULL;
    }
  }
  return payload;
}

static json_t *build_payload(const struct cert_claims *c) {
  char urn[sizeof URN_CERT + CERT_SERIAL_SIZE];
  char scheme_urn[sizeof URN_SCHEME + sizeof c->scheme_id];
  char from[32], until[32], name[300];
  json_t *subject = NULL, *achievement = NULL, *alignment = NULL;
  snprintf(urn, sizeof urn, "%s%s", URN_CERT, c->serial);
  snprintf(scheme_urn, sizeof scheme_urn, "%s%s", URN_SCHEME, c->scheme_id);
  snprintf(name, sizeof name, "Sertifikat Kompetensi: %s",
           c->scheme_title[0] ? c->scheme_title : c->scheme_id);
  if (0 != iso_date(from, sizeof from, c->issued) ||
      0 != iso_date(until, sizeof until, c->expires)) {
    return NULL;
  }
  alignment = build_alignment(c);
  if (NULL == alignment) {
    return NULL;
  }
  achievement = json_pack(
      "{s:s, s:[s], s:s, s:s, s:s, s:{s:s}, s:s, s:[s], s:o}", "id", scheme_urn, "type",
      "Achievement", "achievementType", "Certification", "name",
      c->scheme_title[0] ? c->scheme_title : c->scheme_id, "description",
      "Sertifikat kompetensi berdasarkan SKKNI / Certificate of competence based on SKKNI",
      "criteria", "narrative",
      "Kompeten (K) pada semua unit kompetensi skema ini / Competent in every unit of this "
      "scheme",
      "fieldOfStudy", c->subsector_name[0] ? c->subsector_name : c->subsector, "tag", c->subsector,
      "alignment", alignment);
  if (NULL == achievement) {
    return NULL; /* json_pack steals "o" arguments even on failure */
  }
  subject = with_holder_id(json_pack("{s:[s], s:s, s:o}", "type", "AchievementSubject", "name",
                                     c->holder, "achievement", achievement),
                           "id", c->holder_id);
  if (NULL == subject) {
    return NULL;
  }
  return with_holder_id(
      json_pack(
          "{s:s, s:I, s:I, s:I, s:s, s:{s:[s,s], s:s, s:[s,s], s:{s:s, s:[s], s:s}, s:s, s:s, "
          "s:s, s:o}}",
          "jti", urn, "nbf", (json_int_t)c->issued, "iat", (json_int_t)c->issued, "exp",
          (json_int_t)c->expires, "iss", c->issuer_url, "vc", "@context",
          "https://www.w3.org/ns/credentials/v2",
          "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "id", urn, "type",
          "VerifiableCredential", "OpenBadgeCredential", "issuer", "id", c->issuer_url, "type",
          "Profile", "name", c->issuer_name, "name", name, "validFrom", from, "validUntil", until,
          "credentialSubject", subject),
      "sub", c->holder_id);
}

static char *b64_json(const json_t *j) {
  char *text = json_compact(j, true);
  if (NULL == text) {
    return NULL;
  }
  char *b = token_b64url_encode(text, strlen(text));
  free(text);
  return b;
}

int cert_jws_sign(char **out, const struct cert_claims *claims, const struct token_key *key) {
  int rc = -1;
  json_t *header = NULL, *payload = NULL;
  char *h64 = NULL, *p64 = NULL;
  *out = NULL;
  if (0 != cert_claims_check(claims)) {
    goto cleanup;
  }
  header = json_pack("{s:s, s:s, s:s}", "alg", "EdDSA", "kid", key->pub.kid, "typ", JWS_TYP);
  payload = build_payload(claims);
  payload = NULL == payload ? NULL : with_lifecycle(payload, claims);
  if (NULL == header || NULL == payload) {
    goto cleanup;
  }
  h64 = b64_json(header);
  p64 = b64_json(payload);
  if (NULL == h64 || NULL == p64) {
    goto cleanup;
  }
  size_t hl = strlen(h64), pl = strlen(p64);
  if (hl + pl + 2 + 86 > CERT_JWS_MAX) { /* 86 = base64url of a 64-byte signature */
    goto cleanup;
  }
  *out = token_jws_compact(h64, hl, p64, pl, key);
  rc = NULL == *out ? -1 : 0;
cleanup:
  json_decref(header);
  json_decref(payload);
  free(h64);
  free(p64);
  return rc;
}

/* --- verification --- */

static int get_text(char *dst, size_t size, const json_t *obj, const char *key, int required) {
  const json_t *v = json_object_get(obj, key);
  if (NULL == v) {
    return required ? -1 : (dst[0] = '\0', 0);
  }
  if (!json_is_string(v)) {
    return -1;
  }
  const char *s = json_string_value(v);
  size_t len = json_string_length(v);
  if (!cert_text_signable(s, len)) {
    return -1;
  }
  return cert_copy_text(dst, size, s, len);
}

static int get_prefixed(char *dst, size_t size, const json_t *obj, const char *key,
                        const char *prefix) {
  char buf[512];
  size_t pl = strlen(prefix);
  if (0 != get_text(buf, sizeof buf, obj, key, 1) || 0 != strncmp(buf, prefix, pl)) {
    return -1;
  }
  return cert_copy_text(dst, size, buf + pl, strlen(buf + pl));
}

static int get_time(int64_t *out, const json_t *obj, const char *key) {
  const json_t *v = json_object_get(obj, key);
  if (!json_is_integer(v) || json_integer_value(v) < 0) {
    return -1;
  }
  *out = (int64_t)json_integer_value(v);
  return 0;
}

/* Reads credentialStatus back when it is there: exactly the two entries the signer writes
 * (revocation, then suspension), one index below CERT_STATUS_INDEX_LIMIT, lists under iss. */
static int parse_status(struct cert_claims *c, const json_t *vc) {
  const json_t *list = json_object_get(vc, "credentialStatus");
  static const char *const purposes[] = {"revocation", "suspension"};
  static const char *const paths[] = {CERT_STATUS_PATH_REVOCATION, CERT_STATUS_PATH_SUSPENSION};
  if (NULL == list) {
    return 0;
  }
  if (!json_is_array(list) || 2 != json_array_size(list)) {
    return -1;
  }
  for (size_t i = 0; i < 2; i++) {
    const json_t *e = json_array_get(list, i);
    const char *purpose = json_string_value(json_object_get(e, "statusPurpose"));
    const char *type = json_string_value(json_object_get(e, "type"));
    const char *index = json_string_value(json_object_get(e, "statusListIndex"));
    const char *url = json_string_value(json_object_get(e, "statusListCredential"));
    size_t ulen = strlen(c->issuer_url);
    char *end = NULL;
    if (NULL == purpose || NULL == type || NULL == index || NULL == url ||
        0 != strcmp(purpose, purposes[i]) || 0 != strcmp(type, "BitstringStatusListEntry") ||
        0 != strncmp(url, c->issuer_url, ulen) || 0 != strcmp(url + ulen, paths[i]) ||
        index[0] < '0' || index[0] > '9' || ('0' == index[0] && '\0' != index[1])) {
      return -1;
    }
    unsigned long long v = strtoull(index, &end, 10);
    if ('\0' != *end || strlen(index) > 8 || v >= CERT_STATUS_INDEX_LIMIT ||
        (1 == i && v != c->status_index)) {
      return -1;
    }
    c->status_index = (uint64_t)v;
  }
  c->has_status = true;
  return 0;
}

/* Reads the claims back; every field the signer writes must be present and consistent. */
static int parse_payload(struct cert_claims *c, const json_t *p) {
  const json_t *vc = json_object_get(p, "vc");
  const json_t *subject = json_object_get(vc, "credentialSubject");
  const json_t *ach = json_object_get(subject, "achievement");
  const json_t *issuer = json_object_get(vc, "issuer");
  char vc_id[CERT_SERIAL_SIZE + 8];
  if (!json_is_object(vc) || !json_is_object(subject) || !json_is_object(ach) ||
      !json_is_object(issuer)) {
    return -1;
  }
  if (0 != get_prefixed(c->serial, sizeof c->serial, p, "jti", URN_CERT) ||
      0 != get_prefixed(vc_id, sizeof vc_id, vc, "id", URN_CERT) || 0 != strcmp(vc_id, c->serial)) {
    return -1;
  }
  char canon[CERT_SERIAL_SIZE];
  if (0 != cert_serial_parse(canon, NULL, c->serial) || 0 != strcmp(canon, c->serial)) {
    return -1;
  }
  if (0 != get_time(&c->issued, p, "nbf") || 0 != get_time(&c->expires, p, "exp") ||
      c->expires <= c->issued) {
    return -1;
  }
  if (0 != get_text(c->issuer_url, sizeof c->issuer_url, p, "iss", 1) ||
      0 != get_text(c->holder_id, sizeof c->holder_id, p, "sub", 0) ||
      0 != get_text(c->issuer_name, sizeof c->issuer_name, issuer, "name", 0) ||
      0 != get_text(c->holder, sizeof c->holder, subject, "name", 1) || '\0' == c->holder[0] ||
      0 != get_prefixed(c->scheme_id, sizeof c->scheme_id, ach, "id", URN_SCHEME) ||
      0 != get_text(c->scheme_title, sizeof c->scheme_title, ach, "name", 0) ||
      0 != get_text(c->subsector_name, sizeof c->subsector_name, ach, "fieldOfStudy", 0)) {
    return -1;
  }
  const json_t *tag = json_object_get(ach, "tag");
  const json_t *code = json_array_get(tag, 0);
  if (!json_is_array(tag) || 1 != json_array_size(tag) || !json_is_string(code) ||
      0 != cert_copy_text(c->subsector, sizeof c->subsector, json_string_value(code),
                          json_string_length(code)) ||
      '\0' == c->subsector[0] || !cert_text_signable(c->subsector, strlen(c->subsector))) {
    return -1;
  }
  if (0 != parse_status(c, vc)) {
    return -1;
  }
  if (NULL != json_object_get(vc, "replaces")) {
    char canon_old[CERT_SERIAL_SIZE];
    if (0 != get_prefixed(c->replaces, sizeof c->replaces, vc, "replaces", URN_CERT) ||
        0 != cert_serial_parse(canon_old, NULL, c->replaces) ||
        0 != strcmp(canon_old, c->replaces) || 0 == strcmp(c->replaces, c->serial)) {
      return -1;
    }
  }
  const json_t *al = json_object_get(ach, "alignment");
  if (!json_is_array(al) || json_array_size(al) > CERT_MAX_UNITS) {
    return -1;
  }
  c->nunits = json_array_size(al);
  for (size_t i = 0; i < c->nunits; i++) {
    const json_t *u = json_array_get(al, i);
    if (!json_is_object(u) ||
        0 != get_text(c->units[i].code, sizeof c->units[i].code, u, "targetCode", 1) ||
        0 != get_text(c->units[i].title, sizeof c->units[i].title, u, "targetName", 1)) {
      return -1;
    }
  }
  return 0;
}

static json_t *decode_json_segment(const char *seg, size_t len) {
  unsigned char *raw = NULL;
  size_t rawlen = 0;
  if (0 != token_b64url_decode(&raw, &rawlen, seg, len)) {
    return NULL;
  }
  json_error_t e;
  json_t *j = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, &e);
  free(raw);
  if (NULL != j && !json_is_object(j)) {
    json_decref(j);
    return NULL;
  }
  return j;
}

/* The JWS verifier; `made_here` skips the Ed25519 check (see cert_jws_verify_issued). */
static void jws_verify(struct cert_verification *out, const char *jws, size_t len,
                       const struct token_pubkey *keys, size_t nkeys, int64_t now, bool made_here) {
  json_t *header = NULL, *payload = NULL;
  unsigned char *sig = NULL;
  size_t siglen = 0;
  if (!cert_verification_start(out, jws, len, CERT_JWS_MAX, "credential")) {
    goto cleanup;
  }
  const char *dot1 = memchr(jws, '.', len);
  const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - jws)) : NULL;
  if (NULL == dot2 || NULL != memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - jws))) {
    cert_verification_fail(out, "not a compact JWS (need exactly three segments)");
    goto cleanup;
  }
  size_t hlen = (size_t)(dot1 - jws), plen = (size_t)(dot2 - dot1 - 1);
  size_t slen = len - (size_t)(dot2 + 1 - jws);
  if (0 == hlen || 0 == plen || 0 == slen) {
    cert_verification_fail(out, "empty JWS segment");
    goto cleanup;
  }
  header = decode_json_segment(jws, hlen);
  if (NULL == header) {
    cert_verification_fail(out, "JWS header is not base64url-encoded JSON");
    goto cleanup;
  }
  const char *k;
  json_t *v;
  json_object_foreach(header, k, v) {
    if (0 != strcmp(k, "alg") && 0 != strcmp(k, "kid") && 0 != strcmp(k, "typ")) {
      cert_verification_fail(out, "unexpected JWS header parameter");
      goto cleanup;
    }
  }
  const char *alg = json_string_value(json_object_get(header, "alg"));
  const char *typ = json_string_value(json_object_get(header, "typ"));
  const char *kid = json_string_value(json_object_get(header, "kid"));
  if (NULL == alg || 0 != strcmp(alg, "EdDSA")) {
    cert_verification_fail(out, "algorithm not allowed (only EdDSA)");
    goto cleanup;
  }
  if (NULL == typ || 0 != strcmp(typ, JWS_TYP)) {
    cert_verification_fail(out, "wrong token type (expected " JWS_TYP ")");
    goto cleanup;
  }
  if (0 != token_b64url_decode(&sig, &siglen, dot2 + 1, slen)) {
    sig = NULL; /* reported as malformed, after the key */
  }
  const struct cert_signed s = {.msg = jws,
                                .msglen = (size_t)(dot2 - jws),
                                .sig = sig,
                                .siglen = siglen,
                                .made_here = made_here};
  const struct token_pubkey *key = cert_verification_key(out, keys, nkeys, kid, &s);
  if (NULL == key) {
    goto cleanup;
  }
  payload = decode_json_segment(dot1 + 1, plen);
  if (NULL == payload || 0 != parse_payload(&out->claims, payload)) {
    cert_verification_fail(out, "credential claims are malformed");
    goto cleanup;
  }
  cert_verification_accept(out, key, now);
cleanup:
  json_decref(header);
  json_decref(payload);
  free(sig);
}

void cert_jws_verify(struct cert_verification *out, const char *jws, size_t len,
                     const struct token_pubkey *keys, size_t nkeys, int64_t now) {
  jws_verify(out, jws, len, keys, nkeys, now, false);
}

void cert_jws_verify_issued(struct cert_verification *out, const char *jws, size_t len,
                            const struct token_pubkey *keys, size_t nkeys, int64_t now,
                            const char *issued) {
  bool same =
      NULL != jws && NULL != issued && strlen(issued) == len && 0 == memcmp(jws, issued, len);
  jws_verify(out, jws, len, keys, nkeys, now, same);
}
