/*
 * The HTML builder: escaping of text and attributes, UTF-8 repair, the literal-only format
 * function, URL attribute filtering and JSON data blocks that cannot close their element.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/html.h"
#include "ujikom/utf8.h"

static char *render_text(const char *s, size_t n) {
  struct html *h = html_new();
  assert_non_null(h);
  html_textn(h, s, n);
  return html_take(h, NULL);
}

static void test_text_escapes_markup(void **state) {
  (void)state;
  const char *name = "<img src=x onerror=alert(1)> & \"q\" 'a'";
  char *out = render_text(name, strlen(name));
  assert_string_equal(out, "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;");
  free(out);
}

static void test_invalid_utf8_replaced(void **state) {
  (void)state;
  /* lone continuation, overlong '/', surrogate, truncated sequence, valid 'é' and emoji */
  const char in[] = "a\x80"
                    "b\xC0\xAF"
                    "c\xED\xA0\x80"
                    "d\xC3\xA9\xF0\x9F\x98\x80\xE2\x82";
  char *out = render_text(in, sizeof(in) - 1);
  assert_true(utf8_well_formed(out, strlen(out)));
  assert_non_null(strstr(out, "d\xC3\xA9\xF0\x9F\x98\x80"));
  assert_null(strstr(out, "\xC0\xAF"));
  assert_int_equal(out[0], 'a');
  assert_memory_equal(out + 1, "\xEF\xBF\xBD", 3);
  free(out);
  assert_false(utf8_well_formed("\xC0\xAF", 2));
  assert_false(utf8_well_formed("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
  assert_true(utf8_well_formed("Rp 150.000 — ok", strlen("Rp 150.000 — ok")));
}

static void test_controls_replaced_nul_safe(void **state) {
  (void)state;
  const char in[] = {'x', '\0', 'y', '\x1b', '\t', '\n'};
  char *out = render_text(in, sizeof(in));
  assert_string_equal(out, "x\xEF\xBF\xBDy\xEF\xBF\xBD\t\n");
  free(out);
}

static void test_fmt_escapes_every_string(void **state) {
  (void)state;
  struct html *h = html_new();
  html_fmt(h, "<p class=\"n\">%s has %d of %zu (%lld%%) %u %ld</p>", "<b>", -3, (size_t)7,
           (long long)42, 5u, 9L);
  assert_false(html_failed(h));
  assert_string_equal(html_data(h), "<p class=\"n\">&lt;b&gt; has -3 of 7 (42%) 5 9</p>");
  const char *volatile absent = NULL; /* NULL %s prints nothing (hidden from -Wformat) */
  html_fmt(h, "[%s]", absent);
  assert_false(html_failed(h));
  assert_non_null(strstr(html_data(h), "</p>[]"));
  html_free(h);
}

static void test_attr_and_url_filter(void **state) {
  (void)state;
  struct html *h = html_new();
  HTML_LIT(h, "<a");
  html_attr(h, "title", "\" onmouseover=\"x");
  html_attr_url(h, "href", "javascript:alert(1)");
  HTML_LIT(h, ">");
  assert_string_equal(html_data(h), "<a title=\"&quot; onmouseover=&quot;x\" href=\"#\">");
  html_free(h);

  h = html_new();
  html_attr_url(h, "href", "/me?x=1&y=2");
  html_attr_url(h, "src", "//evil.example/x.js");
  html_attr_url(h, "href", "https://ujikom.example/V/ABC");
  html_attr_url(h, "href", "data:text/html,hi");
  assert_string_equal(html_data(h), " href=\"/me?x=1&amp;y=2\" src=\"#\" "
                                    "href=\"https://ujikom.example/V/ABC\" href=\"#\"");
  html_free(h);

  h = html_new();
  html_link(h, "/admin/audit?actor=a&b#audit-list", "Periksa <sekarang>");
  html_link(h, "javascript:alert(1)", "x");
  assert_string_equal(html_data(h), "<a href=\"/admin/audit?actor=a&amp;b#audit-list\">Periksa "
                                    "&lt;sekarang&gt;</a><a href=\"#\">x</a>");
  html_free(h);
}

static void test_local_path(void **state) {
  (void)state;
  assert_true(html_local_path("/"));
  assert_true(html_local_path("/attempts/3"));
  assert_false(html_local_path("//evil.example"));
  assert_false(html_local_path("/\\evil.example"));
  assert_false(html_local_path("https://evil.example"));
  assert_false(html_local_path("/a\r\nSet-Cookie: x"));
  assert_false(html_local_path(""));
  assert_false(html_local_path(NULL));
}

static void test_json_script_cannot_close(void **state) {
  (void)state;
  struct html *h = html_new();
  json_t *v = json_pack("{s:s}", "k", "</script><script>alert(1)</script>&\xE2\x80\xA8");
  html_json_script(h, "strings", v);
  json_decref(v);
  const char *out = html_data(h);
  assert_string_equal(out, "<script type=\"application/json\" id=\"strings\">"
                           "{\"k\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"
                           "\\u003c/script\\u003e\\u0026\\u2028\"}</script>");
  /* The JSON still parses back to the same text. */
  const char *start = strchr(out, '>') + 1;
  const char *end = strstr(start, "</script>");
  json_t *back = json_loadb(start, (size_t)(end - start), 0, NULL);
  assert_non_null(back);
  assert_string_equal(json_string_value(json_object_get(back, "k")),
                      "</script><script>alert(1)</script>&\xE2\x80\xA8");
  json_decref(back);
  html_free(h);
}

static void test_text_sub(void **state) {
  (void)state;
  struct html *h = html_new();
  html_text_sub(h, "Halo {name}, sisa {n} menit {unknown} <b>", "name", "<i>Ani</i>", "n", "5",
                NULL);
  assert_string_equal(html_data(h),
                      "Halo &lt;i&gt;Ani&lt;/i&gt;, sisa 5 menit {unknown} &lt;b&gt;");
  html_free(h);
}

static void test_labelled_control(void **state) {
  (void)state;
  struct html *h = html_new();
  assert_non_null(h);
  html_labelled(h, "c-q\"1", "Comment <b>", "<input type=\"text\"", "items/q1/comment");
  HTML_LIT(h, ">");
  char *out = html_take(h, NULL);
  assert_string_equal(out, "<label for=\"c-q&quot;1\">Comment &lt;b&gt;</label><input "
                           "type=\"text\" id=\"c-q&quot;1\" name=\"items/q1/comment\">");
  free(out);
}

static void test_take_and_growth(void **state) {
  (void)state;
  struct html *h = html_new();
  for (int i = 0; i < 10000; i++) {
    html_text(h, "<>");
  }
  size_t len = 0;
  char *out = html_take(h, &len);
  assert_int_equal(len, 80000);
  assert_int_equal(strlen(out), 80000);
  free(out);
  html_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_text_escapes_markup),
      cmocka_unit_test(test_invalid_utf8_replaced),
      cmocka_unit_test(test_controls_replaced_nul_safe),
      cmocka_unit_test(test_fmt_escapes_every_string),
      cmocka_unit_test(test_attr_and_url_filter),
      cmocka_unit_test(test_local_path),
      cmocka_unit_test(test_json_script_cannot_close),
      cmocka_unit_test(test_text_sub),
      cmocka_unit_test(test_labelled_control),
      cmocka_unit_test(test_take_and_growth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
