/*
 * The kind of device a User-Agent header names: the browsers and systems candidates and
 * staff sign in with (phones first), browsers built on another one named as themselves, the
 * header's bytes past DEVICE_KIND_UA_MAX ignored, and the stored code written and read back
 * for every pair, anything else refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/device_kind.h"

static const struct {
  const char *ua;
  const char *code;
} cases[] = {
    /* Chrome on an Android phone (the reduced header Chrome sends since 2023) */
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Mobile Safari/537.36",
     "chrome/android"},
    /* Samsung Internet, Mi Browser, UC Browser and Opera on Android name Chrome too */
    {"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
     "samsung/android"},
    {"Mozilla/5.0 (Linux; U; Android 12; id-id; Redmi Note 11 Build/SKQ1.211103.001) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/112.0.5615.136 Mobile "
     "Safari/537.36 XiaoMi/MiuiBrowser/14.5.10-gn",
     "miui/android"},
    {"Mozilla/5.0 (Linux; U; Android 11; en-US; RMX2185 Build/RP1A.201005.001) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 "
     "UCBrowser/13.4.0.1306 Mobile Safari/537.36",
     "uc/android"},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Mobile Safari/537.36 OPR/85.0.0.0",
     "opera/android"},
    {"Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "firefox/android"},
    /* an Android WebView (an app's built-in browser) */
    {"Mozilla/5.0 (Linux; Android 11; SM-A125F Build/RP1A.200720.012; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36",
     "chrome/android"},
    /* iPhone and iPad: Safari, and Chrome, Firefox and Edge on iOS */
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
     "safari/iphone"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
     "chrome/iphone"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
     "firefox/iphone"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.0 EdgiOS/131.2903.68 Mobile/15E148 Safari/605.1.15",
     "edge/iphone"},
    {"Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/16.6 Mobile/15E148 Safari/604.1",
     "safari/ipad"},
    /* computers */
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36",
     "chrome/windows"},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
     "edge/windows"},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
     "firefox/windows"},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Safari/605.1.15",
     "safari/macos"},
    {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36",
     "chrome/chromeos"},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/131.0.6778.85 Safari/537.36",
     "chrome/linux"},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
     "firefox/linux"},
    {"Opera/9.80 (Windows NT 6.1) Presto/2.12.388 Version/12.16", "opera/windows"},
    /* not a browser, or nothing recognisable */
    {"curl/8.5.0", ""},
    {"node", ""},
    {"", ""},
    {"Mozilla/5.0 (Windows NT 10.0)", "/windows"},
    {"Safari/", "safari/"},
};

static void known_headers(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char code[DEVICE_KIND_CODE_SIZE];
    struct device_kind k = device_kind_of(cases[i].ua, strlen(cases[i].ua));
    size_t n = device_kind_code(k, code, sizeof code);
    if (0 != strcmp(cases[i].code, code) || n != strlen(code)) {
      fail_msg("\"%s\": \"%s\" (%zu), want \"%s\"", cases[i].ua, code, n, cases[i].code);
    }
  }
  struct device_kind none = device_kind_of(NULL, 10);
  assert_int_equal(DEVICE_BROWSER_UNKNOWN, none.browser);
  assert_int_equal(DEVICE_OS_UNKNOWN, none.os);
}

/* Only the first DEVICE_KIND_UA_MAX bytes count, and bytes after a NUL inside them do. */
static void bounded(void **state) {
  (void)state;
  char ua[DEVICE_KIND_UA_MAX + 64];
  memset(ua, 'x', sizeof ua);
  memcpy(ua + DEVICE_KIND_UA_MAX - 7, "Chrome/", 7);
  struct device_kind k = device_kind_of(ua, sizeof ua);
  assert_int_equal(DEVICE_BROWSER_CHROME, k.browser);
  memset(ua, 'x', sizeof ua);
  memcpy(ua + DEVICE_KIND_UA_MAX - 6, "Chrome/", 7); /* its last byte is past the limit */
  k = device_kind_of(ua, sizeof ua);
  assert_int_equal(DEVICE_BROWSER_UNKNOWN, k.browser);
  const char with_nul[] = "\0Firefox/1 (Android)";
  k = device_kind_of(with_nul, sizeof with_nul - 1);
  assert_int_equal(DEVICE_BROWSER_FIREFOX, k.browser);
  assert_int_equal(DEVICE_OS_ANDROID, k.os);
  k = device_kind_of("Chrome/", 6); /* shorter than its token */
  assert_int_equal(DEVICE_BROWSER_UNKNOWN, k.browser);
}

/* Every pair's code reads back as the pair; its names are there when it is known. */
static void codes_round_trip(void **state) {
  (void)state;
  for (int b = 0; b < DEVICE_BROWSER__COUNT; b++) {
    for (int o = 0; o < DEVICE_OS__COUNT; o++) {
      struct device_kind k = {(enum device_browser)b, (enum device_os)o}, back;
      char code[DEVICE_KIND_CODE_SIZE];
      size_t n = device_kind_code(k, code, sizeof code);
      assert_int_equal(n, strlen(code));
      assert_true(device_kind_parse(code, &back));
      assert_int_equal(b, back.browser);
      assert_int_equal(o, back.os);
      assert_int_equal(0 == b && 0 == o, 0 == n);
      assert_int_equal(0 == b, NULL == device_browser_name(k.browser));
      assert_int_equal(0 == o, NULL == device_os_name(k.os));
    }
  }
  assert_null(device_browser_name(DEVICE_BROWSER__COUNT));
  assert_null(device_os_code((enum device_os) - 1));
  char small[8] = "z";
  struct device_kind k = {DEVICE_BROWSER_SAMSUNG, DEVICE_OS_CHROMEOS};
  assert_int_equal(0, device_kind_code(k, small, sizeof small));
  assert_string_equal("", small);
  assert_string_equal("Samsung Internet", device_browser_name(k.browser));
  assert_string_equal("ChromeOS", device_os_name(k.os));
}

static void refuses_other_codes(void **state) {
  (void)state;
  static const char *const bad[] = {"/",
                                    "chrome",
                                    "chrome/android/x",
                                    "Chrome/android",
                                    "chrome/android ",
                                    "netscape/android",
                                    "chrome/beos",
                                    "chrome//",
                                    " /"};
  struct device_kind k;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (device_kind_parse(bad[i], &k)) {
      fail_msg("\"%s\" read as a code", bad[i]);
    }
    assert_int_equal(DEVICE_BROWSER_UNKNOWN, k.browser);
    assert_int_equal(DEVICE_OS_UNKNOWN, k.os);
  }
  assert_true(device_kind_parse(NULL, &k));
  assert_true(device_kind_parse("", &k));
  assert_int_equal(DEVICE_BROWSER_UNKNOWN, k.browser);
}

/* The API's form: both families, one of them null, or null for nothing known. */
static void as_json(void **state) {
  (void)state;
  static const struct {
    const char *code, *json;
  } want[] = {{"chrome/android", "{\"browser\":\"chrome\",\"os\":\"android\"}"},
              {"/ipad", "{\"browser\":null,\"os\":\"ipad\"}"},
              {"uc/", "{\"browser\":\"uc\",\"os\":null}"},
              {"", "null"},
              {NULL, "null"},
              {"chrome/beos", "null"}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    json_t *j = device_kind_json(want[i].code);
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert_non_null(text);
    assert_string_equal(want[i].json, text);
    free(text);
    json_decref(j);
  }
}

/* Words for a mail or a console, both languages, cut to fit. */
static void in_words(void **state) {
  (void)state;
  static const struct {
    const char *code, *id, *en;
  } want[] = {{"samsung/android", "Samsung Internet di Android", "Samsung Internet on Android"},
              {"safari/", "Safari", "Safari"},
              {"/ipad", "peramban lain di iPad", "another browser on iPad"},
              {"", "tidak dikenali", "not recognised"},
              {"netscape/beos", "tidak dikenali", "not recognised"},
              {NULL, "tidak dikenali", "not recognised"}};
  char buf[64];
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    assert_int_equal(strlen(want[i].id), device_kind_words(want[i].code, false, buf, sizeof buf));
    assert_string_equal(want[i].id, buf);
    assert_int_equal(strlen(want[i].en), device_kind_words(want[i].code, true, buf, sizeof buf));
    assert_string_equal(want[i].en, buf);
  }
  char small[6];
  assert_int_equal(5, device_kind_words("chrome/windows", true, small, sizeof small));
  assert_string_equal("Chrom", small);
  assert_int_equal(0, device_kind_words("chrome/windows", true, small, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(known_headers),    cmocka_unit_test(bounded),
      cmocka_unit_test(codes_round_trip), cmocka_unit_test(refuses_other_codes),
      cmocka_unit_test(as_json),          cmocka_unit_test(in_words),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
