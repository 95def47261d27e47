/*
 * The credential's VC-JOSE JWT: payload from the credential document, and the OB 3.0 claim
 * rules checked on the way back (see ujikom/vc_jwt.h).
 */
#include "ujikom/vc_jwt.h"

#include <stdio.h>
#include <string.h>

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

/* The subject: credentialSubject.id, else the first identifier's identityHash. */
static const char *subject_of(const json_t *doc) {
  const json_t *subject = json_object_get(doc, "credentialSubject");
  const char *id = json_string_value(json_object_get(subject, "id"));
  if (NULL != id) {
    return id;
  }
  const json_t *first = json_array_get(json_object_get(subject, "identifier"), 0);
  return json_string_value(json_object_get(first, "identityHash"));
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

json_t *vc_jwt_payload(const json_t *credential) {
  struct claims c;
  if (!json_is_object(credential) || 0 != claims_of(&c, credential)) {
    return NULL;
  }
  json_t *p = json_deep_copy(credential);
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

int vc_jwt_sign(char **out, const json_t *credential, const char *kid_url,
                const struct es256_key *key) {
  json_t *payload = vc_jwt_payload(credential);
  int rc = NULL == payload ? -1 : es256_jwt_sign(out, payload, kid_url, key);
  json_decref(payload);
  return rc;
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
