/*
 * Wire parsers: request targets, urlencoded forms, cookies, UTF-8 and JSON depth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/parse.h"
#include "ujikom/utf8.h"

static void target_splits_path_and_query(void **state) {
  (void)state;
  char *path = NULL;
  const char *query = NULL;
  assert_int_equal(PARSE_OK, parse_target(&path, &query, "/api/exams%2Fx?subsector=FSN"));
  assert_string_equal("/api/exams/x", path);
  assert_string_equal("subsector=FSN", query);
  free(path);
  assert_int_equal(PARSE_OK, parse_target(&path, &query, "/"));
  assert_string_equal("/", path);
  assert_null(query);
  free(path);
}

static void target_refuses_traversal_nul_and_bad_escapes(void **state) {
  (void)state;
  const char *bad[] = {"/static/../etc/passwd",
                       "/static/%2e%2e/x",
                       "/a/./b",
                       "/x%00y",
                       "/x%zz",
                       "/x%4",
                       "relative",
                       "/%c0%af",
                       "/..",
                       "/a/.."};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char *path = NULL;
    const char *query = NULL;
    enum parse_rc rc = parse_target(&path, &query, bad[i]);
    if (PARSE_BAD != rc) {
      fail_msg("target '%s' should be refused", bad[i]);
    }
    assert_null(path);
  }
}

static void urlencoded_decodes_plus_and_percent(void **state) {
  (void)state;
  struct kv_list l;
  const char *s = "name=Siti+Rahayu&email=siti%40contoh.id&empty=&flag&x=%E2%9C%93";
  assert_int_equal(PARSE_OK, parse_urlencoded(&l, s, strlen(s), 10));
  assert_int_equal(5, l.count);
  assert_string_equal("Siti Rahayu", kv_get(&l, "name"));
  assert_string_equal("siti@contoh.id", kv_get(&l, "email"));
  assert_string_equal("", kv_get(&l, "empty"));
  assert_string_equal("", kv_get(&l, "flag"));
  assert_string_equal("\xe2\x9c\x93", kv_get(&l, "x"));
  assert_null(kv_get(&l, "missing"));
  kv_list_free(&l);
}

static void urlencoded_limits_fields_and_refuses_bad_bytes(void **state) {
  (void)state;
  struct kv_list l;
  const char *many = "a=1&b=2&c=3&d=4";
  assert_int_equal(PARSE_TOO_MANY, parse_urlencoded(&l, many, strlen(many), 3));
  assert_int_equal(0, l.count);
  const char *nul = "a=x%00y";
  assert_int_equal(PARSE_BAD, parse_urlencoded(&l, nul, strlen(nul), 10));
  const char *latin1 = "a=%E9t%E9";
  assert_int_equal(PARSE_BAD, parse_urlencoded(&l, latin1, strlen(latin1), 10));
  const char *trunc = "a=%4";
  assert_int_equal(PARSE_BAD, parse_urlencoded(&l, trunc, strlen(trunc), 10));
  assert_int_equal(PARSE_OK, parse_urlencoded(&l, "&&&", 3, 10));
  assert_int_equal(0, l.count);
}

static void cookie_finds_exact_names_only(void **state) {
  (void)state;
  char v[64];
  const char *h = "xujikom_session=bad; ujikom_session=abc123; lang=en";
  assert_true(parse_cookie(h, "ujikom_session", v, sizeof(v)));
  assert_string_equal("abc123", v);
  assert_true(parse_cookie(h, "lang", v, sizeof(v)));
  assert_string_equal("en", v);
  assert_false(parse_cookie(h, "session", v, sizeof(v)));
  assert_false(parse_cookie(NULL, "lang", v, sizeof(v)));
  assert_true(parse_cookie("lang=\"id\"", "lang", v, sizeof(v)));
  assert_string_equal("id", v);
  /* Too long for the buffer, or containing bytes a cookie value may not: refused. */
  char small[4];
  assert_false(parse_cookie("lang=english", "lang", small, sizeof(small)));
  assert_false(parse_cookie("lang=a\x01", "lang", v, sizeof(v)));
}

static void utf8_validation(void **state) {
  (void)state;
  assert_true(utf8_well_formed("Kompeten \xe2\x9c\x93", 12));
  assert_true(utf8_well_formed("\xf0\x9f\x8e\xa8", 4));  /* U+1F3A8 */
  assert_false(utf8_well_formed("\xc0\xaf", 2));         /* overlong '/' */
  assert_false(utf8_well_formed("\xed\xa0\x80", 3));     /* surrogate */
  assert_false(utf8_well_formed("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
  assert_false(utf8_well_formed("\xe2\x9c", 2));         /* truncated */
  assert_false(utf8_well_formed("\x80", 1));
}

static void json_depth(void **state) {
  (void)state;
  const char *ok = "{\"a\":[[1]]}";
  assert_true(json_depth_ok(ok, strlen(ok), 3));
  assert_false(json_depth_ok(ok, strlen(ok), 2));
  const char *in_string = "{\"a\":\"[[[[[[\\\"[[[[\"}";
  assert_true(json_depth_ok(in_string, strlen(in_string), 1));
}

/* parse_target_buf decodes into the caller's buffer when the path fits, else allocates,
 * and answers exactly as parse_target does: the plain-ASCII shortcut changes nothing. */
static void target_buf_agrees_with_target(void **state) {
  (void)state;
  const char *targets[] = {"/",
                           "/healthz",
                           "/static/app.css?v=0123",
                           "/a%20b/c?x=1",
                           "/caf%C3%A9",
                           "/a/./b",
                           "/a/../b",
                           "/..",
                           "/.hidden/x",
                           "/a/..b/.c",
                           "/x%00y",
                           "/x%zz",
                           "/x%4",
                           "/tab\there",
                           "/del\x7f",
                           "/\xc3\xa9t\xc3\xa9",
                           "/\xc3",
                           "/plus+sign?q=a+b",
                           "relative",
                           "",
                           "/V/HC1:6BFOXN%TS3DH0YOJ58S",
                           "/verylongpathsegmentthatdoesnotfitinasmallbuffer/aaaaaaaaaaaaaaaaaaaa"};
  for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
    char *want = NULL;
    const char *want_q = NULL;
    enum parse_rc want_rc = parse_target(&want, &want_q, targets[i]);
    for (size_t cap = 0; cap < 80; cap += 7) {
      char buf[80];
      char *got = NULL;
      const char *got_q = NULL;
      enum parse_rc got_rc = parse_target_buf(&got, &got_q, targets[i], buf, cap);
      if (want_rc != got_rc) {
        fail_msg("%s (buffer %zu): rc %d, want %d", targets[i], cap, got_rc, want_rc);
      }
      if (PARSE_OK == want_rc) {
        assert_string_equal(want, got);
        assert_ptr_equal(want_q, got_q);
        if (strcspn(targets[i], "?") < cap) { /* the target's path part fits */
          assert_ptr_equal(buf, got);
        } else {
          assert_ptr_not_equal(buf, got);
        }
        if (got != buf) {
          free(got);
        }
      } else {
        assert_null(got);
      }
    }
    free(want);
  }
}

static void accept_encoding_gzip(void **state) {
  (void)state;
  static const char *const yes[] = {
      "gzip",
      "GZIP",
      "gzip, deflate, br",
      "br;q=1.0, gzip;q=0.8, *;q=0.1",
      "deflate, x-gzip",
      "*",
      " gzip ;q=0.001",
      "identity, *;q=0.5",
      "gzip;q=1",
      "gzip;level=1",
  };
  static const char *const no[] = {
      "",      "identity",       "deflate, br",      "gzip;q=0", "gzip; q=0.000",
      "*;q=0", "gzip;q=0, *",    "*, gzip;q=0",      "gzipx",    "gzi",
      ",,,",   "br, gzip;Q=0.0", "x-gzip;q=0, gzip",
  };
  assert_false(accepts_gzip(NULL));
  for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
    if (!accepts_gzip(yes[i])) {
      fail_msg("'%s' accepts gzip", yes[i]);
    }
  }
  for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
    if (accepts_gzip(no[i])) {
      fail_msg("'%s' does not accept gzip", no[i]);
    }
  }
}

/* Of br and gzip, the accepted one with the higher weight, br on a tie; refusals by name
 * hold over "*"; the identity when neither is accepted. */
static void accept_encoding_picks_a_coding(void **state) {
  (void)state;
  static const struct {
    const char *header;
    enum content_coding want;
  } cases[] = {
      {"gzip, deflate, br, zstd", CODING_BR}, /* what Chromium sends */
      {"gzip, deflate, br", CODING_BR},
      {"br", CODING_BR},
      {"BR;q=0.2", CODING_BR},
      {"br;q=1, gzip;q=0.5", CODING_BR},
      {"gzip;q=0.5, br;q=0.5", CODING_BR},
      {"*", CODING_BR},
      {"identity;q=0.5, *;q=0.1", CODING_BR},
      {"gzip;q=0.4, *;q=0.5", CODING_BR}, /* br unlisted: the weight of "*" */
      {"gzip, deflate", CODING_GZIP},     /* what Node's fetch sends */
      {"gzip", CODING_GZIP},
      {"x-gzip", CODING_GZIP},
      {"br;q=0.5, gzip", CODING_GZIP},
      {"br;q=0, *", CODING_GZIP},
      {"br, br;q=0, gzip", CODING_GZIP}, /* a repeated coding refused once is refused */
      {"*, br;q=0", CODING_GZIP},
      {"gzip;q=0.9, *;q=0.5", CODING_GZIP},
      {"br;q=0.001, gzip;q=0.002", CODING_GZIP},
      {"", CODING_IDENTITY},
      {"identity", CODING_IDENTITY},
      {"deflate, zstd", CODING_IDENTITY},
      {"br;q=0, gzip;q=0", CODING_IDENTITY},
      {"*;q=0", CODING_IDENTITY},
      {"brotli, gzipx, b, r", CODING_IDENTITY},
      {",,,", CODING_IDENTITY},
  };
  assert_int_equal(CODING_IDENTITY, accept_encoding_pick(NULL));
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    enum content_coding got = accept_encoding_pick(cases[i].header);
    if (cases[i].want != got) {
      fail_msg("'%s': coding %d, not %d", cases[i].header, (int)got, (int)cases[i].want);
    }
  }
}

static void accept_language_picks_ours(void **state) {
  (void)state;
  static const struct {
    const char *header;
    const char *want; /* NULL: neither */
  } cases[] = {
      {"id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", "id"},
      {"en-US,en;q=0.9,id;q=0.8", "en"},
      {"en-GB", "en"},
      {"ID", "id"},
      {"in", "id"},
      {"fr, en;q=0.5, id;q=0.4", "en"},
      {"fr, id;q=0.4, en;q=0.5", "en"},
      {"de;q=1, id;q=0.001", "id"},
      {"en;q=0.5, id;q=0.5", "en"},
      {"id;q=0, en;q=0.1", "en"},
      {"  id ; q=0.8 ,en;q=0.9", "en"},
      {"*", NULL},
      {"fr-FR, de", NULL},
      {"", NULL},
      {"id;q=0, en;q=0", NULL},
      {"idx, enn, i-d", NULL},
      {",,,;;;", NULL},
  };
  assert_null(accept_language_pick(NULL));
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *got = accept_language_pick(cases[i].header);
    if ((NULL == got) != (NULL == cases[i].want) ||
        (NULL != got && 0 != strcmp(got, cases[i].want))) {
      fail_msg("'%s' picks %s, not %s", cases[i].header, got ? got : "none",
               cases[i].want ? cases[i].want : "none");
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(target_splits_path_and_query),
      cmocka_unit_test(target_refuses_traversal_nul_and_bad_escapes),
      cmocka_unit_test(urlencoded_decodes_plus_and_percent),
      cmocka_unit_test(urlencoded_limits_fields_and_refuses_bad_bytes),
      cmocka_unit_test(cookie_finds_exact_names_only),
      cmocka_unit_test(utf8_validation),
      cmocka_unit_test(json_depth),
      cmocka_unit_test(accept_encoding_gzip),
      cmocka_unit_test(accept_encoding_picks_a_coding),
      cmocka_unit_test(accept_language_picks_ours),
      cmocka_unit_test(target_buf_agrees_with_target),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
