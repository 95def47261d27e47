/*
 * The QR token: a COSE_Sign1 structure (RFC 9052, tag 18, alg -8 EdDSA, kid in the protected
 * header) over a small CBOR map of the core claims, written in RFC 4648 base32 so the whole
 * URL stays inside the QR alphanumeric character set (denser than byte mode).
 *
 * Claim map (unsigned integer keys, nothing else allowed):
 *   1 serial (bstr, 10 raw bytes)   2 holder (tstr)   3 subsector code (tstr)
 *   4 scheme id (tstr)              5 issue day (uint, days since 1970-01-01 UTC)
 *   6 expiry day (uint, first day on which the certificate is no longer valid)
 * Domain separation: the Sig_structure carries external_aad "ujikom-cert-qr/1", so neither a
 * JWS signature nor a signature made for any other purpose verifies as a QR token.
 */
#include <cbor.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cert_internal.h"

#define COSE_TAG_SIGN1 18
#define COSE_HDR_ALG   1
#define COSE_HDR_KID   4
#define COSE_ALG_EDDSA (-8)
#define COSE_AAD       "ujikom-cert-qr/1"
#define DAY_S          CERT_DAY_S

enum qr_claim {
  QR_SERIAL = 1,
  QR_HOLDER = 2,
  QR_SUBSECTOR = 3,
  QR_SCHEME = 4,
  QR_ISSUED = 5,
  QR_EXPIRES = 6,
};

/* --- building (libcbor items, smallest integer widths so the encoding is canonical) --- */

static cbor_item_t *build_uint(uint64_t v) {
  if (v <= UINT8_MAX) {
    return cbor_build_uint8((uint8_t)v);
  }
  if (v <= UINT16_MAX) {
    return cbor_build_uint16((uint16_t)v);
  }
  if (v <= UINT32_MAX) {
    return cbor_build_uint32((uint32_t)v);
  }
  return cbor_build_uint64(v);
}

/* Adds key -> value to map, consuming value; false on failure (value released). */
static bool map_put(cbor_item_t *map, uint64_t key, cbor_item_t *value) {
  cbor_item_t *k = build_uint(key);
  bool ok =
      NULL != k && NULL != value && cbor_map_add(map, (struct cbor_pair){.key = k, .value = value});
  if (NULL != k) {
    cbor_decref(&k);
  }
  if (NULL != value) {
    cbor_decref(&value);
  }
  return ok;
}

static bool array_put(cbor_item_t *arr, cbor_item_t *value) {
  bool ok = NULL != value && cbor_array_push(arr, value);
  if (NULL != value) {
    cbor_decref(&value);
  }
  return ok;
}

/* Serialises an item (and releases it). Returns the malloc'd bytes or NULL. */
static unsigned char *serialize(cbor_item_t *item, size_t *len) {
  unsigned char *buf = NULL;
  size_t cap = 0;
  *len = 0;
  if (NULL == item) {
    return NULL;
  }
  *len = cbor_serialize_alloc(item, &buf, &cap);
  cbor_decref(&item);
  if (0 == *len) {
    free(buf);
    return NULL;
  }
  return buf;
}

static unsigned char *encode_protected(size_t *len, const char *kid) {
  cbor_item_t *m = cbor_new_definite_map(2);
  if (NULL == m) {
    return NULL;
  }
  if (!map_put(m, COSE_HDR_ALG, cbor_build_negint8((uint8_t)(-1 - COSE_ALG_EDDSA))) ||
      !map_put(m, COSE_HDR_KID, cbor_build_bytestring((cbor_data)kid, strlen(kid)))) {
    cbor_decref(&m);
    return NULL;
  }
  return serialize(m, len);
}

static unsigned char *encode_payload(size_t *len, const struct cert_claims *c) {
  unsigned char raw[CERT_SERIAL_BYTES];
  if (0 != cert_serial_parse(NULL, raw, c->serial)) {
    return NULL;
  }
  cbor_item_t *m = cbor_new_definite_map(6);
  if (NULL == m) {
    return NULL;
  }
  uint64_t issued_day = (uint64_t)c->issued / DAY_S;
  uint64_t expiry_day = ((uint64_t)c->expires + DAY_S - 1) / DAY_S;
  if (!map_put(m, QR_SERIAL, cbor_build_bytestring(raw, sizeof raw)) ||
      !map_put(m, QR_HOLDER, cbor_build_stringn(c->holder, strlen(c->holder))) ||
      !map_put(m, QR_SUBSECTOR, cbor_build_stringn(c->subsector, strlen(c->subsector))) ||
      !map_put(m, QR_SCHEME, cbor_build_stringn(c->scheme_id, strlen(c->scheme_id))) ||
      !map_put(m, QR_ISSUED, build_uint(issued_day)) ||
      !map_put(m, QR_EXPIRES, build_uint(expiry_day))) {
    cbor_decref(&m);
    return NULL;
  }
  return serialize(m, len);
}

/* Sig_structure = ["Signature1", protected, external_aad, payload] (RFC 9052 4.4). */
static unsigned char *encode_sig_structure(size_t *len, const unsigned char *prot, size_t plen,
                                           const unsigned char *payload, size_t paylen) {
  cbor_item_t *a = cbor_new_definite_array(4);
  if (NULL == a) {
    return NULL;
  }
  if (!array_put(a, cbor_build_stringn("Signature1", 10)) ||
      !array_put(a, cbor_build_bytestring(prot, plen)) ||
      !array_put(a, cbor_build_bytestring((cbor_data)COSE_AAD, strlen(COSE_AAD))) ||
      !array_put(a, cbor_build_bytestring(payload, paylen))) {
    cbor_decref(&a);
    return NULL;
  }
  return serialize(a, len);
}

int cert_qr_token_sign(char **out, const struct cert_claims *claims, const struct token_key *key) {
  int rc = -1;
  unsigned char *prot = NULL, *payload = NULL, *tbs = NULL, *cose = NULL;
  size_t plen = 0, paylen = 0, tbslen = 0, coselen = 0;
  unsigned char sig[TOKEN_SIG_LEN];
  cbor_item_t *arr = NULL, *tagged = NULL;
  *out = NULL;
  if (0 != cert_claims_check(claims)) {
    goto cleanup;
  }
  prot = encode_protected(&plen, key->pub.kid);
  payload = encode_payload(&paylen, claims);
  if (NULL == prot || NULL == payload) {
    goto cleanup;
  }
  tbs = encode_sig_structure(&tbslen, prot, plen, payload, paylen);
  if (NULL == tbs || 0 != token_ed25519_sign(sig, key, tbs, tbslen)) {
    goto cleanup;
  }
  arr = cbor_new_definite_array(4);
  if (NULL == arr || !array_put(arr, cbor_build_bytestring(prot, plen)) ||
      !array_put(arr, cbor_new_definite_map(0)) ||
      !array_put(arr, cbor_build_bytestring(payload, paylen)) ||
      !array_put(arr, cbor_build_bytestring(sig, sizeof sig))) {
    goto cleanup;
  }
  tagged = cbor_build_tag(COSE_TAG_SIGN1, arr);
  cose = serialize(tagged, &coselen);
  tagged = NULL;
  if (NULL == cose) {
    goto cleanup;
  }
  *out = token_b32_encode(cose, coselen);
  if (NULL != *out && strlen(*out) > CERT_QR_TOKEN_MAX) {
    free(*out); /* a token the verifiers would refuse unread is never handed out */
    *out = NULL;
  }
  rc = NULL == *out ? -1 : 0;
cleanup:
  if (NULL != arr) {
    cbor_decref(&arr);
  }
  free(prot);
  free(payload);
  free(tbs);
  free(cose);
  return rc;
}

/* --- verification --- */

static bool is_definite_bstr(const cbor_item_t *i) {
  return NULL != i && cbor_isa_bytestring(i) && cbor_bytestring_is_definite(i);
}

static bool is_definite_tstr(const cbor_item_t *i) {
  return NULL != i && cbor_isa_string(i) && cbor_string_is_definite(i);
}

static bool is_definite_map(const cbor_item_t *i) {
  return NULL != i && cbor_isa_map(i) && cbor_map_is_definite(i);
}

#define CBOR_MAX_DEPTH 8

/* Checks one definite-length CBOR item at p (at most len bytes) before libcbor sees it:
 * libcbor 0.8 allocates whatever an array or map header declares, so a 10-byte input could
 * ask for gigabytes. Every element takes at least one byte, so a count larger than the
 * bytes left is malformed. Indefinite lengths (never produced by the signer) are refused.
 * Returns the item's size in bytes, or 0 when malformed. */
static size_t cbor_item_size(const unsigned char *p, size_t len, int depth) {
  if (0 == len || depth > CBOR_MAX_DEPTH) {
    return 0;
  }
  unsigned major = p[0] >> 5, ai = p[0] & 31u;
  size_t head = 1;
  uint64_t value = ai;
  if (ai >= 24) {
    if (ai > 27) {
      return 0; /* reserved, or indefinite length */
    }
    size_t n = (size_t)1 << (ai - 24);
    if (len < 1 + n) {
      return 0;
    }
    value = 0;
    for (size_t i = 0; i < n; i++) {
      value = (value << 8) | p[1 + i];
    }
    head += n;
  }
  size_t left = len - head;
  switch (major) {
  case 0: /* unsigned */
  case 1: /* negative */
  case 7: /* simple values and floats: the argument is the whole payload */
    return head;
  case 2: /* byte string */
  case 3: /* text string */
    return value <= left ? head + (size_t)value : 0;
  case 6: { /* tag: one item */
    size_t inner = cbor_item_size(p + head, left, depth + 1);
    return 0 == inner ? 0 : head + inner;
  }
  default: { /* 4 array, 5 map */
    if (value > left || (5 == major && value > left / 2)) {
      return 0;
    }
    uint64_t items = 5 == major ? value * 2 : value;
    size_t used = head;
    for (uint64_t i = 0; i < items; i++) {
      size_t n = cbor_item_size(p + used, len - used, depth + 1);
      if (0 == n) {
        return 0;
      }
      used += n;
    }
    return used;
  }
  }
}

/* Decodes exactly len bytes as one CBOR item; NULL when malformed or trailing bytes. */
static cbor_item_t *load_exact(const unsigned char *data, size_t len) {
  if (len != cbor_item_size(data, len, 0)) {
    return NULL;
  }
  struct cbor_load_result res;
  cbor_item_t *item = cbor_load(data, len, &res);
  if (NULL == item) {
    return NULL;
  }
  if (CBOR_ERR_NONE != res.error.code || res.read != len) {
    cbor_decref(&item);
    return NULL;
  }
  return item;
}

static bool uint_key(const cbor_item_t *k, uint64_t *out) {
  if (NULL == k || !cbor_isa_uint(k)) {
    return false;
  }
  *out = cbor_get_int(k);
  return true;
}

/* Walks a CBOR map of exactly n entries whose keys are small unsigned integers, each seen
 * once, calling take(ctx, key, value) for each (0, or -1 to refuse it). Returns 0, or -1
 * when data is not such a map or an entry was refused. */
static int each_entry(const unsigned char *data, size_t len, size_t n,
                      int (*take)(void *ctx, uint64_t key, const cbor_item_t *value), void *ctx) {
  int rc = -1;
  unsigned seen = 0;
  cbor_item_t *m = load_exact(data, len);
  if (is_definite_map(m) && n == cbor_map_size(m)) {
    struct cbor_pair *pairs = cbor_map_handle(m);
    rc = 0;
    for (size_t i = 0; 0 == rc && i < n; i++) {
      uint64_t key;
      if (!uint_key(pairs[i].key, &key) || key >= 32 || (seen & (1u << key))) {
        rc = -1;
      } else {
        seen |= 1u << key;
        rc = take(ctx, key, pairs[i].value);
      }
    }
  }
  if (NULL != m) {
    cbor_decref(&m);
  }
  return rc;
}

/* The protected header's entries: alg must be EdDSA, kid TOKEN_KID_LEN bytes of text. */
static int take_protected(void *ctx, uint64_t key, const cbor_item_t *v) {
  char *kid = ctx;
  if (COSE_HDR_ALG == key) {
    return cbor_isa_negint(v) && (uint64_t)(-1 - COSE_ALG_EDDSA) == cbor_get_int(v) ? 0 : -1;
  }
  if (COSE_HDR_KID != key || !is_definite_bstr(v) || TOKEN_KID_LEN != cbor_bytestring_length(v)) {
    return -1;
  }
  memcpy(kid, cbor_bytestring_handle(v), TOKEN_KID_LEN);
  kid[TOKEN_KID_LEN] = '\0';
  return strlen(kid) == TOKEN_KID_LEN ? 0 : -1;
}

/* Protected header: exactly {1: -8, 4: kid} (two entries, each key once, so both are there).
 * Writes the kid (NUL-terminated). */
static int parse_protected(char kid[TOKEN_KID_LEN + 1], const unsigned char *data, size_t len) {
  return each_entry(data, len, 2, take_protected, kid);
}

static int copy_tstr(char *dst, size_t size, const cbor_item_t *v, bool required) {
  if (!is_definite_tstr(v)) {
    return -1;
  }
  const char *s = (const char *)cbor_string_handle(v);
  size_t len = cbor_string_length(v);
  if ((required && 0 == len) || (len > 0 && !cert_text_signable(s, len))) {
    return -1;
  }
  if (0 == len) {
    dst[0] = '\0';
    return 0;
  }
  return cert_copy_text(dst, size, s, len);
}

/* The claims of a QR token as they are read, and the two dates as whole days. */
struct payload {
  struct cert_claims *c;
  uint64_t issued_day, expiry_day;
};

static int take_claim(void *ctx, uint64_t key, const cbor_item_t *v) {
  struct payload *p = ctx;
  struct cert_claims *c = p->c;
  switch (key) {
  case QR_SERIAL:
    if (!is_definite_bstr(v) || CERT_SERIAL_BYTES != cbor_bytestring_length(v)) {
      return -1;
    }
    cert_serial_format(c->serial, cbor_bytestring_handle(v));
    return 0;
  case QR_HOLDER:
    return copy_tstr(c->holder, sizeof c->holder, v, true);
  case QR_SUBSECTOR:
    return copy_tstr(c->subsector, sizeof c->subsector, v, true);
  case QR_SCHEME:
    return copy_tstr(c->scheme_id, sizeof c->scheme_id, v, true);
  case QR_ISSUED:
  case QR_EXPIRES:
    if (NULL == v || !cbor_isa_uint(v) || cbor_get_int(v) > (uint64_t)INT32_MAX) {
      return -1;
    }
    *(QR_ISSUED == key ? &p->issued_day : &p->expiry_day) = cbor_get_int(v);
    return 0;
  default:
    return -1;
  }
}

/* The payload: exactly the six claims, each once, expiry after issue. */
static int parse_payload(struct cert_claims *c, const unsigned char *data, size_t len) {
  struct payload p = {.c = c};
  if (0 != each_entry(data, len, 6, take_claim, &p) || p.expiry_day <= p.issued_day) {
    return -1;
  }
  c->issued = (int64_t)p.issued_day * DAY_S;
  c->expires = (int64_t)p.expiry_day * DAY_S;
  return 0;
}

/* The QR verifier; `made_here` skips the Ed25519 check (see cert_qr_token_verify_issued). */
static void qr_verify(struct cert_verification *out, const char *token, size_t len,
                      const struct token_pubkey *keys, size_t nkeys, int64_t now, bool made_here) {
  unsigned char *raw = NULL, *tbs = NULL;
  size_t rawlen = 0, tbslen = 0;
  cbor_item_t *inner = NULL;
  char kid[TOKEN_KID_LEN + 1];
  if (!cert_verification_start(out, token, len, CERT_QR_TOKEN_MAX, "token")) {
    goto cleanup;
  }
  if (0 != token_b32_decode(&raw, &rawlen, token, len)) {
    cert_verification_fail(out, "token is not base32");
    goto cleanup;
  }
  /* The tag is checked by hand: libcbor 0.8 rejects the one-byte form of tags 6..20
   * (0xc6..0xd4) as malformed, and 0xd2 is exactly the canonical COSE_Sign1 tag. */
  if (rawlen < 2 || 0xc0 + COSE_TAG_SIGN1 != raw[0]) {
    cert_verification_fail(out, "token is not a tagged COSE_Sign1");
    goto cleanup;
  }
  inner = load_exact(raw + 1, rawlen - 1);
  if (NULL == inner || !cbor_isa_array(inner) || !cbor_array_is_definite(inner) ||
      4 != cbor_array_size(inner)) {
    cert_verification_fail(out, "malformed COSE_Sign1");
    goto cleanup;
  }
  cbor_item_t **parts = cbor_array_handle(inner);
  if (!is_definite_bstr(parts[0]) || !is_definite_map(parts[1]) || 0 != cbor_map_size(parts[1]) ||
      !is_definite_bstr(parts[2]) || !is_definite_bstr(parts[3])) {
    cert_verification_fail(out, "malformed COSE_Sign1");
    goto cleanup;
  }
  if (0 !=
      parse_protected(kid, cbor_bytestring_handle(parts[0]), cbor_bytestring_length(parts[0]))) {
    cert_verification_fail(out, "protected header must be exactly alg EdDSA and a kid");
    goto cleanup;
  }
  tbs = encode_sig_structure(&tbslen, cbor_bytestring_handle(parts[0]),
                             cbor_bytestring_length(parts[0]), cbor_bytestring_handle(parts[2]),
                             cbor_bytestring_length(parts[2]));
  const struct cert_signed sig = {.msg = tbs,
                                  .msglen = tbslen,
                                  .sig = cbor_bytestring_handle(parts[3]),
                                  .siglen = cbor_bytestring_length(parts[3]),
                                  .made_here = made_here};
  const struct token_pubkey *key = cert_verification_key(out, keys, nkeys, kid, &sig);
  if (NULL == key) {
    goto cleanup;
  }
  if (0 != parse_payload(&out->claims, cbor_bytestring_handle(parts[2]),
                         cbor_bytestring_length(parts[2]))) {
    cert_verification_fail(out, "token claims are malformed");
    goto cleanup;
  }
  cert_verification_accept(out, key, now);
cleanup:
  if (NULL != inner) {
    cbor_decref(&inner);
  }
  free(raw);
  free(tbs);
}

/* --- the URL in the QR code --- */

static bool qr_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || NULL != strchr(" $%*+-./:", c);
}

char *cert_qr_url(const char *public_url, const char *token) {
  size_t ul = strlen(public_url), tl = strlen(token);
  while (ul > 0 && '/' == public_url[ul - 1]) {
    ul--;
  }
  char *url = malloc(ul + 3 + tl + 1);
  if (NULL == url) {
    return NULL;
  }
  for (size_t i = 0; i < ul; i++) {
    url[i] = (char)toupper((unsigned char)public_url[i]);
  }
  memcpy(url + ul, "/V/", 3);
  for (size_t i = 0; i < tl; i++) {
    url[ul + 3 + i] = (char)toupper((unsigned char)token[i]);
  }
  url[ul + 3 + tl] = '\0';
  for (size_t i = 0; url[i]; i++) {
    if (!qr_alnum(url[i])) {
      free(url);
      return NULL;
    }
  }
  return url;
}

int cert_qr_url_token(const char **out, size_t *out_len, const char *text, size_t len) {
  *out = NULL;
  *out_len = 0;
  while (len > 0 && isspace((unsigned char)text[len - 1])) {
    len--;
  }
  while (len > 0 && isspace((unsigned char)*text)) {
    text++;
    len--;
  }
  const char *start = text;
  for (size_t i = 0; i + 3 <= len; i++) {
    if ('/' == text[i] && ('V' == text[i + 1] || 'v' == text[i + 1]) && '/' == text[i + 2]) {
      start = text + i + 3;
    }
  }
  size_t n = len - (size_t)(start - text);
  /* Drop a query string or fragment a scanner app might have kept. */
  for (size_t i = 0; i < n; i++) {
    if ('?' == start[i] || '#' == start[i]) {
      n = i;
      break;
    }
  }
  if (0 == n) {
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    char c = start[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
      return -1;
    }
  }
  *out = start;
  *out_len = n;
  return 0;
}

void cert_qr_token_verify(struct cert_verification *out, const char *token, size_t len,
                          const struct token_pubkey *keys, size_t nkeys, int64_t now) {
  qr_verify(out, token, len, keys, nkeys, now, false);
}

void cert_qr_token_verify_issued(struct cert_verification *out, const char *token, size_t len,
                                 const struct token_pubkey *keys, size_t nkeys, int64_t now,
                                 const char *issued) {
  bool same = NULL != token && NULL != issued && strlen(issued) == len &&
              0 == strncasecmp(token, issued, len);
  qr_verify(out, token, len, keys, nkeys, now, same);
}

/* The CBOR head at *p (at most end - *p bytes): major type and argument; moves *p past it.
 * False when truncated, indefinite or reserved. */
static bool cbor_head(const unsigned char **p, const unsigned char *end, unsigned *major,
                      uint64_t *value) {
  if (*p >= end) {
    return false;
  }
  unsigned ai = **p & 31u;
  *major = **p >> 5;
  (*p)++;
  *value = ai;
  if (ai < 24) {
    return true;
  }
  if (ai > 27) {
    return false;
  }
  size_t n = (size_t)1 << (ai - 24);
  if ((size_t)(end - *p) < n) {
    return false;
  }
  *value = 0;
  for (size_t i = 0; i < n; i++) {
    *value = (*value << 8) | (*p)[i];
  }
  *p += n;
  return true;
}

/* Base32 characters read for the serial: 40 bytes, well past where a token made by
 * cert_qr_token_sign has it (tag, array head, 14-byte protected header, empty map, payload
 * head, map head, key 1 and its 11-byte string end by byte 32). */
#define SERIAL_PREFIX_CHARS 64

/* Reads only as much of the token as leads to its serial, with bounds checks but without
 * judging anything else (no libcbor, only the first SERIAL_PREFIX_CHARS characters
 * decoded): a look-up key, nothing more. Whatever a forged token names here, it is then
 * verified in full unless it is the very text the service stored for that serial. */
int cert_qr_token_serial(char out[CERT_SERIAL_SIZE], const char *token, size_t len) {
  unsigned char *raw = NULL;
  size_t rawlen = 0;
  int rc = -1;
  out[0] = '\0';
  if (NULL == token || 0 == len || len > CERT_QR_TOKEN_MAX ||
      0 != token_b32_decode(&raw, &rawlen, token,
                            len > SERIAL_PREFIX_CHARS ? SERIAL_PREFIX_CHARS : len) ||
      rawlen < 2 || 0xc0 + COSE_TAG_SIGN1 != raw[0]) {
    goto cleanup;
  }
  const unsigned char *p = raw + 1, *end = raw + rawlen;
  unsigned major;
  uint64_t n;
  if (!cbor_head(&p, end, &major, &n) || 4 != major || 4 != n) {
    goto cleanup;
  }
  for (int skip = 0; skip < 2; skip++) { /* protected header, unprotected map */
    size_t size = cbor_item_size(p, (size_t)(end - p), 1);
    if (0 == size) {
      goto cleanup;
    }
    p += size;
  }
  if (!cbor_head(&p, end, &major, &n) || 2 != major) {
    goto cleanup;
  }
  if (n < (uint64_t)(end - p)) {
    end = p + n; /* the payload, or as much of it as was decoded */
  }
  uint64_t pairs;
  if (!cbor_head(&p, end, &major, &pairs) || 5 != major || pairs > 16) {
    goto cleanup;
  }
  for (uint64_t i = 0; i < pairs; i++) {
    uint64_t key;
    if (!cbor_head(&p, end, &major, &key) || 0 != major) {
      goto cleanup;
    }
    if (QR_SERIAL == key) {
      if (!cbor_head(&p, end, &major, &n) || 2 != major || CERT_SERIAL_BYTES != n ||
          (size_t)(end - p) < CERT_SERIAL_BYTES) {
        goto cleanup;
      }
      cert_serial_format(out, p);
      rc = 0;
      goto cleanup;
    }
    size_t size = cbor_item_size(p, (size_t)(end - p), 1);
    if (0 == size) {
      goto cleanup;
    }
    p += size;
  }
cleanup:
  free(raw);
  return rc;
}
