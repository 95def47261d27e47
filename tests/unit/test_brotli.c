/*
 * Brotli for answers (service/http/brotli.c) and the build's brotli copies of the static
 * assets (cmake/EmbedAssets.cmake): what is compressed comes back byte for byte (decoded
 * by libbrotlidec), is the same on every run, is smaller than the gzip copy and is given up
 * when it would not save a tenth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>
#include <cmocka.h>

#include "http/assets.h"
#include "http/brotli.h"
#include "test_noise.h"

/* in decoded into a new buffer of want bytes (fails the test unless it decodes to exactly
 * that many). */
static unsigned char *decoded(const unsigned char *in, size_t in_len, size_t want) {
  unsigned char *out = malloc(want + 1);
  assert_non_null(out);
  size_t n = want + 1; /* room for one byte more: a longer output is caught */
  assert_int_equal(BROTLI_DECODER_RESULT_SUCCESS, BrotliDecoderDecompress(in_len, in, &n, out));
  assert_int_equal(want, n);
  return out;
}

static void compresses_round_trip(void **state) {
  (void)state;
  /* Sizes around the window steps: the window is fitted to the body. */
  static const size_t sizes[] = {1024, 1008, 1009, 4096, 30000, 70000};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    size_t size = sizes[s];
    char *page = malloc(size);
    assert_non_null(page);
    size_t at = 0;
    for (int i = 0; at < size; i++) {
      char part[96];
      int n = snprintf(part, sizeof part,
                       "<fieldset class=\"item\" id=\"item-%d\"><legend>Soal %d</legend>", i, i);
      size_t take = (size_t)n < size - at ? (size_t)n : size - at;
      memcpy(page + at, part, take);
      at += take;
    }
    size_t br_len = 0;
    unsigned char *br = brotli_compress(page, size, BROTLI_QUALITY_PER_REQUEST, &br_len);
    assert_non_null(br);
    assert_true(br_len < size / 3);
    unsigned char *back = decoded(br, br_len, size);
    assert_memory_equal(back, page, size);
    /* The same bytes give the same output: stable lengths for HEAD and GET alike. */
    size_t again_len = 0;
    unsigned char *again = brotli_compress(page, size, BROTLI_QUALITY_PER_REQUEST, &again_len);
    assert_non_null(again);
    assert_int_equal(br_len, again_len);
    assert_memory_equal(br, again, br_len);
    free(again);
    free(back);
    free(br);
    free(page);
  }
}

static void gives_up_when_it_does_not_pay(void **state) {
  (void)state;
  unsigned char noise[4096];
  test_noise(noise, sizeof noise, 2463534242u);
  size_t out_len = 99;
  assert_null(brotli_compress(noise, sizeof noise, BROTLI_QUALITY_PER_REQUEST, &out_len));
  assert_int_equal(0, out_len);
  assert_null(brotli_compress("", 0, BROTLI_QUALITY_PER_REQUEST, &out_len));
  assert_null(brotli_compress("a", 1, BROTLI_QUALITY_PER_REQUEST, &out_len));
  /* Nine tenths of noise and a tenth of text: saves under a tenth, so given up too. */
  unsigned char mixed[4096];
  memcpy(mixed, noise, sizeof mixed);
  memset(mixed + 3700, 'a', sizeof mixed - 3700);
  assert_null(brotli_compress(mixed, sizeof mixed, 11, &out_len));
}

/* Every brotli copy the build embedded decodes to the asset as served, and is smaller than
 * its gzip copy; the scripts and style sheets have one when the build had the tool. */
static void built_copies_decode_to_the_asset(void **state) {
  (void)state;
  size_t with = 0;
  for (const struct asset *a = assets; NULL != a->path; a++) {
    if (NULL == a->br) {
      continue;
    }
    with++;
    unsigned char *back = decoded(a->br, a->br_size, a->size);
    if (0 != memcmp(back, a->data, a->size)) {
      fail_msg("%s: the brotli copy is not the asset", a->path);
    }
    free(back);
    if (NULL != a->gz && a->size > 1024 && a->br_size >= a->gz_size) {
      fail_msg("%s: brotli %zu bytes, gzip %zu", a->path, a->br_size, a->gz_size);
    }
  }
  const struct asset *exam = asset_find("static/exam.js");
  assert_non_null(exam);
  if (NULL == exam->br) {
    skip(); /* built without the brotli tool: no copies to check */
  }
  assert_true(with >= 10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(compresses_round_trip),
      cmocka_unit_test(gives_up_when_it_does_not_pay),
      cmocka_unit_test(built_copies_decode_to_the_asset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
