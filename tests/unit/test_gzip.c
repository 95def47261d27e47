/*
 * gzip for answers (service/http/gzip.c): which types are compressed (text, not images other
 * than SVG, PDF or fonts), and that what is compressed comes back byte for byte, is the
 * same on every run and is given up when it would not save a tenth.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "http/gzip.h"
#include "test_noise.h"

static void worthwhile_types(void **state) {
  (void)state;
  static const struct {
    const char *type;
    bool worth;
  } cases[] = {
      {"text/html; charset=utf-8", true},
      {"text/css; charset=utf-8", true},
      {"text/javascript; charset=utf-8", true},
      {"text/plain", true},
      {"application/json", true},
      {"application/json; charset=utf-8", true},
      {"APPLICATION/JSON", true},
      {"application/ld+json", true},
      {"application/problem+json; charset=utf-8", true},
      {"application/javascript", true},
      {"application/xml", true},
      {"image/svg+xml", true},
      {"image/png", false},
      {"application/pdf", false},
      {"image/x-icon", false},
      {"font/woff2", false},
      {"application/zip", false},
      {"application/octet-stream", false},
      {"application/jwt", false},
      {"text/", false},
      {"text", false},
      {"", false},
      {"application/+json", false},
      {"image/svg+xmlx", false},
      {"application/jsonx", false},
  };
  assert_false(gzip_worthwhile_type(NULL));
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    if (cases[i].worth != gzip_worthwhile_type(cases[i].type)) {
      fail_msg("'%s' is %sworth compressing", cases[i].type, cases[i].worth ? "" : "not ");
    }
  }
}

static size_t gunzip(unsigned char *out, size_t outlen, const unsigned char *in, size_t inlen) {
  z_stream z;
  memset(&z, 0, sizeof z);
  assert_int_equal(Z_OK, inflateInit2(&z, 15 + 16));
  z.next_in = (Bytef *)(uintptr_t)in;
  z.avail_in = (uInt)inlen;
  z.next_out = out;
  z.avail_out = (uInt)outlen;
  assert_int_equal(Z_STREAM_END, inflate(&z, Z_FINISH));
  size_t n = (size_t)z.total_out;
  inflateEnd(&z);
  return n;
}

static void compresses_round_trip(void **state) {
  (void)state;
  char page[8192];
  size_t len = 0;
  for (int i = 0; len + 80 < sizeof page; i++) {
    len +=
        (size_t)snprintf(page + len, sizeof page - len,
                         "<fieldset class=\"item\" id=\"item-%d\"><legend>Soal %d</legend>", i, i);
  }
  size_t gz_len = 0;
  unsigned char *gz = gzip_compress(page, len, GZIP_LEVEL_PER_REQUEST, &gz_len);
  assert_non_null(gz);
  assert_true(gz_len < len / 3);
  assert_int_equal(0x1f, gz[0]); /* the gzip magic */
  assert_int_equal(0x8b, gz[1]);
  unsigned char back[8192];
  assert_int_equal(len, gunzip(back, sizeof back, gz, gz_len));
  assert_memory_equal(back, page, len);
  /* The same bytes give the same output (no time or name in the header): stable ETags. */
  size_t again_len = 0;
  unsigned char *again = gzip_compress(page, len, GZIP_LEVEL_PER_REQUEST, &again_len);
  assert_non_null(again);
  assert_int_equal(gz_len, again_len);
  assert_memory_equal(gz, again, gz_len);
  free(again);
  free(gz);
}

static void gives_up_when_it_does_not_pay(void **state) {
  (void)state;
  unsigned char noise[4096];
  test_noise(noise, sizeof noise, 2463534242u);
  size_t out_len = 99;
  assert_null(gzip_compress(noise, sizeof noise, GZIP_LEVEL_ONCE, &out_len));
  assert_int_equal(0, out_len);
  assert_null(gzip_compress("", 0, GZIP_LEVEL_ONCE, &out_len));
  assert_null(gzip_compress("short", 5, GZIP_LEVEL_ONCE, &out_len));
}

struct job {
  const char *text;
  size_t len;
  unsigned char *gz;
  size_t gz_len;
};

static void *compress_job(void *arg) {
  struct job *j = arg;
  j->gz = gzip_compress(j->text, j->len, GZIP_LEVEL_PER_REQUEST, &j->gz_len);
  return NULL;
}

/* A thread keeps its compressor between answers: what it compressed before, and answers it
 * gave up on, change nothing in the next output, which is what a fresh thread makes. */
static void kept_compressor_forgets_the_last_answer(void **state) {
  (void)state;
  char a[4096], b[4096], noise[2048];
  size_t alen = 0, blen = 0;
  for (int i = 0; alen + 60 < sizeof a; i++) {
    alen += (size_t)snprintf(a + alen, sizeof a - alen, "{\"id\":\"Q%d\",\"type\":\"choice\"},", i);
  }
  for (int i = 0; blen + 60 < sizeof b; i++) {
    blen += (size_t)snprintf(b + blen, sizeof b - blen, "\"A%d\":[\"x\",\"y\",%d],", i, i * 7);
  }
  test_noise((unsigned char *)noise, sizeof noise, 88172645u);
  struct job fresh = {b, blen, NULL, 0};
  pthread_t t;
  assert_int_equal(0, pthread_create(&t, NULL, compress_job, &fresh));
  assert_int_equal(0, pthread_join(t, NULL));
  assert_non_null(fresh.gz);

  size_t n = 0;
  unsigned char *gz = gzip_compress(a, alen, GZIP_LEVEL_PER_REQUEST, &n);
  assert_non_null(gz);
  free(gz);
  assert_null(gzip_compress(noise, sizeof noise, GZIP_LEVEL_PER_REQUEST, &n));
  for (int round = 0; round < 2; round++) {
    gz = gzip_compress(b, blen, GZIP_LEVEL_PER_REQUEST, &n);
    assert_non_null(gz);
    assert_int_equal(fresh.gz_len, n);
    assert_memory_equal(fresh.gz, gz, n);
    unsigned char back[4096];
    assert_int_equal(blen, gunzip(back, sizeof back, gz, n));
    assert_memory_equal(back, b, blen);
    free(gz);
  }
  free(fresh.gz);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(worthwhile_types),
      cmocka_unit_test(compresses_round_trip),
      cmocka_unit_test(gives_up_when_it_does_not_pay),
      cmocka_unit_test(kept_compressor_forgets_the_last_answer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
