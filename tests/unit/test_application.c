/*
 * The NIK's sealing at rest: a round trip, and every way a sealed NIK must fail to open
 * (another key, another account, any changed character, not a sealed NIK at all).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/application.h"
#include "test_tmpdir.h"

static const uint8_t material_a[APPLICATION_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint8_t material_b[APPLICATION_KEY_LEN] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
static const char nik[] = "3171014508900003";

static void test_round_trip_and_tamper(void **state) {
  (void)state;
  struct application_key *k = application_key_from(material_a);
  struct application_key *other = application_key_from(material_b);
  assert_non_null(k);
  assert_non_null(other);
  char sealed[APPLICATION_SEALED_SIZE], again[APPLICATION_SEALED_SIZE];
  char out[APPLICANT_NIK_LEN + 1];
  assert_int_equal(0, application_nik_seal(sealed, k, 42, nik));
  assert_null(strstr(sealed, nik));
  assert_int_equal(0, strncmp(sealed, "v1.", 3));
  assert_int_equal(0, application_nik_open(out, k, 42, sealed));
  assert_string_equal(out, nik);
  /* a fresh nonce each time: the same NIK never seals to the same text */
  assert_int_equal(0, application_nik_seal(again, k, 42, nik));
  assert_string_not_equal(sealed, again);
  /* another key, another account */
  assert_int_equal(-1, application_nik_open(out, other, 42, sealed));
  assert_string_equal(out, "");
  assert_int_equal(-1, application_nik_open(out, k, 43, sealed));
  /* every single changed character of the sealed text is refused */
  size_t len = strlen(sealed);
  for (size_t i = 0; i < len; i++) {
    char t[APPLICATION_SEALED_SIZE];
    memcpy(t, sealed, len + 1);
    t[i] = 'A' == t[i] ? 'B' : 'A';
    if (0 == application_nik_open(out, k, 42, t)) {
      fail_msg("a change at %zu still opened", i);
    }
  }
  /* cut short, too long, not sealed at all */
  char cut[APPLICATION_SEALED_SIZE];
  memcpy(cut, sealed, len - 1);
  cut[len - 1] = '\0';
  assert_int_equal(-1, application_nik_open(out, k, 42, cut));
  assert_int_equal(-1, application_nik_open(out, k, 42, "v1."));
  assert_int_equal(-1, application_nik_open(out, k, 42, nik));
  assert_int_equal(-1, application_nik_open(out, k, 42, NULL));
  assert_int_equal(-1, application_nik_open(out, NULL, 42, sealed));
  /* only a NIK of 16 characters is sealed */
  assert_int_equal(-1, application_nik_seal(again, k, 42, "123"));
  assert_int_equal(-1, application_nik_seal(again, NULL, 42, nik));
  application_key_free(k);
  application_key_free(other);
}

/* The key file: created once, 0600, the same key on the next open; refused when others may
 * read it. */
static void test_key_file(void **state) {
  (void)state;
  char dir[256], path[300], err[200];
  assert_int_equal(0, test_tmpdir_make(dir, sizeof dir, "apl-key"));
  struct application_key *k = NULL, *k2 = NULL;
  assert_int_equal(-1, application_key_open(&k, dir, false, err, sizeof err));
  assert_int_equal(0, application_key_open(&k, dir, true, err, sizeof err));
  snprintf(path, sizeof path, "%s/%s", dir, APPLICATION_KEY_FILE);
  struct stat st;
  assert_int_equal(0, stat(path, &st));
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(0, application_key_open(&k2, dir, false, err, sizeof err));
  char sealed[APPLICATION_SEALED_SIZE], out[APPLICANT_NIK_LEN + 1];
  assert_int_equal(0, application_nik_seal(sealed, k, 7, nik));
  assert_int_equal(0, application_nik_open(out, k2, 7, sealed));
  assert_string_equal(out, nik);
  application_key_free(k2);
  k2 = NULL;
  assert_int_equal(0, chmod(path, 0644));
  assert_int_equal(-1, application_key_open(&k2, dir, false, err, sizeof err));
  assert_null(k2);
  application_key_free(k);
  assert_int_equal(0, test_tmpdir_remove_tree(dir));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_and_tamper),
      cmocka_unit_test(test_key_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
