/*
 * W3C Bitstring Status List: the encodedList of an empty 16 KiB list is byte for byte the
 * one in the specification's examples; bit order is the specification's (bit 0 = left-most
 * bit of the first byte); round trips; the decoder refuses every malformed or oversized
 * input (including a decompression bomb) with a reason; random indexes avoid used ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "ujikom/status_list.h"
#include "ujikom/token.h"

/* From the examples of https://www.w3.org/TR/vc-bitstring-status-list/ */
#define SPEC_EMPTY_LIST "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"

static void test_spec_example(void **state) {
  (void)state;
  struct status_list *l = NULL;
  char err[128];
  assert_int_equal(0, status_list_new(&l, STATUS_LIST_MIN_BITS));
  char *enc = NULL;
  assert_int_equal(0, status_list_encode(&enc, l));
  assert_string_equal(SPEC_EMPTY_LIST, enc);
  free(enc);
  status_list_free(l);
  assert_int_equal(
      0, status_list_decode(&l, SPEC_EMPTY_LIST, strlen(SPEC_EMPTY_LIST), err, sizeof err));
  assert_int_equal(STATUS_LIST_MIN_BITS, l->nbits);
  for (uint64_t i = 0; i < l->nbits; i++) {
    if (0 != status_list_get(l, i)) {
      fail_msg("bit %u of the example list is set", (unsigned)i);
    }
  }
  status_list_free(l);
}

static void test_bits(void **state) {
  (void)state;
  struct status_list *l = NULL;
  assert_int_equal(0, status_list_new(&l, STATUS_LIST_MIN_BITS));
  assert_int_equal(0, status_list_set(l, 0, true));
  assert_int_equal(0x80, l->bits[0]);
  assert_int_equal(0, status_list_set(l, 7, true));
  assert_int_equal(0x81, l->bits[0]);
  assert_int_equal(0, status_list_set(l, 9, true));
  assert_int_equal(0x40, l->bits[1]);
  assert_int_equal(0, status_list_set(l, STATUS_LIST_MIN_BITS - 1, true));
  assert_int_equal(0x01, l->bits[STATUS_LIST_MIN_BITS / 8 - 1]);
  assert_int_equal(1, status_list_get(l, 0));
  assert_int_equal(0, status_list_get(l, 1));
  assert_int_equal(1, status_list_get(l, 9));
  assert_int_equal(0, status_list_set(l, 0, false));
  assert_int_equal(0x01, l->bits[0]);
  assert_int_equal(-1, status_list_set(l, STATUS_LIST_MIN_BITS, true));
  assert_int_equal(-1, status_list_get(l, STATUS_LIST_MIN_BITS));
  assert_int_equal(-1, status_list_get(l, UINT64_MAX));
  status_list_free(l);
  assert_int_equal(-1, status_list_new(&l, STATUS_LIST_MIN_BITS - 8));
  assert_int_equal(-1, status_list_new(&l, STATUS_LIST_MIN_BITS + 1));
  assert_int_equal(-1, status_list_new(&l, (size_t)STATUS_LIST_MAX_BITS + 8));
  assert_null(l);
}

static void test_round_trip(void **state) {
  (void)state;
  struct status_list *l = NULL, *back = NULL;
  char err[128];
  assert_int_equal(0, status_list_new(&l, (size_t)STATUS_LIST_MIN_BITS * 2));
  uint32_t x = 12345;
  for (int i = 0; i < 5000; i++) {
    x = x * 1103515245u + 12345u;
    assert_int_equal(0, status_list_set(l, x % l->nbits, true));
  }
  char *enc = NULL;
  assert_int_equal(0, status_list_encode(&enc, l));
  assert_int_equal('u', enc[0]);
  assert_null(strchr(enc, '='));
  assert_null(strchr(enc, '+'));
  assert_null(strchr(enc, '/'));
  assert_int_equal(0, status_list_decode(&back, enc, strlen(enc), err, sizeof err));
  assert_int_equal(l->nbits, back->nbits);
  assert_memory_equal(l->bits, back->bits, l->nbits / 8);
  free(enc);
  status_list_free(back);
  status_list_free(l);
}

/* GZIP (or another wrapper: windowBits) of n bytes of fill, as an encodedList. */
static char *encoded(size_t n, unsigned char fill, int window_bits, const char *trailer) {
  unsigned char *raw = malloc(n + 1);
  assert_non_null(raw);
  memset(raw, fill, n);
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(Z_OK, deflateInit2(&zs, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY));
  uLong bound = deflateBound(&zs, (uLong)n) + 16;
  unsigned char *gz = malloc(bound);
  assert_non_null(gz);
  zs.next_in = raw;
  zs.avail_in = (uInt)n;
  zs.next_out = gz;
  zs.avail_out = (uInt)bound;
  assert_int_equal(Z_STREAM_END, deflate(&zs, Z_FINISH));
  size_t len = zs.total_out;
  deflateEnd(&zs);
  if (NULL != trailer) {
    memcpy(gz + len, trailer, strlen(trailer));
    len += strlen(trailer);
  }
  char *b64 = token_b64url_encode(gz, len);
  size_t bl = strlen(b64);
  char *out = malloc(bl + 2);
  assert_non_null(out);
  out[0] = 'u';
  memcpy(out + 1, b64, bl + 1);
  free(b64);
  free(gz);
  free(raw);
  return out;
}

static void expect_refused(const char *text, size_t len, const char *why) {
  struct status_list *l = NULL;
  char err[128] = "";
  if (0 == status_list_decode(&l, text, len, err, sizeof err)) {
    fail_msg("status list accepted: %s", why);
  }
  assert_null(l);
  if ('\0' == err[0]) {
    fail_msg("no reason given for: %s", why);
  }
}

static void test_decode_refuses(void **state) {
  (void)state;
  const char *ex = SPEC_EMPTY_LIST;
  size_t n = strlen(ex);
  expect_refused(ex + 1, n - 1, "no multibase prefix");
  expect_refused("", 0, "empty");
  expect_refused("u", 1, "prefix only");
  char *copy = strdup(ex);
  assert_non_null(copy);
  copy[0] = 'z';
  expect_refused(copy, n, "base58btc prefix");
  copy[0] = 'U';
  expect_refused(copy, n, "upper-case prefix");
  copy[0] = 'u';
  copy[10] = '+';
  expect_refused(copy, n, "standard base64 character");
  free(copy);
  char padded[128];
  snprintf(padded, sizeof padded, "%s==", ex);
  expect_refused(padded, strlen(padded), "padding");
  /* Truncated GZIP (the CRC and length trailer cut) and a flipped CRC byte. */
  expect_refused(ex, n - 6, "truncated gzip");
  char *smaller = encoded(16383, 0, 15 + 16, NULL);
  expect_refused(smaller, strlen(smaller), "below the 16 KiB minimum");
  free(smaller);
  char *bomb = encoded(STATUS_LIST_MAX_BITS / 8 + 1, 0, 15 + 16, NULL);
  assert_true(strlen(bomb) < 8192); /* small on the wire, past the limit inflated */
  expect_refused(bomb, strlen(bomb), "larger than the maximum");
  free(bomb);
  char *zlib = encoded(16384, 0, 15, NULL);
  expect_refused(zlib, strlen(zlib), "zlib wrapper instead of gzip");
  free(zlib);
  char *raw = encoded(16384, 0, -15, NULL);
  expect_refused(raw, strlen(raw), "raw deflate");
  free(raw);
  char *trailing = encoded(16384, 0, 15 + 16, "junk");
  expect_refused(trailing, strlen(trailing), "data after the gzip member");
  free(trailing);
  /* A corrupted CRC: decode the example, flip a trailer byte, encode again. */
  unsigned char *gz = NULL;
  size_t gzlen = 0;
  assert_int_equal(0, token_b64url_decode(&gz, &gzlen, ex + 1, n - 1));
  gz[gzlen - 5] ^= 1;
  char *b64 = token_b64url_encode(gz, gzlen);
  char bad[128];
  snprintf(bad, sizeof bad, "u%s", b64);
  expect_refused(bad, strlen(bad), "wrong CRC");
  free(b64);
  free(gz);
  char *ok = encoded(STATUS_LIST_MAX_BITS / 8, 0xff, 15 + 16, NULL);
  struct status_list *l = NULL;
  char err[128];
  assert_int_equal(0, status_list_decode(&l, ok, strlen(ok), err, sizeof err));
  assert_int_equal(STATUS_LIST_MAX_BITS, l->nbits);
  assert_int_equal(1, status_list_get(l, STATUS_LIST_MAX_BITS - 1));
  status_list_free(l);
  free(ok);
}

struct used {
  const struct status_list *l;
  size_t calls;
};

static bool in_use(void *ctx, uint64_t index) {
  struct used *u = ctx;
  u->calls++;
  return 1 == status_list_get(u->l, index);
}

static void test_random_index(void **state) {
  (void)state;
  struct status_list *used = NULL;
  assert_int_equal(0, status_list_new(&used, STATUS_LIST_MIN_BITS));
  struct used u = {used, 0};
  /* 2000 allocations, each marked used: all distinct, all in range. */
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int i = 0; i < 2000; i++) {
    uint64_t idx = 0;
    assert_int_equal(0, status_list_random_index(&idx, 0, used->nbits, in_use, &u));
    assert_true(idx < used->nbits);
    assert_int_equal(0, status_list_get(used, idx));
    assert_int_equal(0, status_list_set(used, idx, true));
    lo = idx < lo ? idx : lo;
    hi = idx > hi ? idx : hi;
  }
  /* Spread over the list, not handed out in order. */
  assert_true(lo < used->nbits / 8);
  assert_true(hi > used->nbits / 8 * 7);
  /* One free index left: found by the scan. */
  memset(used->bits, 0xff, used->nbits / 8);
  assert_int_equal(0, status_list_set(used, 77777, false));
  uint64_t idx = 0;
  assert_int_equal(0, status_list_random_index(&idx, 0, used->nbits, in_use, &u));
  assert_true(77777 == idx);
  /* None free. */
  assert_int_equal(0, status_list_set(used, 77777, true));
  assert_int_equal(-1, status_list_random_index(&idx, 0, used->nbits, in_use, &u));
  /* A list shorter than the minimum or longer than the largest is refused. */
  assert_int_equal(-1, status_list_random_index(&idx, 0, 0, in_use, &u));
  assert_int_equal(-1, status_list_random_index(&idx, 0, STATUS_LIST_MIN_BITS - 8, in_use, &u));
  assert_int_equal(0, status_list_set(used, 77777, false));
  assert_int_equal(
      -1, status_list_random_index(&idx, 0, (uint64_t)STATUS_LIST_MAX_BITS * 2, in_use, &u));
  status_list_free(used);
}

/* The lengths a register's lists take: the minimum, doubled as often as needed. */
static void test_bits_for(void **state) {
  (void)state;
  const size_t min = STATUS_LIST_MIN_BITS;
  assert_int_equal(min, status_list_bits_for(0));
  assert_int_equal(min, status_list_bits_for(1));
  assert_int_equal(min, status_list_bits_for(min));
  assert_int_equal(2 * min, status_list_bits_for(min + 1));
  assert_int_equal(4 * min, status_list_bits_for(3 * min));
  assert_int_equal(STATUS_LIST_MAX_BITS, status_list_bits_for(STATUS_LIST_MAX_BITS));
  assert_int_equal(STATUS_LIST_MAX_BITS, status_list_bits_for(STATUS_LIST_MAX_BITS / 2 + 1));
  assert_int_equal(0, status_list_bits_for((uint64_t)STATUS_LIST_MAX_BITS + 1));
}

/* A full list does not stop issuance: the draw goes on in a list twice as long, and once an
 * index lies there, over the whole of it; an index is never drawn beyond the longest list
 * allowed, and a register that has room is never made to grow. */
static void test_random_index_grows(void **state) {
  (void)state;
  const uint64_t min = STATUS_LIST_MIN_BITS;
  struct status_list *used = NULL;
  assert_int_equal(0, status_list_new(&used, 4 * min));
  struct used u = {used, 0};
  uint64_t idx = 0;
  /* The first list full: the index lies in the second half of a doubled one. */
  memset(used->bits, 0xff, min / 8);
  uint64_t upto = min;
  for (int i = 0; i < 200; i++) {
    assert_int_equal(0, status_list_random_index(&idx, min, 4 * min, in_use, &u));
    assert_true(idx >= min && idx < 2 * min);
    assert_int_equal(0, status_list_get(used, idx));
    assert_int_equal(0, status_list_set(used, idx, true));
    upto = idx + 1 > upto ? idx + 1 : upto;
  }
  /* Nothing grows further while the doubled list has room: drawn over all of it (the
   * first half taken, so each index is in the second). */
  for (int i = 0; i < 200; i++) {
    assert_int_equal(0, status_list_random_index(&idx, upto, 4 * min, in_use, &u));
    assert_true(idx >= min && idx < 2 * min);
    assert_int_equal(0, status_list_set(used, idx, true));
  }
  /* The doubled list full too, and the longest allowed is that one: refused. */
  memset(used->bits, 0xff, 2 * min / 8);
  assert_int_equal(-1, status_list_random_index(&idx, 2 * min, 2 * min, in_use, &u));
  /* Allowed twice as long again: the index lies beyond the doubled list. */
  assert_int_equal(0, status_list_random_index(&idx, 2 * min, 4 * min, in_use, &u));
  assert_true(idx >= 2 * min && idx < 4 * min);
  /* One free index in the first list while the register's highest is in the third: still
   * found, since the draws cover every list (here by the scan that ends them). */
  memset(used->bits, 0xff, 4 * min / 8);
  assert_int_equal(0, status_list_set(used, 4242, false));
  assert_int_equal(0, status_list_random_index(&idx, 4 * min, 4 * min, in_use, &u));
  assert_true(4242 == idx);
  /* A nearly empty register: every draw within the first list. */
  memset(used->bits, 0, 4 * min / 8);
  for (int i = 0; i < 200; i++) {
    assert_int_equal(0, status_list_random_index(&idx, 5, 4 * min, in_use, &u));
    assert_true(idx < min);
  }
  status_list_free(used);
}

static void key_of(struct token_key *k, unsigned char fill) {
  unsigned char seed[TOKEN_SEED_LEN];
  memset(seed, fill, sizeof seed);
  assert_int_equal(0, token_key_from_seed(k, seed));
}

/* The published credential: signed, verified back with its bits, and refused when the key,
 * the signature, the header or the shape is wrong. */
static void test_credential(void **state) {
  (void)state;
  struct token_key signer, other;
  struct status_list *l = NULL;
  struct status_list_credential got;
  char *jws = NULL, err[200];
  key_of(&signer, 7);
  key_of(&other, 9);
  assert_int_equal(0, status_list_new(&l, STATUS_LIST_MIN_BITS));
  assert_int_equal(0, status_list_set(l, 0, true));
  assert_int_equal(0, status_list_set(l, 4242, true));
  assert_int_equal(0, status_list_set(l, STATUS_LIST_MIN_BITS - 1, true));
  assert_int_equal(0, status_list_credential_sign(&jws, l, STATUS_PURPOSE_SUSPENSION,
                                                  "https://lsp.example/status/suspension",
                                                  "https://lsp.example", 1700000000, &signer));
  struct token_pubkey keys[2] = {other.pub, signer.pub};
  assert_int_equal(0,
                   status_list_credential_verify(&got, jws, strlen(jws), keys, 2, err, sizeof err));
  assert_int_equal(STATUS_PURPOSE_SUSPENSION, got.purpose);
  assert_string_equal("https://lsp.example/status/suspension", got.id);
  assert_string_equal("https://lsp.example", got.issuer);
  assert_string_equal("2023-11-14T22:13:20Z", got.valid_from);
  assert_string_equal(signer.pub.kid, got.kid);
  for (uint64_t i = 0; i < got.list->nbits; i++) {
    int want = (0 == i || 4242 == i || STATUS_LIST_MIN_BITS - 1 == i) ? 1 : 0;
    if (want != status_list_get(got.list, i)) {
      fail_msg("bit %u", (unsigned)i);
    }
  }
  status_list_credential_clear(&got);
  /* not among the keys */
  assert_int_equal(-1,
                   status_list_credential_verify(&got, jws, strlen(jws), keys, 1, err, sizeof err));
  assert_non_null(strstr(err, "not among the given keys"));
  assert_null(got.list);
  /* every changed character of the signed text or the signature */
  size_t n = strlen(jws);
  char *t = strdup(jws);
  for (size_t i = 0; i < n; i += 7) {
    char keep = t[i];
    t[i] = 'A' == keep ? 'B' : 'A';
    if (0 == status_list_credential_verify(&got, t, n, keys, 2, err, sizeof err)) {
      fail_msg("changed character %zu accepted", i);
    }
    t[i] = keep;
  }
  /* truncated, a fourth segment */
  assert_int_equal(-1, status_list_credential_verify(&got, jws, n - 1, keys, 2, err, sizeof err));
  free(t);
  t = malloc(n + 8);
  snprintf(t, n + 8, "%s.AAAA", jws);
  assert_int_equal(-1, status_list_credential_verify(&got, t, strlen(t), keys, 2, err, sizeof err));
  free(t);
  assert_int_equal(-1, status_list_credential_verify(&got, "", 0, keys, 2, err, sizeof err));
  /* a certificate-shaped payload signed by the right key is not a status list */
  char header[128];
  snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"vc+jwt\"}",
           signer.pub.kid);
  const char *body = "{\"vc\":{\"type\":[\"VerifiableCredential\",\"OpenBadgeCredential\"]}}";
  char *h64 = token_b64url_encode(header, strlen(header));
  char *b64 = token_b64url_encode(body, strlen(body));
  size_t len = strlen(h64) + strlen(b64) + 100;
  t = malloc(len);
  int m = snprintf(t, len, "%s.%s", h64, b64);
  unsigned char sig[TOKEN_SIG_LEN];
  assert_int_equal(0, token_ed25519_sign(sig, &signer, t, (size_t)m));
  char *s64 = token_b64url_encode(sig, sizeof sig);
  snprintf(t + m, len - (size_t)m, ".%s", s64);
  assert_int_equal(-1, status_list_credential_verify(&got, t, strlen(t), keys, 2, err, sizeof err));
  assert_non_null(strstr(err, "BitstringStatusListCredential"));
  free(s64);
  free(t);
  free(h64);
  free(b64);
  free(jws);
  status_list_free(l);
  token_key_wipe(&signer);
  token_key_wipe(&other);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spec_example),       cmocka_unit_test(test_bits),
      cmocka_unit_test(test_round_trip),         cmocka_unit_test(test_decode_refuses),
      cmocka_unit_test(test_random_index),       cmocka_unit_test(test_bits_for),
      cmocka_unit_test(test_random_index_grows), cmocka_unit_test(test_credential),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
