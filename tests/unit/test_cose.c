/*
 * The QR token (COSE_Sign1 in base32): round trip, the URL it travels in, the QR size target
 * (version <= 13 at level Q for a 60-character name and a 40-character public URL), and the
 * verifier against every changed byte, swapped kid, a JWS signature replayed as a token,
 * truncation and over-long input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_cert_fixture.h"
#include "ujikom/cert.h"
#include "ujikom/cert_render.h"

#define NOW (FIX_ISSUED + 3600)

struct ctx {
  struct fixture_keys keys;
  struct cert_claims claims;
  char *token;
};

static int setup(void **state) {
  struct ctx *c = calloc(1, sizeof *c);
  if (NULL == c) {
    return -1;
  }
  fixture_keys_init(&c->keys);
  fixture_claims(&c->claims);
  if (0 != cert_qr_token_sign(&c->token, &c->claims, &c->keys.signer)) {
    return -1;
  }
  *state = c;
  return 0;
}

static int teardown(void **state) {
  struct ctx *c = *state;
  fixture_keys_wipe(&c->keys);
  free(c->token);
  free(c);
  return 0;
}

static enum cert_verdict verdict_of(const struct ctx *c, const char *tok, size_t len) {
  struct cert_verification *v = malloc(sizeof *v);
  assert_non_null(v);
  cert_qr_token_verify(v, tok, len, c->keys.trusted, 2, NOW);
  enum cert_verdict r = v->verdict;
  if (CERT_NOT_GENUINE == r && (v->claims_valid || 0 == strlen(v->reason))) {
    fail_msg("not genuine without a reason, or with claims");
  }
  free(v);
  return r;
}

static void test_round_trip(void **state) {
  struct ctx *c = *state;
  struct cert_verification *v = malloc(sizeof *v);
  assert_non_null(v);
  cert_qr_token_verify(v, c->token, strlen(c->token), c->keys.trusted, 2, NOW);
  if (CERT_GENUINE != v->verdict) {
    fail_msg("fresh token: %s (%s)", cert_verdict_name(v->verdict), v->reason);
  }
  assert_true(v->claims_valid);
  assert_string_equal(c->claims.serial, v->claims.serial);
  assert_string_equal(c->claims.holder, v->claims.holder);
  assert_string_equal(c->claims.subsector, v->claims.subsector);
  assert_string_equal(c->claims.scheme_id, v->claims.scheme_id);
  assert_string_equal(c->keys.signer.pub.kid, v->claims.kid);
  /* dates are kept as whole days: issue day floored, expiry day rounded up */
  assert_int_equal(FIX_ISSUED / 86400 * 86400, v->claims.issued);
  assert_int_equal((FIX_EXPIRES + 86399) / 86400 * 86400, v->claims.expires);
  /* lower case (some scanners lower-case URLs) verifies too */
  char *lower = strdup(c->token);
  for (char *p = lower; *p; p++) {
    if (*p >= 'A' && *p <= 'Z') {
      *p = (char)(*p - 'A' + 'a');
    }
  }
  cert_qr_token_verify(v, lower, strlen(lower), c->keys.trusted, 2, NOW);
  assert_int_equal(CERT_GENUINE, v->verdict);
  free(lower);
  cert_qr_token_verify(v, c->token, strlen(c->token), c->keys.trusted, 2, FIX_EXPIRES + 86400);
  assert_int_equal(CERT_EXPIRED, v->verdict);
  assert_true(v->claims_valid);
  free(v);
}

static void test_url_and_qr_size(void **state) {
  struct ctx *c = *state;
  char *url = cert_qr_url(FIX_PUBLIC_URL, c->token);
  assert_non_null(url);
  assert_int_equal(40, strlen(FIX_PUBLIC_URL));
  assert_memory_equal("HTTPS://SERTIFIKASI.LSPEKRAF-JAKUT.GO.ID/V/", url, 43);
  const char *tok = NULL;
  size_t tl = 0;
  assert_int_equal(0, cert_qr_url_token(&tok, &tl, url, strlen(url)));
  assert_int_equal(strlen(c->token), tl);
  assert_memory_equal(c->token, tok, tl);
  struct cert_qr qr;
  assert_int_equal(0, cert_qr_encode(&qr, url));
  print_message("QR: token %zu chars, URL %zu chars, version %d (%dx%d modules) at level Q\n",
                strlen(c->token), strlen(url), qr.version, qr.width, qr.width);
  cert_qr_free(&qr);
  free(url);
  if (qr.version > 13) {
    fail_msg("QR version %d exceeds the target of 13", qr.version);
  }
  /* a public URL outside the QR alphanumeric set is refused */
  assert_null(cert_qr_url("https://example.org/sertifikat?x=1", c->token));
  /* URL parsing */
  static const char *const bad[] = {"",
                                    "   ",
                                    "https://x/V/",
                                    "https://x/V/?t=ABC",
                                    "AB=C",
                                    "https://x/V/AB%20CD",
                                    "https://x/V/AB1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (0 == cert_qr_url_token(&tok, &tl, bad[i], strlen(bad[i]))) {
      fail_msg("accepted \"%s\" as a token URL", bad[i]);
    }
  }
  assert_int_equal(0, cert_qr_url_token(&tok, &tl, " http://h:1/v/abc2?utm=1 \n", 26));
  assert_int_equal(4, tl);
  assert_memory_equal("abc2", tok, 4);
}

/* The longest token the claims allow (a 200-character name of four-byte letters, a
 * 15-character subsector, a 127-character scheme id) is signed, fits CERT_QR_TOKEN_MAX and
 * the default --max-url with "/V/", verifies with the whole name, and still makes a QR code
 * (level Q). */
static void test_longest_holder(void **state) {
  struct ctx *c = *state;
  struct cert_claims *cl = malloc(sizeof *cl);
  struct cert_verification *v = malloc(sizeof *v);
  char *token = NULL;
  assert_non_null(cl);
  assert_non_null(v);
  *cl = c->claims;
  for (size_t i = 0; i < PERSON_NAME_MAX_CHARS; i++) {
    memcpy(cl->holder + 4 * i, "\xF0\xA0\x80\x80", 4);
  }
  cl->holder[PERSON_NAME_MAX_BYTES] = '\0';
  memset(cl->subsector, 'S', 15);
  cl->subsector[15] = '\0';
  memset(cl->scheme_id, 'X', sizeof cl->scheme_id - 1);
  cl->scheme_id[sizeof cl->scheme_id - 1] = '\0';
  assert_int_equal(0, cert_qr_token_sign(&token, cl, &c->keys.signer));
  size_t n = strlen(token);
  print_message("longest QR token: %zu characters (cap %d)\n", n, CERT_QR_TOKEN_MAX);
  assert_true(n <= CERT_QR_TOKEN_MAX);
  assert_true(sizeof "/V/" - 1 + CERT_QR_TOKEN_MAX <= 2048);
  cert_qr_token_verify(v, token, n, c->keys.trusted, 2, NOW);
  if (CERT_GENUINE != v->verdict) {
    fail_msg("longest token: %s (%s)", cert_verdict_name(v->verdict), v->reason);
  }
  assert_string_equal(cl->holder, v->claims.holder);
  char *url = cert_qr_url(FIX_PUBLIC_URL, token);
  struct cert_qr qr;
  assert_int_equal(0, cert_qr_encode(&qr, url));
  print_message("longest QR URL: %zu characters, version %d\n", strlen(url), qr.version);
  cert_qr_free(&qr);
  free(url);
  free(token);
  /* 800 ASCII letters (800 characters, not a name) are not signed. */
  memset(cl->holder, 'a', sizeof cl->holder - 1);
  cl->holder[sizeof cl->holder - 1] = '\0';
  assert_int_equal(-1, cert_qr_token_sign(&token, cl, &c->keys.signer));
  assert_null(token);
  free(v);
  free(cl);
}

static void test_every_changed_byte(void **state) {
  struct ctx *c = *state;
  unsigned char *raw = NULL;
  size_t rl = 0;
  assert_int_equal(0, token_b32_decode(&raw, &rl, c->token, strlen(c->token)));
  for (size_t i = 0; i < rl; i++) {
    for (int bit = 0; bit < 8; bit++) {
      raw[i] ^= (unsigned char)(1u << bit);
      char *t = token_b32_encode(raw, rl);
      if (CERT_NOT_GENUINE != verdict_of(c, t, strlen(t))) {
        fail_msg("byte %zu bit %d flipped, still accepted", i, bit);
      }
      free(t);
      raw[i] ^= (unsigned char)(1u << bit);
    }
  }
  /* every character of the text form, too */
  char *t = strdup(c->token);
  for (size_t i = 0; t[i]; i++) {
    char orig = t[i];
    t[i] = ('A' == orig) ? 'B' : 'A';
    if (CERT_NOT_GENUINE != verdict_of(c, t, strlen(t))) {
      fail_msg("character %zu changed, still accepted", i);
    }
    t[i] = orig;
  }
  free(t);
  free(raw);
}

static void test_truncated_and_long(void **state) {
  struct ctx *c = *state;
  size_t n = strlen(c->token);
  for (size_t cut = 0; cut < n; cut++) {
    if (CERT_NOT_GENUINE != verdict_of(c, c->token, cut)) {
      fail_msg("truncated to %zu, still accepted", cut);
    }
  }
  char *t = malloc(CERT_QR_TOKEN_MAX + 64);
  memcpy(t, c->token, n);
  memset(t + n, 'A', CERT_QR_TOKEN_MAX + 8 - n);
  t[CERT_QR_TOKEN_MAX + 8] = '\0';
  assert_int_equal(CERT_NOT_GENUINE, verdict_of(c, t, strlen(t)));
  /* valid COSE followed by extra CBOR bytes */
  unsigned char *raw = NULL;
  size_t rl = 0;
  assert_int_equal(0, token_b32_decode(&raw, &rl, c->token, n));
  unsigned char *more = malloc(rl + 1);
  memcpy(more, raw, rl);
  more[rl] = 0x00;
  char *t2 = token_b32_encode(more, rl + 1);
  assert_int_equal(CERT_NOT_GENUINE, verdict_of(c, t2, strlen(t2)));
  free(t2);
  free(more);
  free(raw);
  free(t);
  assert_int_equal(CERT_NOT_GENUINE, verdict_of(c, NULL, 0));
}

static void test_swapped_kid_and_strangers(void **state) {
  struct ctx *c = *state;
  unsigned char *raw = NULL;
  size_t rl = 0;
  assert_int_equal(0, token_b32_decode(&raw, &rl, c->token, strlen(c->token)));
  /* The kid is the only 8-byte run equal to ours: replace it with the other known kid. */
  unsigned char *hit = NULL;
  for (size_t i = 0; i + TOKEN_KID_LEN <= rl; i++) {
    if (0 == memcmp(raw + i, c->keys.signer.pub.kid, TOKEN_KID_LEN)) {
      hit = raw + i;
    }
  }
  assert_non_null(hit);
  memcpy(hit, c->keys.other.pub.kid, TOKEN_KID_LEN);
  char *t = token_b32_encode(raw, rl);
  assert_int_equal(CERT_NOT_GENUINE, verdict_of(c, t, strlen(t)));
  free(t);
  free(raw);
  struct token_key stranger;
  fixture_stranger_key(&stranger);
  char *foreign = NULL;
  assert_int_equal(0, cert_qr_token_sign(&foreign, &c->claims, &stranger));
  assert_int_equal(CERT_NOT_GENUINE, verdict_of(c, foreign, strlen(foreign)));
  free(foreign);
  token_key_wipe(&stranger);
}

/* A signature made for the JWS must never verify as a QR token (domain separation). */
static void test_cross_protocol(void **state) {
  struct ctx *c = *state;
  char *jws = NULL;
  assert_int_equal(0, cert_jws_sign(&jws, &c->claims, &c->keys.signer));
  struct cert_verification *v = malloc(sizeof *v);
  cert_jws_verify(v, c->token, strlen(c->token), c->keys.trusted, 2, NOW);
  assert_int_equal(CERT_NOT_GENUINE, v->verdict);
  free(v);
  /* graft the JWS signature into the COSE structure */
  unsigned char *raw = NULL, *sig = NULL;
  size_t rl = 0, sl = 0;
  assert_int_equal(0, token_b32_decode(&raw, &rl, c->token, strlen(c->token)));
  const char *s64 = strrchr(jws, '.') + 1;
  assert_int_equal(0, token_b64url_decode(&sig, &sl, s64, strlen(s64)));
  assert_int_equal(TOKEN_SIG_LEN, sl);
  memcpy(raw + rl - TOKEN_SIG_LEN, sig, TOKEN_SIG_LEN);
  char *t = token_b32_encode(raw, rl);
  assert_int_equal(CERT_NOT_GENUINE, verdict_of(c, t, strlen(t)));
  free(t);
  free(sig);
  free(raw);
  free(jws);
}

static void test_hostile_cbor(void **state) {
  struct ctx *c = *state;
  /* hand-made inputs: wrong tag, untagged array, indefinite lengths, deep nesting, and
   * declared lengths larger than the input */
  static const unsigned char samples[][16] = {
      {0xd2, 0x80},
      {0x84, 0x40, 0xa0, 0x40, 0x40},
      {0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40},
      {0xd2, 0x9f, 0x40, 0xa0, 0x40, 0x40, 0xff},
      {0xd2, 0x84, 0x5f, 0x41, 0x00, 0xff, 0xa0, 0x40, 0x40},
      {0xd1, 0x84, 0x40, 0xa0, 0x40, 0x40},
      {0xd2, 0x84, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81,
       0x80},
      {0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27, 0xa0, 0x40, 0x58, 0x40},
      /* Lengths far beyond the input (fuzzing found libcbor 0.8 allocating them): a byte
       * string and an array that each declare 40 GB. */
      {0xd2, 0x84, 0x5b, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00},
      {0xd2, 0x9b, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00},
      {0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27, 0xa0, 0x5a, 0xff, 0xff, 0xff, 0xff},
  };
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    char *t = token_b32_encode(samples[i], sizeof samples[i]);
    if (CERT_NOT_GENUINE != verdict_of(c, t, strlen(t))) {
      fail_msg("hostile sample %zu accepted", i);
    }
    free(t);
  }
  unsigned char deep[600];
  memset(deep, 0x81, sizeof deep);
  char *t = token_b32_encode(deep, sizeof deep);
  assert_int_equal(CERT_NOT_GENUINE, verdict_of(c, t, strlen(t)));
  free(t);
}

/* The protected header is exactly {1: -8, 4: kid}: a key given twice or a third key is
 * refused for that reason, before any signature is looked at. */
static void test_protected_header_keys(void **state) {
  struct ctx *c = *state;
  unsigned char *raw = NULL;
  size_t rl = 0;
  assert_int_equal(0, token_b32_decode(&raw, &rl, c->token, strlen(c->token)));
  /* tag, array(4), bstr(13) holding a2 01 27 04 48 <kid> */
  static const unsigned char head[] = {0xd2, 0x84, 0x4d, 0xa2, 0x01, 0x27, 0x04, 0x48};
  assert_true(rl > sizeof head);
  assert_memory_equal(raw, head, sizeof head);
  static const struct {
    size_t at;
    unsigned char byte;
  } edits[] = {
      {6, 0x01}, /* kid under the alg key: alg twice */
      {4, 0x04}, /* alg under the kid key: kid twice */
      {6, 0x05}, /* a key that is neither */
      {5, 0x26}, /* alg -7 (ES256) instead of EdDSA */
  };
  for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
    unsigned char keep = raw[edits[i].at];
    raw[edits[i].at] = edits[i].byte;
    char *t = token_b32_encode(raw, rl);
    struct cert_verification *v = malloc(sizeof *v);
    assert_non_null(v);
    cert_qr_token_verify(v, t, strlen(t), c->keys.trusted, 2, NOW);
    assert_int_equal(CERT_NOT_GENUINE, v->verdict);
    assert_string_equal(v->reason, "protected header must be exactly alg EdDSA and a kid");
    free(v);
    free(t);
    raw[edits[i].at] = keep;
  }
  free(raw);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_url_and_qr_size),
      cmocka_unit_test(test_longest_holder),
      cmocka_unit_test(test_every_changed_byte),
      cmocka_unit_test(test_truncated_and_long),
      cmocka_unit_test(test_swapped_kid_and_strangers),
      cmocka_unit_test(test_cross_protocol),
      cmocka_unit_test(test_hostile_cbor),
      cmocka_unit_test(test_protected_header_keys),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
