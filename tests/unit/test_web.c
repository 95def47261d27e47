/*
 * The web layer's data: both message catalogues define the same keys, every key the C code
 * names exists, no text is empty, and the embedded asset table serves what the pages link.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/evidence.h"
#include "http/assets.h"
#include "http/errors.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/httpd.h"
#include "http/layout.h"

static const char *const key_prefixes[] = {
    "site.",  "layout.",   "role.",     "nav.",        "home.",      "auth.",  "me.",
    "exam.",  "review.",   "admin.",    "page.",       "result.",    "err.",   "verify.",
    "reset.", "analysis.", "audit.",    "confirm.",    "notice.",    "pager.", "reason.",
    "field.", "skkni.",    "evidence.", "upload.",     "apl.",       "obs.",   "schedule.",
    "enrol.", "itembank.", "checkin.",  "attendance.", "complaint.", "email.", "sessions."};

static void test_catalogues_have_same_keys(void **state) {
  (void)state;
  const json_t *id = i18n_catalogue("id");
  const json_t *en = i18n_catalogue("en");
  assert_true(json_object_size(id) > 10);
  assert_int_equal(json_object_size(id), json_object_size(en));
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)(uintptr_t)id, key, value) {
    if (!i18n_has("en", key)) {
      fail_msg("key %s is in id.json but not in en.json", key);
    }
    const char *s = json_string_value(value);
    if (NULL == s || '\0' == s[0]) {
      fail_msg("key %s has no Indonesian text", key);
    }
    bool known = false;
    for (size_t i = 0; i < sizeof(key_prefixes) / sizeof(key_prefixes[0]); i++) {
      known = known || 0 == strncmp(key, key_prefixes[i], strlen(key_prefixes[i]));
    }
    if (!known) {
      fail_msg("key %s has no known prefix (add it to key_prefixes)", key);
    }
  }
  assert_string_equal(i18n("id", "nav.login"), "Masuk");
  assert_string_equal(i18n("en", "nav.login"), "Log in");
  assert_string_equal(i18n("xx", "nav.login"), "Masuk"); /* unknown language -> Indonesian */
  assert_string_equal(i18n("en", "no.such.key"), "no.such.key");
  assert_string_equal(i18n_lang("en"), "en");
  assert_string_equal(i18n_lang(NULL), "id");
}

/* Every "prefix.key" string literal in the page files of service/http/ must be in both
 * catalogues. */
static void check_file_keys(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* Only files that render with the catalogue; others may use dotted names of their own
   * (audit actions, log tags). */
  if (NULL == strstr(buf, "\"http/layout.h\"") && NULL == strstr(buf, "\"http/i18n.h\"")) {
    return;
  }
  for (char *p = buf; NULL != (p = strchr(p, '"')); p++) {
    for (size_t i = 0; i < sizeof(key_prefixes) / sizeof(key_prefixes[0]); i++) {
      size_t plen = strlen(key_prefixes[i]);
      if (0 != strncmp(p + 1, key_prefixes[i], plen)) {
        continue;
      }
      size_t len = plen;
      while (('a' <= p[1 + len] && p[1 + len] <= 'z') || ('0' <= p[1 + len] && p[1 + len] <= '9') ||
             '_' == p[1 + len] || '.' == p[1 + len]) {
        len++;
      }
      /* A trailing '_' or '.' marks a prefix for i18n_subset, not a key. */
      if ('"' != p[1 + len] || len == plen || '_' == p[len] || '.' == p[len]) {
        continue;
      }
      char key[128];
      if (len >= sizeof(key)) {
        continue;
      }
      memcpy(key, p + 1, len);
      key[len] = '\0';
      if (!i18n_has("id", key) || !i18n_has("en", key)) {
        fail_msg("%s uses catalogue key \"%s\" that is missing from id.json or en.json", path, key);
      }
    }
  }
}

static void test_source_keys_exist(void **state) {
  (void)state;
  const char *src = getenv("UJIKOM_SOURCE_DIR");
  if (NULL == src) {
    src = ".";
  }
  char dir[1024];
  snprintf(dir, sizeof(dir), "%s/service/http", src);
  DIR *d = opendir(dir);
  if (NULL == d) {
    fail_msg("cannot open %s (set UJIKOM_SOURCE_DIR)", dir);
  }
  size_t checked = 0;
  struct dirent *e;
  while (NULL != (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 3 || 0 != strcmp(e->d_name + len - 2, ".c")) {
      continue;
    }
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    check_file_keys(path);
    checked++;
  }
  closedir(d);
  assert_true(checked > 3);
}

/* A text about a count: English says "1 point" and "2 points" (its "_one" form for 1),
 * Indonesian has one form; a key without a "_one" form gives its text for every count. */
static void test_count_forms(void **state) {
  (void)state;
  assert_string_equal(i18n_count("en", "exam.points", 1), "{n} point");
  assert_string_equal(i18n_count("en", "exam.points", 2), "{n} points");
  assert_string_equal(i18n_count("en", "exam.points", 0), "{n} points");
  assert_string_equal(i18n_count("en", "exam.points", -1), "{n} points");
  assert_string_equal(i18n_count("id", "exam.points", 1), "{n} poin");
  assert_string_equal(i18n_count("id", "exam.points", 3), "{n} poin");
  assert_string_equal(i18n_count("en", "nav.login", 1), "Log in");
  assert_string_equal(i18n_count("en", "no.such.key", 1), "no.such.key");
  /* A singular form says what its text says: the same placeholders. */
  static const char *const counted[] = {"exam.points",           "exam.remaining_static",
                                        "exam.evidence_limits",  "exam.pre_cooldown_rule",
                                        "me.recert_due",         "review.level_points",
                                        "review.criterion_max",  "admin.analysis_outcomes",
                                        "analysis.small_warning"};
  for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++) {
    for (int l = 0; l < 2; l++) {
      const char *lang = l ? "en" : "id";
      const char *many = i18n(lang, counted[i]), *one = i18n_count(lang, counted[i], 1);
      assert_ptr_not_equal(one, NULL);
      for (const char *p = many; NULL != (p = strchr(p, '{')); p++) {
        const char *end = strchr(p, '}');
        assert_non_null(end);
        char ph[64];
        size_t len = (size_t)(end - p + 1);
        assert_true(len < sizeof ph);
        memcpy(ph, p, len);
        ph[len] = '\0';
        if (NULL == strstr(one, ph)) {
          fail_msg("%s_one (%s) lacks %s", counted[i], lang, ph);
        }
      }
    }
  }
}

static void test_assets(void **state) {
  (void)state;
  const struct asset *css = asset_find("static/app.css");
  assert_non_null(css);
  assert_true(css->size > 100);
  assert_int_equal(css->data[css->size], 0);
  assert_non_null(asset_find("static/exam.js"));
  assert_null(asset_find("../CMakeLists.txt"));
  assert_null(asset_find("static/../i18n/id.json"));
  char v1[ASSET_VERSION_LEN + 1];
  char v2[ASSET_VERSION_LEN + 1];
  asset_version(css, v1);
  asset_version(asset_find("static/exam.js"), v2);
  assert_int_equal(strlen(v1), ASSET_VERSION_LEN);
  assert_string_not_equal(v1, v2);
  /* Versions are computed once, and are the content hash (FNV-1a 64) of each asset: a
   * cached version can never name other bytes than the ones served. */
  for (const struct asset *a = assets; NULL != a->path; a++) {
    uint64_t hash = 14695981039346656037ull;
    for (size_t i = 0; i < a->size; i++) {
      hash ^= a->data[i];
      hash *= 1099511628211ull;
    }
    char want[ASSET_VERSION_LEN + 1];
    snprintf(want, sizeof(want), "%016llx", (unsigned long long)hash);
    char got[ASSET_VERSION_LEN + 1];
    asset_version(a, got);
    assert_string_equal(want, got);
    asset_version(a, got);
    assert_string_equal(want, got);
  }
}

static void test_subset_for_scripts(void **state) {
  (void)state;
  json_t *s = i18n_subset("en", "exam.js_");
  assert_non_null(s);
  assert_true(json_object_size(s) > 3);
  const char *key;
  json_t *value;
  json_object_foreach(s, key, value) {
    assert_int_equal(0, strncmp(key, "exam.js_", 8));
    assert_string_equal(json_string_value(value), i18n("en", key));
  }
  json_decref(s);
}

/* The page shell's language link carries the page's path percent-encoded (unreserved bytes
 * and '/' kept), the only escaped byte in the attribute being its '&'; the stylesheet link
 * names the asset's current version. */
static void test_layout_links(void **state) {
  (void)state;
  static char long_ok[1500];
  static char long_bad[1500];
  memset(long_ok, 'x', sizeof(long_ok) - 1);
  long_ok[0] = '/';
  memcpy(long_bad, long_ok, sizeof(long_bad));
  long_bad[sizeof(long_bad) - 2] = '\x7f'; /* past the part that fits in the link */
  const char *paths[] = {"/",
                         "/verify",
                         "/V/6BF.OXN-TS3_DH~0YOJ58S",
                         "/a b/\xc3\xa9?&\"<>'",
                         "//evil.example",
                         "/\\x",
                         "/a\x01b",
                         "/del\x7f",
                         long_ok,
                         long_bad,
                         NULL};
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    for (int en = 0; en < 2; en++) {
      struct req r = {0};
      r.lang = en ? "en" : "id";
      r.path = paths[i];
      struct html *h = html_new();
      assert_non_null(h);
      layout_begin(h, &r, "Judul <uji>");
      layout_end(h, &r);
      const char *back = NULL != paths[i] && html_local_path(paths[i]) ? paths[i] : "/";
      char want[4096];
      size_t o = (size_t)snprintf(
          want, sizeof(want), "<a class=\"lang\" href=\"/lang?to=%s&amp;back=", en ? "id" : "en");
      size_t pos = 17; /* "/lang?to=xx&back=" in the link's 1024-byte buffer */
      for (const unsigned char *p = (const unsigned char *)back; *p && pos + 4 < 1024; p++) {
        size_t before = o;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            NULL != strchr("/-_.~", *p)) {
          want[o++] = (char)*p;
        } else {
          o += (size_t)snprintf(want + o, sizeof(want) - o, "%%%02X", *p);
        }
        pos += o - before;
      }
      snprintf(want + o, sizeof(want) - o, "\" lang=\"%s\" hreflang=\"%s\">", en ? "id" : "en",
               en ? "id" : "en");
      if (NULL == strstr(html_data(h), want)) {
        fail_msg("path %s: no '%s' in %s", paths[i] ? paths[i] : "(none)", want, html_data(h));
      }
      char css[128];
      assert_true(layout_asset_url(css, sizeof(css), "static/app.css"));
      char link[256];
      snprintf(link, sizeof(link), "<link rel=\"stylesheet\" href=\"%s\">", css);
      assert_non_null(strstr(html_data(h), link));
      assert_non_null(strstr(html_data(h), "<title>Judul &lt;uji&gt; — "));
      assert_non_null(strstr(html_data(h), "<li><a href=\"/login\">"));
      bool on_verify = NULL != paths[i] && 0 == strcmp(paths[i], "/verify");
      assert_true(on_verify ==
                  (NULL != strstr(html_data(h), "<li><a href=\"/verify\" aria-current=\"page\">")));
      html_free(h);
    }
  }
  char v[ASSET_VERSION_LEN + 1];
  asset_version(asset_find("static/app.css"), v);
  char url[64];
  assert_true(layout_asset_url(url, sizeof(url), "static/app.css"));
  char want[64];
  snprintf(want, sizeof(want), "/static/app.css?v=%s", v);
  assert_string_equal(want, url);
  assert_false(layout_asset_url(url, strlen(want), "static/app.css"));
  assert_true(layout_asset_url(url, strlen(want) + 1, "static/app.css"));
  assert_false(layout_asset_url(url, sizeof(url), "static/none.css"));
}

/* The reasons of the evidence, application and observation routes: every refusal of a file
 * (reason.evidence_refused.<reason>) and an owner's limits (reason.evidence_too_large.<owner>,
 * reason.evidence_too_many.<owner>) have their text in both languages. */
static void test_evidence_reasons_have_catalogue_text(void **state) {
  (void)state;
  int missing = 0, n = 0;
  char key[128];
  for (size_t i = 0; NULL != evidence_refusal_reasons[i]; i++, n++) {
    snprintf(key, sizeof key, "reason.evidence_refused.%s", evidence_refusal_reasons[i]);
    for (int l = 0; l < 2; l++) {
      if (!i18n_has(l ? "en" : "id", key)) {
        print_error("%s has no %s text\n", key, l ? "en" : "id");
        missing++;
      }
    }
  }
  assert_int_equal(n, 6);
  static const enum err limits[] = {ERR_EVIDENCE_TOO_LARGE, ERR_EVIDENCE_TOO_MANY};
  int owners = 0;
  for (size_t i = 1; NULL != h_evidence_owner_reasons[i]; i++, owners++) {
    for (size_t e = 0; e < sizeof limits / sizeof limits[0]; e++) {
      snprintf(key, sizeof key, "reason.%s.%s", err_name(limits[e]), h_evidence_owner_reasons[i]);
      for (int l = 0; l < 2; l++) {
        if (!i18n_has(l ? "en" : "id", key)) {
          print_error("%s has no %s text\n", key, l ? "en" : "id");
          missing++;
        }
      }
    }
  }
  assert_int_equal(owners, 2);
  assert_int_equal(missing, 0);
}

/* The catalogues and the asset versions are built at start-up, as the daemon does. */
/* One message catalogue: every error of the registry (errors.h) has its text in both
 * languages, and the texts people read are the catalogue's in their language. */
static void test_every_error_has_catalogue_text(void **state) {
  (void)state;
  int missing = 0;
  for (int e = 0; e < ERR__MAX; e++) {
    char key[96];
    snprintf(key, sizeof key, "err.%s", err_name((enum err)e));
    for (int l = 0; l < 2; l++) {
      const char *lang = l ? "en" : "id";
      if (!i18n_has(lang, key)) {
        print_error("%s has no %s text\n", key, lang);
        missing++;
      }
    }
  }
  assert_int_equal(missing, 0);
  /* Every reason text belongs to a registry error. */
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)(uintptr_t)i18n_catalogue("id"), key, value) {
    if (0 != strncmp(key, "reason.", 7)) {
      continue;
    }
    bool known = false;
    for (int e = 0; e < ERR__MAX && !known; e++) {
      const char *name = err_name((enum err)e);
      known = 0 == strncmp(key + 7, name, strlen(name)) && '.' == key[7 + strlen(name)];
    }
    if (!known) {
      fail_msg("%s names no error of the registry", key);
    }
  }
}

static void test_error_texts(void **state) {
  (void)state;
  char buf[256];
  char reason[32];
  /* The reason a detail gives: its leading field name. */
  err_reason_of(reason, sizeof reason, "feedback: a non-empty text of at most 5000 bytes.");
  assert_string_equal(reason, "feedback");
  err_reason_of(reason, sizeof reason, "items.FSN-1.c1: too high");
  assert_string_equal(reason, "items");
  err_reason_of(reason, sizeof reason, "The form data is malformed.");
  assert_string_equal(reason, "");
  err_reason_of(reason, sizeof reason, NULL);
  assert_string_equal(reason, "");
  err_reason_of(reason, 4, "feedback: x"); /* too long for out: no reason */
  assert_string_equal(reason, "");
  /* A reason with its own sentence, in each language. */
  const char *t =
      err_text(buf, sizeof buf, ERR_WEAK_PASSWORD, "id", "too_short", "password too short");
  assert_string_equal(t, i18n("id", "reason.weak_password.too_short"));
  assert_null(strstr(t, "password"));
  t = err_text(buf, sizeof buf, ERR_WEAK_PASSWORD, "en", "too_short", NULL);
  assert_string_equal(t, i18n("en", "reason.weak_password.too_short"));
  t = err_text(buf, sizeof buf, ERR_WEAK_PASSWORD, "en", "too_short", "password too short");
  assert_string_equal(t, "password too short"); /* in English, the exact sentence */
  /* A field without a sentence of its own: the template with the field's name; in English
   * the exact detail. */
  t = err_text(buf, sizeof buf, ERR_INVALID_FIELD, "id", "verdict", "verdict: K, BK or PENDING.");
  assert_string_equal(t, "Isian “keputusan” kosong atau tidak valid.");
  t = err_text(buf, sizeof buf, ERR_INVALID_FIELD, "en", "verdict", "verdict: K, BK or PENDING.");
  assert_string_equal(t, "verdict: K, BK or PENDING.");
  t = err_text(buf, sizeof buf, ERR_INVALID_FIELD, "id", "zzz", "zzz: no.");
  assert_string_equal(t, "Isian “zzz” kosong atau tidak valid.");
  /* No reason: the error's own text; never the English detail in Indonesian. */
  t = err_text(buf, sizeof buf, ERR_NOT_FOUND, "id", NULL, "Some English sentence.");
  assert_string_equal(t, i18n("id", "err.not_found"));
  t = err_text(buf, sizeof buf, ERR_NOT_FOUND, NULL, NULL, NULL);
  assert_string_equal(t, i18n("id", "err.not_found"));
  t = err_text(buf, sizeof buf, ERR_CLAIM_HELD, "en", NULL, NULL);
  assert_string_equal(t, i18n("en", "err.claim_held"));
  /* A buffer too small for the field template is cut, never overrun. */
  char tiny[8];
  t = err_text(tiny, sizeof tiny, ERR_INVALID_FIELD, "id", "verdict", NULL);
  assert_true(strlen(t) < sizeof tiny);
}

static int start_up(void **state) {
  (void)state;
  http_init();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalogues_have_same_keys),
      cmocka_unit_test(test_source_keys_exist),
      cmocka_unit_test(test_assets),
      cmocka_unit_test(test_count_forms),
      cmocka_unit_test(test_subset_for_scripts),
      cmocka_unit_test(test_layout_links),
      cmocka_unit_test(test_every_error_has_catalogue_text),
      cmocka_unit_test(test_evidence_reasons_have_catalogue_text),
      cmocka_unit_test(test_error_texts),
  };
  return cmocka_run_group_tests(tests, start_up, NULL);
}
