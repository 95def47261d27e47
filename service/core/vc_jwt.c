/*
 * The credential's VC-JOSE JWT: payload from the credential document, and the OB 3.0 claim
 * rules checked on the way back (see ujikom/vc_jwt.h).
 */
#include "ujikom/vc_jwt.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cert_internal.h"
#include "ujikom/ob3.h"
#include "ujikom/timefmt.h"

/* What the five claims are, read from a credential document. */
struct claims {
  const char *iss, *sub, *jti;
  int64_t nbf, exp;
};

/* A date-time property of doc in seconds: 0, or -1 when absent or not RFC 3339. */
static int doc_time(int64_t *out, const json_t *doc, const char *key) {
  const char *text = json_string_value(json_object_get(doc, key));
  int64_t ms = 0;
  if (NULL == text || 0 != time_parse_rfc3339(&ms, text)) {
    return -1;
  }
  *out = ms / 1000;
  return 0;
}

/* The subject: credentialSubject.id, else the identityHash of its first hashed identifier
 * (the salted e-mail hash, not the name in clear), else of its first identifier. */
static const char *subject_of(const json_t *doc) {
  const json_t *subject = json_object_get(doc, "credentialSubject");
  const char *id = json_string_value(json_object_get(subject, "id"));
  const json_t *ids = json_object_get(subject, "identifier"), *e, *pick = json_array_get(ids, 0);
  size_t i;
  if (NULL != id) {
    return id;
  }
  json_array_foreach(ids, i, e) {
    if (json_is_true(json_object_get(e, "hashed"))) {
      pick = e;
      break;
    }
  }
  return json_string_value(json_object_get(pick, "identityHash"));
}

static int claims_of(struct claims *out, const json_t *doc) {
  const json_t *issuer = json_object_get(doc, "issuer");
  out->iss = json_is_string(issuer) ? json_string_value(issuer)
                                    : json_string_value(json_object_get(issuer, "id"));
  out->sub = subject_of(doc);
  out->jti = json_string_value(json_object_get(doc, "id"));
  if (NULL == out->iss || NULL == out->sub || NULL == out->jti ||
      0 != doc_time(&out->nbf, doc, "validFrom") || 0 != doc_time(&out->exp, doc, "validUntil") ||
      out->exp <= out->nbf) {
    return -1;
  }
  return 0;
}

/* vc_jwt_payload, its members shared with credential unless deep (a payload only dumped
 * needs no copy of them). */
static json_t *payload_of(const json_t *credential, bool deep) {
  struct claims c;
  if (!json_is_object(credential) || 0 != claims_of(&c, credential)) {
    return NULL;
  }
  json_t *p = deep ? json_deep_copy(credential) : json_copy((json_t *)(uintptr_t)credential);
  if (NULL == p) {
    return NULL;
  }
  json_object_del(p, "proof");
  if (0 != json_object_set_new(p, "iss", json_string(c.iss)) ||
      0 != json_object_set_new(p, "sub", json_string(c.sub)) ||
      0 != json_object_set_new(p, "nbf", json_integer((json_int_t)c.nbf)) ||
      0 != json_object_set_new(p, "exp", json_integer((json_int_t)c.exp)) ||
      0 != json_object_set_new(p, "jti", json_string(c.jti))) {
    json_decref(p);
    return NULL;
  }
  return p;
}

json_t *vc_jwt_payload(const json_t *credential) {
  return payload_of(credential, true);
}

int vc_jwt_sign(char **out, const json_t *credential, const char *kid_url,
                const struct es256_key *key) {
  json_t *payload = payload_of(credential, false);
  int rc = NULL == payload ? -1 : es256_jwt_sign(out, payload, kid_url, key);
  json_decref(payload);
  return rc;
}

bool vc_jwt_has_payload(const char *jwt, const json_t *payload) {
  const char *d1 = strchr(jwt, '.');
  const char *d2 = NULL == d1 ? NULL : strchr(d1 + 1, '.');
  unsigned char *raw = NULL;
  size_t rl = 0;
  bool same = false;
  if (NULL != d2 && 0 == token_b64url_decode(&raw, &rl, d1 + 1, (size_t)(d2 - d1 - 1))) {
    json_t *got = json_loadb((const char *)raw, rl, JSON_REJECT_DUPLICATES, NULL);
    same = json_is_object(got) && json_equal(got, payload);
    json_decref(got);
  }
  free(raw);
  return same;
}

/* True when payload's key is the string want. */
static bool text_is(const json_t *payload, const char *key, const char *want) {
  const char *have = json_string_value(json_object_get(payload, key));
  return NULL != have && 0 == strcmp(have, want);
}

static bool int_is(const json_t *payload, const char *key, int64_t want) {
  const json_t *v = json_object_get(payload, key);
  return json_is_integer(v) && (int64_t)json_integer_value(v) == want;
}

int vc_jwt_check_claims(const json_t *payload, char *why, size_t whylen) {
  struct claims c;
  const char *broken = NULL;
  if (0 != claims_of(&c, payload)) {
    broken = "the credential lacks an id, issuer, subject, validFrom or validUntil";
  } else if (!text_is(payload, "iss", c.iss)) {
    broken = "\"iss\" is not the issuer's id";
  } else if (!text_is(payload, "sub", c.sub)) {
    broken = "\"sub\" is not the subject's id or identifier";
  } else if (!int_is(payload, "nbf", c.nbf)) {
    broken = "\"nbf\" is not validFrom";
  } else if (!int_is(payload, "exp", c.exp)) {
    broken = "\"exp\" is not validUntil";
  } else if (!text_is(payload, "jti", c.jti)) {
    broken = "\"jti\" is not the credential's id";
  } else if (NULL != json_object_get(payload, "proof")) {
    broken = "the payload carries an embedded proof";
  }
  if (NULL != broken) {
    snprintf(why, whylen, "%s", broken);
    return -1;
  }
  return 0;
}

/* Copies the string value v into dst (size bytes) when it is text a claim may hold. */
static void put_text(char *dst, size_t size, const json_t *v) {
  const char *s = json_string_value(v);
  size_t len = json_string_length(v);
  if (NULL == s || !cert_text_signable(s, len) || 0 != cert_copy_text(dst, size, s, len)) {
    dst[0] = '\0';
  }
}

/* The holder's name: the first identifier that is not hashed. */
static const json_t *plain_identifier(const json_t *subject) {
  size_t i;
  const json_t *e;
  json_array_foreach(json_object_get(subject, "identifier"), i, e) {
    if (json_is_false(json_object_get(e, "hashed"))) {
      return json_object_get(e, "identityHash");
    }
  }
  return NULL;
}

/* The first BitstringStatusListEntry (an object or in an array): its index and list URL. */
static void status_of(struct cert_claims *out, const json_t *doc) {
  const json_t *st = json_object_get(doc, "credentialStatus");
  const json_t *e = json_is_array(st) ? json_array_get(st, 0) : st;
  const char *index = json_string_value(json_object_get(e, "statusListIndex"));
  const char *list = json_string_value(json_object_get(e, "statusListCredential"));
  const char *purpose = json_string_value(json_object_get(e, "statusPurpose"));
  char *end = NULL;
  unsigned long long v = NULL == index ? 0 : strtoull(index, &end, 10);
  size_t ll = NULL == list ? 0 : strlen(list), pl = strlen(CERT_STATUS_PATH_REVOCATION);
  if (NULL == index || end == index || '\0' != *end || v >= CERT_STATUS_INDEX_LIMIT ||
      NULL == purpose || 0 != strcmp(purpose, "revocation") || ll <= pl ||
      0 != strcmp(list + ll - pl, CERT_STATUS_PATH_REVOCATION) ||
      ll - pl >= sizeof out->issuer_url) {
    return;
  }
  out->has_status = true;
  out->status_index = (uint64_t)v;
  memcpy(out->issuer_url, list, ll - pl);
  out->issuer_url[ll - pl] = '\0';
}

int vc_credential_claims(struct cert_claims *out, const json_t *doc) {
  int64_t from = 0, until = 0;
  const char *id = json_string_value(json_object_get(doc, "id"));
  const char *last = NULL == id ? NULL : strrchr(id, '/');
  memset(out, 0, offsetof(struct cert_claims, units));
  if (NULL == last || 0 != doc_time(&from, doc, "validFrom") ||
      0 != doc_time(&until, doc, "validUntil") ||
      0 != cert_serial_parse(out->serial, NULL, last + 1)) {
    return -1;
  }
  const json_t *subject = json_object_get(doc, "credentialSubject");
  const json_t *issuer = json_object_get(doc, "issuer");
  put_text(out->holder, sizeof out->holder, plain_identifier(subject));
  put_text(out->holder_id, sizeof out->holder_id, json_object_get(subject, "id"));
  put_text(out->scheme_title, sizeof out->scheme_title,
           json_object_get(json_object_get(subject, "achievement"), "name"));
  put_text(out->issuer_name, sizeof out->issuer_name, json_object_get(issuer, "name"));
  put_text(out->issuer_url, sizeof out->issuer_url,
           json_is_string(issuer) ? issuer : json_object_get(issuer, "id"));
  status_of(out, doc);
  out->issued = from;
  out->expires = until;
  return 0;
}

/* Completes an offline verification of the credential document doc whose signature or proof
 * gave fault (why) under key kid: its claims for display, judged at now, or the failure. */
static void settle(struct cert_verification *out, enum cert_fault fault, char *why, size_t whylen,
                   const json_t *doc, const char *kid, int64_t now) {
  memset(out, 0, offsetof(struct cert_verification, claims));
  if (CERT_FAULT_NONE == fault && 0 != vc_credential_claims(&out->claims, doc)) {
    snprintf(why, whylen, "the credential's id names no certificate serial");
    fault = CERT_FAULT_MALFORMED;
  }
  if (CERT_FAULT_NONE != fault) {
    cert_verification_fail(out, "%s", why);
    out->fault = fault;
    return;
  }
  snprintf(out->claims.kid, sizeof out->claims.kid, "%s", kid);
  cert_verification_issued(out, now);
}

void vc_jwt_verify(struct cert_verification *out, const char *jwt, size_t len,
                   const struct es256_pubkey *keys, size_t nkeys, int64_t now) {
  json_t *payload = NULL;
  const struct es256_pubkey *key = NULL;
  char why[160];
  enum cert_fault fault = es256_jwt_verify(&payload, &key, jwt, len, keys, nkeys, why, sizeof why);
  if (CERT_FAULT_NONE == fault && 0 != vc_jwt_check_claims(payload, why, sizeof why)) {
    fault = CERT_FAULT_MALFORMED;
  }
  settle(out, fault, why, sizeof why, payload, NULL == key ? "" : key->kid, now);
  json_decref(payload);
}

enum cert_fault vc_jsonld_proof(char kid[TOKEN_KID_LEN + 1], const json_t *doc,
                                const struct token_pubkey *keys, size_t nkeys, char *why,
                                size_t whylen) {
  static const enum cert_fault faults[] = {[OB3_PROOF_OK] = CERT_FAULT_NONE,
                                           [OB3_PROOF_MALFORMED] = CERT_FAULT_MALFORMED,
                                           [OB3_PROOF_UNKNOWN_KEY] = CERT_FAULT_UNKNOWN_KEY,
                                           [OB3_PROOF_BAD_SIGNATURE] = CERT_FAULT_BAD_SIGNATURE};
  const json_t *issuer = json_object_get(doc, "issuer");
  const char *did =
      json_string_value(json_is_string(issuer) ? issuer : json_object_get(issuer, "id"));
  if (NULL == did) {
    snprintf(why, whylen, "not a JSON-LD credential with an issuer");
    return CERT_FAULT_MALFORMED;
  }
  enum ob3_proof_rc rc = ob3_proof_verify(doc, did, keys, nkeys, kid, why, whylen);
  return (size_t)rc < sizeof faults / sizeof faults[0] ? faults[rc] : CERT_FAULT_MALFORMED;
}

void vc_jsonld_verify(struct cert_verification *out, const char *text, size_t len,
                      const struct token_pubkey *keys, size_t nkeys, int64_t now) {
  char kid[TOKEN_KID_LEN + 1] = "", why[160];
  json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
  enum cert_fault fault = vc_jsonld_proof(kid, doc, keys, nkeys, why, sizeof why);
  settle(out, fault, why, sizeof why, doc, kid, now);
  json_decref(doc);
}
