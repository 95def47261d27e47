/*
 * The staff second factor's pure parts: the sealed secret (round trip, bound to its account
 * and key, tamper-evident), the recovery-code keyed hash, the --staff-2fa modes and who has
 * a factor; and the key file (created 0600, read back the same, exposed or short files and
 * symbolic links refused).
 */
#include <fcntl.h>
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

#include "common/second_factor.h"
#include "test_tmpdir.h"

static const uint8_t material_a[SECOND_FACTOR_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint8_t material_b[SECOND_FACTOR_KEY_LEN] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
static const uint8_t secret[TOTP_SECRET_LEN] = {0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
                                                0x38, 0x39, 0x30, 0x31, 0x32, 0x33, 0x34,
                                                0x35, 0x36, 0x37, 0x38, 0x39, 0x30};

static void test_seal_round_trip(void **state) {
  (void)state;
  struct second_factor_key *k = second_factor_key_from(material_a);
  char sealed[SECOND_FACTOR_SEALED_SIZE];
  char again[SECOND_FACTOR_SEALED_SIZE];
  uint8_t out[TOTP_SECRET_LEN];
  assert_non_null(k);
  assert_int_equal(0, second_factor_seal(sealed, k, 42, secret));
  assert_int_equal(0, strncmp(sealed, "v1.", 3));
  assert_null(strstr(sealed, "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA")); /* not the secret in base64 */
  assert_int_equal(0, second_factor_unseal(out, k, 42, sealed));
  assert_memory_equal(secret, out, sizeof out);
  /* a fresh nonce each time: the same secret never seals to the same text */
  assert_int_equal(0, second_factor_seal(again, k, 42, secret));
  assert_string_not_equal(sealed, again);
  second_factor_key_free(k);
}

static void test_seal_is_bound(void **state) {
  (void)state;
  struct second_factor_key *k = second_factor_key_from(material_a);
  struct second_factor_key *other = second_factor_key_from(material_b);
  char sealed[SECOND_FACTOR_SEALED_SIZE];
  uint8_t out[TOTP_SECRET_LEN];
  assert_int_equal(0, second_factor_seal(sealed, k, 42, secret));
  /* another account's row, another key, an altered character, a cut text, junk */
  assert_int_equal(-1, second_factor_unseal(out, k, 43, sealed));
  assert_int_equal(-1, second_factor_unseal(out, other, 42, sealed));
  for (size_t i = 3; i < strlen(sealed); i++) {
    char altered[SECOND_FACTOR_SEALED_SIZE];
    memcpy(altered, sealed, sizeof altered);
    altered[i] = 'A' == altered[i] ? 'B' : 'A';
    assert_int_equal(-1, second_factor_unseal(out, k, 42, altered));
  }
  sealed[strlen(sealed) - 4] = '\0';
  assert_int_equal(-1, second_factor_unseal(out, k, 42, sealed));
  assert_int_equal(-1, second_factor_unseal(out, k, 42, "v2.AAAA"));
  assert_int_equal(-1, second_factor_unseal(out, k, 42, ""));
  assert_int_equal(-1, second_factor_unseal(out, NULL, 42, "v1.AAAA"));
  second_factor_key_free(k);
  second_factor_key_free(other);
}

static void test_recovery_hash(void **state) {
  (void)state;
  struct second_factor_key *k = second_factor_key_from(material_a);
  struct second_factor_key *other = second_factor_key_from(material_b);
  char h1[SECOND_FACTOR_HASH_SIZE], h2[SECOND_FACTOR_HASH_SIZE];
  assert_int_equal(0, second_factor_recovery_hash(h1, k, 7, "ABCDE12345"));
  assert_int_equal(64, strlen(h1));
  assert_int_equal(0, second_factor_recovery_hash(h2, k, 7, "ABCDE12345"));
  assert_string_equal(h1, h2); /* deterministic: the stored hash is found again */
  assert_int_equal(0, second_factor_recovery_hash(h2, k, 8, "ABCDE12345"));
  assert_string_not_equal(h1, h2); /* bound to the account */
  assert_int_equal(0, second_factor_recovery_hash(h2, other, 7, "ABCDE12345"));
  assert_string_not_equal(h1, h2); /* keyed */
  assert_int_equal(0, second_factor_recovery_hash(h2, k, 7, "ABCDE12346"));
  assert_string_not_equal(h1, h2);
  second_factor_key_free(k);
  second_factor_key_free(other);
}

static void test_modes_and_roles(void **state) {
  (void)state;
  struct config cfg;
  memset(&cfg, 0, sizeof cfg);
  assert_true(second_factor_mode_valid("optional"));
  assert_true(second_factor_mode_valid("required"));
  assert_false(second_factor_mode_valid("Required"));
  assert_false(second_factor_mode_valid(""));
  snprintf(cfg.staff_2fa, sizeof cfg.staff_2fa, "optional");
  assert_false(second_factor_enforced(&cfg));
  snprintf(cfg.staff_2fa, sizeof cfg.staff_2fa, "required");
  assert_true(second_factor_enforced(&cfg));
  assert_true(second_factor_applies(ROLE_ADMIN));
  assert_true(second_factor_applies(ROLE_ASSESSOR));
  assert_false(second_factor_applies(ROLE_CANDIDATE));
  assert_false(second_factor_applies(ROLE_ANON));
}

static void test_key_file(void **state) {
  (void)state;
  char dir[128], path[256], link_dir[160], err[512];
  struct second_factor_key *k = NULL;
  struct second_factor_key *again = NULL;
  char sealed[SECOND_FACTOR_SEALED_SIZE];
  uint8_t out[TOTP_SECRET_LEN];
  struct stat st;
  assert_int_equal(0, test_tmpdir_make(dir, sizeof dir, "2fa"));
  snprintf(path, sizeof path, "%s/%s", dir, SECOND_FACTOR_KEY_FILE);
  /* without create, a missing file is an error */
  assert_int_equal(-1, second_factor_key_open(&k, dir, false, err, sizeof err));
  assert_null(k);
  assert_int_equal(0, second_factor_key_open(&k, dir, true, err, sizeof err));
  assert_int_equal(0, stat(path, &st));
  assert_int_equal(0600, st.st_mode & 0777);
  assert_int_equal(SECOND_FACTOR_KEY_LEN, st.st_size);
  /* read back: the same keys (what one sealed, the other opens) */
  assert_int_equal(0, second_factor_key_open(&again, dir, true, err, sizeof err));
  assert_int_equal(0, second_factor_seal(sealed, k, 1, secret));
  assert_int_equal(0, second_factor_unseal(out, again, 1, sealed));
  second_factor_key_free(again);
  again = NULL;
  /* readable by others: refused */
  assert_int_equal(0, chmod(path, 0644));
  assert_int_equal(-1, second_factor_key_open(&again, dir, true, err, sizeof err));
  assert_non_null(strstr(err, "0600"));
  assert_int_equal(0, chmod(path, 0600));
  /* a symbolic link: refused, not followed */
  snprintf(link_dir, sizeof link_dir, "%s/linked", dir);
  assert_int_equal(0, mkdir(link_dir, 0700));
  snprintf(err, sizeof err, "%s/%s", link_dir, SECOND_FACTOR_KEY_FILE);
  assert_int_equal(0, symlink(path, err));
  assert_int_equal(-1, second_factor_key_open(&again, link_dir, true, err, sizeof err));
  /* a short file: refused */
  assert_int_equal(0, truncate(path, 16));
  assert_int_equal(-1, second_factor_key_open(&again, dir, true, err, sizeof err));
  assert_null(again);
  second_factor_key_free(k);
  test_tmpdir_remove(dir);
}

static const struct CMUnitTest second_factor_tests[] = {
    cmocka_unit_test(test_seal_round_trip), cmocka_unit_test(test_seal_is_bound),
    cmocka_unit_test(test_recovery_hash),   cmocka_unit_test(test_modes_and_roles),
    cmocka_unit_test(test_key_file),
};

int main(void) {
  return cmocka_run_group_tests_name("second factor", second_factor_tests, NULL, NULL);
}
