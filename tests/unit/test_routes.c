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
    if ('/' != r->pattern[0])
      fail_msg("route %zu pattern '%s' must start with '/'", i, r->pattern);
    if (0 == r->roles)
      fail_msg("route %s %s allows no role", r->method, r->pattern);
    if (NULL == r->handler)
      fail_msg("route %s %s has no handler", r->method, r->pattern);
    const char *methods[] = {"GET", "POST", "PUT", "DELETE"};
    int known = 0;
    for (size_t m = 0; m < 4; m++)
      known |= 0 == strcmp(methods[m], r->method);
    if (!known)
      fail_msg("route %s %s: unknown method", r->method, r->pattern);
    for (size_t j = 0; j < i; j++)
      if (0 == strcmp(routes[j].method, r->method) && 0 == strcmp(routes[j].pattern, r->pattern))
        fail_msg("route %s %s appears twice", r->method, r->pattern);
  }
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
        while (p[k + 1] && '/' != p[k + 1])
          k++;
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
    if (ROUTE_FOUND != routes_match(routes[i].method, sample, scratch, &rt, params, &n))
      fail_msg("sample path %s for %s %s did not match", sample, routes[i].method, p);
    if (n != expected)
      fail_msg("%s: expected %zu params, got %zu", p, expected, n);
    for (size_t k = 0; k < n; k++) {
      char want[32];
      snprintf(want, sizeof(want), "v%zu", k);
      if (0 != strncmp(params[k], want, strlen(want)))
        fail_msg("%s: param %zu is '%s', expected '%s'", p, k, params[k], want);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_row_is_well_formed),
      cmocka_unit_test(matches_health_and_refuses_others),
      cmocka_unit_test(params_are_captured),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
