/*
 * Evidence files, the pure part (ujikom/evidence.h): image dimensions from JPEG, PNG and WebP
 * headers (made here with libgd), decompression bombs refused by their header, markup in an
 * image found, content types sorted into kinds, chunk offsets and upload requests read
 * strictly, and the preview re-encoded at most 1024 px a side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gd.h>

#include "ujikom/evidence.h"
#include "ujikom/exam.h"

/* An image of w x h encoded as kind ("jpeg", "png", "webp"): malloc'd bytes in *out. */
static size_t encode(unsigned char **out, const char *kind, int w, int h) {
  gdImagePtr im = gdImageCreateTrueColor(w, h);
  assert_non_null(im);
  for (int y = 0; y < h; y += 7) {
    gdImageLine(im, 0, y, w - 1, y, gdTrueColor(y % 256, 80, 160));
  }
  int n = 0;
  void *p = 0 == strcmp(kind, "jpeg")  ? gdImageJpegPtr(im, &n, 70)
            : 0 == strcmp(kind, "png") ? gdImagePngPtr(im, &n)
                                       : gdImageWebpPtr(im, &n);
  gdImageDestroy(im);
  assert_non_null(p);
  *out = malloc((size_t)n);
  memcpy(*out, p, (size_t)n);
  gdFree(p);
  return (size_t)n;
}

static void test_image_sizes_from_headers(void **state) {
  (void)state;
  static const char *const kinds[] = {"jpeg", "png", "webp"};
  for (size_t k = 0; k < 3; k++) {
    unsigned char *b = NULL;
    size_t n = encode(&b, kinds[k], 321, 123);
    uint32_t w = 0, h = 0;
    assert_int_equal(evidence_image_size(b, n, &w, &h), 0);
    assert_int_equal(w, 321);
    assert_int_equal(h, 123);
    assert_true(evidence_image_size_ok(w, h));
    assert_false(evidence_has_markup(b, n));
    /* every truncation is refused or reads the same size, never more */
    for (size_t cut = 0; cut < 64 && cut < n; cut++) {
      uint32_t cw = 0, ch = 0;
      if (0 == evidence_image_size(b, cut, &cw, &ch)) {
        assert_int_equal(cw, 321);
        assert_int_equal(ch, 123);
      }
    }
    free(b);
  }
}

static void test_bombs_refused_by_header(void **state) {
  (void)state;
  unsigned char *b = NULL;
  size_t n = encode(&b, "png", 16, 16);
  /* IHDR claims 60000 x 60000 (the CRC no longer matters: nothing is decoded) */
  b[16] = 0, b[17] = 0, b[18] = 0xea, b[19] = 0x60;
  b[20] = 0, b[21] = 0, b[22] = 0xea, b[23] = 0x60;
  uint32_t w = 0, h = 0;
  assert_int_equal(evidence_image_size(b, n, &w, &h), 0);
  assert_int_equal(w, 60000);
  assert_false(evidence_image_size_ok(w, h));
  free(b);
  assert_false(evidence_image_size_ok(12001, 10));
  assert_false(evidence_image_size_ok(8000, 8000)); /* 64 megapixels */
  assert_true(evidence_image_size_ok(8000, 6000));
  assert_false(evidence_image_size_ok(0, 10));
}

static void test_not_images(void **state) {
  (void)state;
  uint32_t w = 0, h = 0;
  const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
  assert_int_equal(evidence_image_size((const unsigned char *)svg, strlen(svg), &w, &h), -1);
  assert_true(evidence_has_markup((const unsigned char *)svg, strlen(svg)));
  const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  assert_int_equal(evidence_image_size(elf, sizeof elf, &w, &h), -1);
  assert_int_equal(evidence_image_size(NULL, 0, &w, &h), -1);
  const unsigned char jpeg_eoi[] = {0xFF, 0xD8, 0xFF, 0xD9, 0, 0};
  assert_int_equal(evidence_image_size(jpeg_eoi, sizeof jpeg_eoi, &w, &h), -1);
  const char *poly = "\xff\xd8\xff\xe0....<HtMl><body>";
  assert_true(evidence_has_markup((const unsigned char *)poly, strlen(poly)));
  assert_true(evidence_has_markup((const unsigned char *)"x JavaScript:alert", 18));
  assert_false(evidence_has_markup((const unsigned char *)"<htm", 4));
}

static void test_mime_kinds(void **state) {
  (void)state;
  assert_int_equal(evidence_mime_kind("image/jpeg"), EXAM_ACCEPT_IMAGE);
  assert_int_equal(evidence_mime_kind("application/pdf"), EXAM_ACCEPT_PDF);
  assert_int_equal(evidence_mime_kind("audio/mpeg"), EXAM_ACCEPT_AUDIO);
  assert_int_equal(evidence_mime_kind("video/mp4"), EXAM_ACCEPT_VIDEO);
  assert_int_equal(evidence_mime_kind("image/svg+xml"), 0);
  assert_int_equal(evidence_mime_kind("text/html"), 0);
  assert_int_equal(evidence_mime_kind("application/x-pie-executable"), 0);
  assert_int_equal(evidence_mime_kind(NULL), 0);
}

static void test_offsets(void **state) {
  (void)state;
  int64_t v = -1;
  assert_true(evidence_parse_offset("0", &v));
  assert_int_equal(v, 0);
  assert_true(evidence_parse_offset("262144", &v));
  assert_int_equal(v, 262144);
  assert_true(evidence_parse_offset("999999999999999", &v));
  static const char *const bad[] = {"",   "-1", "+1", " 1", "1 ", "1e3", "0x10", "1000000000000000",
                                    "12a"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_false(evidence_parse_offset(bad[i], &v));
  }
  assert_false(evidence_parse_offset(NULL, &v));
}

/* One Range header against a file of size bytes: its kind and, for one range, its bytes. */
static void range_is(const char *h, int64_t size, enum evidence_range_kind kind, int64_t first,
                     int64_t last) {
  int64_t a = -7, b = -7;
  assert_int_equal(evidence_parse_range(h, size, &a, &b), kind);
  if (EVIDENCE_RANGE_ONE == kind) {
    assert_int_equal(a, first);
    assert_int_equal(b, last);
  }
}

static void test_ranges(void **state) {
  (void)state;
  range_is(NULL, 100, EVIDENCE_RANGE_WHOLE, 0, 0);
  range_is("bytes=0-9", 100, EVIDENCE_RANGE_ONE, 0, 9);
  range_is("bytes=10-", 100, EVIDENCE_RANGE_ONE, 10, 99);
  range_is("bytes=90-1000", 100, EVIDENCE_RANGE_ONE, 90, 99); /* clipped to the last byte */
  range_is("bytes=-10", 100, EVIDENCE_RANGE_ONE, 90, 99);
  range_is("bytes=-1000", 100, EVIDENCE_RANGE_ONE, 0, 99);
  range_is("Bytes=5-5", 100, EVIDENCE_RANGE_ONE, 5, 5);
  range_is("bytes=99-99", 100, EVIDENCE_RANGE_ONE, 99, 99);
  range_is("bytes=100-", 100, EVIDENCE_RANGE_UNSATISFIABLE, 0, 0);
  range_is("bytes=100-200", 100, EVIDENCE_RANGE_UNSATISFIABLE, 0, 0);
  range_is("bytes=-0", 100, EVIDENCE_RANGE_UNSATISFIABLE, 0, 0);
  /* the whole file: several ranges, another unit, or not a range at all */
  static const char *const whole[] = {
      "bytes=0-1,5-6", "items=0-1", "bytes=",     "bytes=-",
      "bytes=9-1",     "bytes=a-b", "bytes=1-2x", "bytes=0-9999999999999999",
      "bytes=--1",     "bytes=+1-2"};
  for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
    range_is(whole[i], 100, EVIDENCE_RANGE_WHOLE, 0, 0);
  }
}

static int create(struct evidence_create *out, const char *json) {
  char err[160];
  json_t *j = json_loads(json, 0, NULL);
  int rc = evidence_create_parse(out, j, err, sizeof err);
  json_decref(j);
  return rc;
}

static void test_create_requests(void **state) {
  (void)state;
  struct evidence_create c;
  assert_int_equal(create(&c, "{\"item\":\"EV-1\",\"name\":\"foto/../a\\u0001b.jpg\",\"size\":5}"),
                   0);
  assert_string_equal(c.item, "EV-1");
  assert_string_equal(c.name, "foto_.._a_b.jpg"); /* separators and controls made harmless */
  assert_int_equal(c.size, 5);
  assert_string_equal(c.sha256, "");
  char ok[200];
  snprintf(ok, sizeof ok, "{\"item\":\"E\",\"name\":\"a\",\"size\":1,\"sha256\":\"%064d\"}", 0);
  assert_int_equal(create(&c, ok), 0);
  assert_int_equal(strlen(c.sha256), 64);
  static const char *const bad[] = {
      "[]",
      "{\"name\":\"a\",\"size\":1}",
      "{\"item\":\"E\",\"size\":1}",
      "{\"item\":\"E\",\"name\":\"\",\"size\":1}",
      "{\"item\":\"E\",\"name\":\"a\",\"size\":0}",
      "{\"item\":\"E\",\"name\":\"a\",\"size\":-5}",
      "{\"item\":\"E\",\"name\":\"a\",\"size\":1.5}",
      "{\"item\":\"E\",\"name\":\"a\",\"size\":\"1\"}",
      "{\"item\":\"E\",\"name\":\"a\",\"size\":1,\"sha256\":\"ABC\"}",
      "{\"item\":\"E\",\"name\":\"a\",\"size\":1,\"path\":\"/etc\"}",
      "{\"item\":\"E\\u0000x\",\"name\":\"a\",\"size\":1}",
      "{\"item\":\"E\",\"name\":\"a\\u0000b\",\"size\":1}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(create(&c, bad[i]), -1);
  }
  char longname[400];
  memset(longname, 0, sizeof longname);
  snprintf(longname, sizeof longname, "{\"item\":\"E\",\"size\":1,\"name\":\"%0256d\"}", 0);
  assert_int_equal(create(&c, longname), -1);
}

/* An application's upload: the same body without "item"; an item member is refused. */
static void test_create_without_item(void **state) {
  (void)state;
  struct evidence_create c;
  char err[160];
  json_t *j = json_loads("{\"name\":\"ijazah.pdf\",\"size\":7}", 0, NULL);
  assert_int_equal(evidence_create_parse_for(&c, j, false, err, sizeof err), 0);
  assert_string_equal(c.item, "");
  assert_string_equal(c.name, "ijazah.pdf");
  assert_int_equal(c.size, 7);
  assert_int_equal(evidence_create_parse(&c, j, err, sizeof err), -1); /* an item needs one */
  json_decref(j);
  j = json_loads("{\"item\":\"EV-1\",\"name\":\"a.pdf\",\"size\":7}", 0, NULL);
  assert_int_equal(evidence_create_parse_for(&c, j, false, err, sizeof err), -1);
  assert_non_null(strstr(err, "'item'"));
  json_decref(j);
  j = json_loads("{\"name\":\"a.pdf\",\"size\":0}", 0, NULL);
  assert_int_equal(evidence_create_parse_for(&c, j, false, err, sizeof err), -1);
  json_decref(j);
}

static void test_preview(void **state) {
  (void)state;
  unsigned char *b = NULL;
  size_t n = encode(&b, "png", 2000, 1000);
  void *out = NULL;
  size_t len = 0;
  assert_int_equal(evidence_preview_jpeg(&out, &len, "image/png", b, n), 0);
  uint32_t w = 0, h = 0;
  assert_int_equal(evidence_image_size(out, len, &w, &h), 0);
  assert_int_equal(w, 1024);
  assert_int_equal(h, 512);
  free(out);
  /* a polyglot's preview carries its pixels only */
  unsigned char *j = NULL;
  size_t jn = encode(&j, "jpeg", 40, 30);
  const char *html = "<html><script>alert(1)</script></html>";
  unsigned char *poly = malloc(jn + strlen(html));
  memcpy(poly, j, jn);
  memcpy(poly + jn, html, strlen(html));
  assert_int_equal(evidence_preview_jpeg(&out, &len, "image/jpeg", poly, jn + strlen(html)), 0);
  assert_false(evidence_has_markup(out, len));
  free(out);
  assert_int_equal(evidence_preview_jpeg(&out, &len, "image/jpeg", b, 10), -1); /* not a JPEG */
  assert_null(out);
  assert_int_equal(evidence_preview_jpeg(&out, &len, "application/pdf", b, n), -1);
  free(poly);
  free(j);
  free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_image_sizes_from_headers),
      cmocka_unit_test(test_bombs_refused_by_header),
      cmocka_unit_test(test_not_images),
      cmocka_unit_test(test_mime_kinds),
      cmocka_unit_test(test_offsets),
      cmocka_unit_test(test_ranges),
      cmocka_unit_test(test_create_requests),
      cmocka_unit_test(test_create_without_item),
      cmocka_unit_test(test_preview),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
