/*
 * Delivery to the holder: the "Add to LinkedIn" URL (every value percent-encoded, dates as
 * year and month in the holder's zone, the exact parameter order LinkedIn documents), the
 * public credential URL, and the query writer both use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/share.h"
#include "http/handlers.h"
#include "http/pager.h"

static const struct share_linkedin sample = {
    .name = "Juru Masak & Chef: Muda/Junior 100%",
    .issuer = "LSP Ekonomi Kreatif \"Nusantara\"",
    .issued_s = 1798747200,  /* 2026-12-31 20:00 UTC = 2027-01-01 03:00 WIB */
    .expires_s = 1893430740, /* 2029-12-31 16:59 UTC = 2029-12-31 23:59 WIB */
    .zone = TIME_ZONE_WIB,
    .cert_url = "https://ujikom.contoh.id/c/AbC-d_e",
    .serial = "UJK-ABCD-EFGH-JKMN-PQRS-T",
};

static void linkedin_exact(void **state) {
  (void)state;
  char out[1024];
  assert_true(share_linkedin_url(out, sizeof out, &sample));
  assert_string_equal(out, "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
                           "&name=Juru%20Masak%20%26%20Chef%3A%20Muda%2FJunior%20100%25"
                           "&organizationName=LSP%20Ekonomi%20Kreatif%20%22Nusantara%22"
                           "&issueYear=2027&issueMonth=1&expirationYear=2029&expirationMonth=12"
                           "&certUrl=https%3A%2F%2Fujikom.contoh.id%2Fc%2FAbC-d_e"
                           "&certId=UJK-ABCD-EFGH-JKMN-PQRS-T");
}

static void linkedin_zone_moves_the_month(void **state) {
  (void)state;
  char out[1024];
  struct share_linkedin l = sample;
  l.zone = TIME_ZONE_WIT; /* 2029-12-31 16:59 UTC is 2030-01-01 01:59 WIT */
  assert_true(share_linkedin_url(out, sizeof out, &l));
  assert_non_null(
      strstr(out, "&issueYear=2027&issueMonth=1&expirationYear=2030&expirationMonth=1&"));
  l.issued_s = 1788220800; /* 2026-09-01 00:00 UTC: month 9 in every zone */
  assert_true(share_linkedin_url(out, sizeof out, &l));
  assert_non_null(strstr(out, "&issueYear=2026&issueMonth=9&"));
}

static void linkedin_too_small(void **state) {
  (void)state;
  char out[1024];
  assert_true(share_linkedin_url(out, sizeof out, &sample));
  size_t need = strlen(out) + 1;
  char small[1024];
  assert_false(share_linkedin_url(small, need - 1, &sample));
  assert_true(share_linkedin_url(small, need, &sample));
  assert_false(share_linkedin_url(small, 10, &sample));
}

static void public_url(void **state) {
  (void)state;
  char out[SHARE_URL_MAX];
  assert_true(share_url(out, "https://ujikom.contoh.id", "AbC-d_e"));
  assert_string_equal(out, "https://ujikom.contoh.id/c/AbC-d_e");
  char base[SHARE_URL_MAX];
  memset(base, 'a', sizeof base - 1);
  base[sizeof base - 1] = '\0';
  assert_false(share_url(out, base, "AbC-d_e"));
}

static void add_param(void **state) {
  (void)state;
  char out[64] = "/x";
  assert_true(pager_add_param(out, sizeof out, "a", "1 2"));
  assert_true(pager_add_param(out, sizeof out, "b", "é&"));
  assert_string_equal(out, "/x?a=1%202&b=%C3%A9%26");
  char tiny[8] = "/x";
  assert_false(pager_add_param(tiny, sizeof tiny, "name", "value"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(linkedin_exact),     cmocka_unit_test(linkedin_zone_moves_the_month),
      cmocka_unit_test(linkedin_too_small), cmocka_unit_test(public_url),
      cmocka_unit_test(add_param),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
