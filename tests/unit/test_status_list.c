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
  assert_int_equal(0, status_list_new(&l, STATUS_LIST_MIN_BITS * 2));
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
    assert_int_equal(0, status_list_random_index(&idx, used->nbits, in_use, &u));
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
  assert_int_equal(0, status_list_random_index(&idx, used->nbits, in_use, &u));
  assert_true(77777 == idx);
  /* None free. */
  assert_int_equal(0, status_list_set(used, 77777, true));
  assert_int_equal(-1, status_list_random_index(&idx, used->nbits, in_use, &u));
  assert_int_equal(-1, status_list_random_index(&idx, 0, in_use, &u));
  status_list_free(used);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spec_example), cmocka_unit_test(test_bits),
      cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_decode_refuses),
      cmocka_unit_test(test_random_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
