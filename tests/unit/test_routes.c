/*
 * The route table and its matcher: every row is well formed, patterns capture segments,
 * a known path with the wrong method is 405, an unknown one 404.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/routes.h"

static void every_row_is_well_formed(void **state) {
  (void)state;
  for (size_t i = 0; i < routes_count; i++) {
    const struct route *r = &routes[i];
    if ('/' != r->pattern[0]) {
      fail_msg("route %zu pattern '%s' must start with '/'", i, r->pattern);
    }
    if (0 == r->roles) {
      fail_msg("route %s %s allows no role", r->method, r->pattern);
    }
    if (NULL == r->handler) {
      fail_msg("route %s %s has no handler", r->method, r->pattern);
    }
    const char *methods[] = {"GET", "POST", "PUT", "DELETE"};
    int known = 0;
    for (size_t m = 0; m < 4; m++) {
      known |= 0 == strcmp(methods[m], r->method);
    }
    if (!known) {
      fail_msg("route %s %s: unknown method", r->method, r->pattern);
    }
    for (size_t j = 0; j < i; j++) {
      if (0 == strcmp(routes[j].method, r->method) && 0 == strcmp(routes[j].pattern, r->pattern)) {
        fail_msg("route %s %s appears twice", r->method, r->pattern);
      }
    }
  }
}

/* What a check-in session may reach is said once per row: at most one of the check-in flags;
 * the ones that check a parameter have it first (":id" of an exam, an attempt or an
 * upload); only candidates' routes (and anonymous ones) take part; and no staff route. */
static void checkin_flags_are_consistent(void **state) {
  (void)state;
  size_t open = 0;
  for (size_t i = 0; i < routes_count; i++) {
    const struct route *r = &routes[i];
    unsigned f = r->flags & ROUTE_CHECKIN_ANY;
    if (0 == f) {
      continue;
    }
    open++;
    if (0 != (f & (f - 1))) {
      fail_msg("route %s %s has more than one check-in flag", r->method, r->pattern);
    }
    const char *first = strchr(r->pattern, ':');
    if (f != ROUTE_CHECKIN &&
        (NULL == first || 0 != strncmp(first, ":id", 3) || ('/' != first[3] && '\0' != first[3]))) {
      fail_msg("route %s %s checks a parameter it does not have first", r->method, r->pattern);
    }
    if (!(r->roles & (ROLE_CANDIDATE | ROLE_ANON))) {
      fail_msg("route %s %s is open to check-in sessions but not to candidates", r->method,
               r->pattern);
    }
  }
  /* deny by default: only a handful of the table's rows */
  assert_true(open > 10);
  assert_true(open * 4 < routes_count);
}

static void matches_health_and_refuses_others(void **state) {
  (void)state;
  char scratch[256];
  const struct route *rt = NULL;
  const char *params[REQ_MAX_PARAMS];
  size_t n = 0;
  assert_int_equal(ROUTE_FOUND, routes_match("GET", "/healthz", scratch, &rt, params, &n));
  assert_string_equal("/healthz", rt->pattern);
  assert_int_equal(0, n);
  assert_int_equal(ROUTE_FOUND, routes_match("HEAD", "/healthz", scratch, &rt, params, &n));
  assert_int_equal(ROUTE_BAD_METHOD, routes_match("DELETE", "/healthz", scratch, &rt, params, &n));
  assert_int_equal(ROUTE_NOT_FOUND, routes_match("GET", "/healthzz", scratch, &rt, params, &n));
  assert_int_equal(ROUTE_NOT_FOUND, routes_match("GET", "/healthz/", scratch, &rt, params, &n));
  assert_int_equal(ROUTE_NOT_FOUND, routes_match("GET", "", scratch, &rt, params, &n));
}

/* Every route with ":param" segments captures exactly those segments from a sample path. */
static void params_are_captured(void **state) {
  (void)state;
  for (size_t i = 0; i < routes_count; i++) {
    const char *p = routes[i].pattern;
    char sample[256] = "";
    size_t expected = 0;
    size_t o = 0;
    for (size_t k = 0; p[k] && o < sizeof(sample) - 8; k++) {
      if (':' == p[k]) {
        o += (size_t)snprintf(sample + o, sizeof(sample) - o, "v%zu", expected++);
        while (p[k + 1] && '/' != p[k + 1]) {
          k++;
        }
      } else if ('*' == p[k]) {
        o += (size_t)snprintf(sample + o, sizeof(sample) - o, "v%zu/rest", expected++);
      } else {
        sample[o++] = p[k];
        sample[o] = '\0';
      }
    }
    char scratch[256];
    const struct route *rt = NULL;
    const char *params[REQ_MAX_PARAMS];
    size_t n = 0;
    if (ROUTE_FOUND != routes_match(routes[i].method, sample, scratch, &rt, params, &n)) {
      fail_msg("sample path %s for %s %s did not match", sample, routes[i].method, p);
    }
    if (n != expected) {
      fail_msg("%s: expected %zu params, got %zu", p, expected, n);
    }
    for (size_t k = 0; k < n; k++) {
      char want[32];
      snprintf(want, sizeof(want), "v%zu", k);
      if (0 != strncmp(params[k], want, strlen(want))) {
        fail_msg("%s: param %zu is '%s', expected '%s'", p, k, params[k], want);
      }
    }
  }
}

/* The table walk the indexed matcher replaced: every row in order, the whole pattern. Used
 * as the reference for which row a path and method reach. */
static int naive_matches(const char *pattern, const char *path) {
  const char *p = pattern;
  const char *s = path;
  while ('\0' != *p) {
    if ('/' != *p || '/' != *s) {
      return 0;
    }
    p++;
    s++;
    size_t plen = strcspn(p, "/");
    size_t slen = strcspn(s, "/");
    if (1 == plen && '*' == p[0]) {
      return '\0' != *s;
    }
    if (':' == p[0]) {
      if (0 == slen) {
        return 0;
      }
    } else if (plen != slen || 0 != strncmp(p, s, plen)) {
      return 0;
    }
    p += plen;
    s += slen;
  }
  return '\0' == *s;
}

static enum route_match naive_match(const char *method, const char *path, size_t *row) {
  enum route_match result = ROUTE_NOT_FOUND;
  const char *m = 0 == strcmp(method, "HEAD") ? "GET" : method;
  for (size_t i = 0; i < routes_count; i++) {
    if (!naive_matches(routes[i].pattern, path)) {
      continue;
    }
    if (0 != strcmp(routes[i].method, m)) {
      result = ROUTE_BAD_METHOD;
      continue;
    }
    *row = i;
    return ROUTE_FOUND;
  }
  return result;
}

/* Every row's sample path, and variants of it (a segment more or less, other first bytes,
 * a trailing slash), reach the same row or answer (404/405) as the plain table walk, for
 * every method. */
static void index_agrees_with_table_walk(void **state) {
  (void)state;
  static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE"};
  static const char *const extra[] = {"",   "/",  "/x", "x",   "/static",   "/api",
                                      "/V", "/v", "/.", "/%2", "/a/b/c/d/e"};
  for (size_t i = 0; i < routes_count; i++) {
    char base[200];
    size_t o = 0;
    for (const char *p = routes[i].pattern; *p && o < sizeof(base) - 8; p++) {
      if (':' == *p) {
        base[o++] = '7';
        while (p[1] && '/' != p[1]) {
          p++;
        }
      } else if ('*' == *p) {
        memcpy(base + o, "a.css", 5);
        o += 5;
      } else {
        base[o++] = *p;
      }
    }
    base[o] = '\0';
    for (size_t e = 0; e < sizeof(extra) / sizeof(extra[0]); e++) {
      char variants[3][256];
      snprintf(variants[0], sizeof(variants[0]), "%s%s", base, extra[e]);
      snprintf(variants[1], sizeof(variants[1]), "%s%s", extra[e], base);
      snprintf(variants[2], sizeof(variants[2]), "%.*s%s", (int)(o > 2 ? o - 2 : 0), base,
               extra[e]);
      for (size_t v = 0; v < 3; v++) {
        for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
          char scratch[256];
          const struct route *rt = NULL;
          const char *params[REQ_MAX_PARAMS];
          size_t n = 0;
          size_t want_row = 0;
          enum route_match want = naive_match(methods[k], variants[v], &want_row);
          enum route_match got = routes_match(methods[k], variants[v], scratch, &rt, params, &n);
          if (want != got) {
            fail_msg("%s %s: got %d, want %d", methods[k], variants[v], got, want);
          }
          if (ROUTE_FOUND == got && rt != &routes[want_row]) {
            fail_msg("%s %s: got row %s, want %s", methods[k], variants[v], rt->pattern,
                     routes[want_row].pattern);
          }
        }
      }
    }
  }
}

/* The matcher's index is built at start-up, as the daemon does. */
static int build_index(void **state) {
  (void)state;
  routes_init();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_row_is_well_formed),
      cmocka_unit_test(checkin_flags_are_consistent),
      cmocka_unit_test(matches_health_and_refuses_others),
      cmocka_unit_test(params_are_captured),
      cmocka_unit_test(index_agrees_with_table_walk),
  };
  return cmocka_run_group_tests(tests, build_index, NULL);
}
