/*
 * Password hashing and policy: round trips, a published scrypt test vector, hostile hash
 * strings, rehash detection, the policy's refusals, and the cost of one default hash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ujikom/password.h"

static void test_round_trip(void **state) {
  char *a = NULL;
  char *b = NULL;
  (void)state;

  assert_int_equal(PASSWORD_OK, password_hash(&a, "Kain tenun tujuh warna", 10));
  assert_non_null(a);
  assert_true(0 == strncmp(a, "$scrypt$ln=10,r=8,p=1$", 22));
  assert_int_equal(PASSWORD_OK, password_verify(a, "Kain tenun tujuh warna"));
  assert_int_equal(PASSWORD_MISMATCH, password_verify(a, "Kain tenun tujuh warnA"));
  assert_int_equal(PASSWORD_MISMATCH, password_verify(a, ""));
  /* A fresh salt each time: equal passwords give different hashes. */
  assert_int_equal(PASSWORD_OK, password_hash(&b, "Kain tenun tujuh warna", 10));
  assert_string_not_equal(a, b);
  assert_int_equal(PASSWORD_OK, password_verify(b, "Kain tenun tujuh warna"));
  password_free(a);
  password_free(b);
}

/* RFC 7914 section 12, third vector (N = 16384, r = 8, p = 1, 64-byte key), encoded in our
 * format: proves that we call scrypt with the parameters we write down. */
static void test_rfc7914_vector(void **state) {
  static const char encoded[] =
      "$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQ"
      "ylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhw";
  (void)state;
  assert_int_equal(PASSWORD_OK, password_verify(encoded, "pleaseletmein"));
  assert_int_equal(PASSWORD_MISMATCH, password_verify(encoded, "pleaseletmeim"));
  /* Its salt and key length differ from our policy, so it is due for an upgrade. */
  assert_true(password_needs_rehash(encoded, 14));
}

static void test_malformed_hashes(void **state) {
  static const char *const bad[] = {
      "",
      "$scrypt$",
      "$scrypt$ln=10,r=8,p=1$",
      "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHQ",
      "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHQ$",
      "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=010,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=+10,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln= 10,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=-1,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=9,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=21,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=99999999999999999999,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=10,r=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=10,r=8,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=20,r=32,p=16$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", /* > 1 GiB of memory */
      "$scrypt$ln=10,r=8,p=1$c2FsdHNh*GFzaA$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA",
      "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHR$aGFzaGhhc2hoYXNoaGFzaA", /* non-zero trailing bits */
      "$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",      /* salt too short */
      "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHQ$aGFzaA",                 /* hash too short */
      "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA$extra",
      "$scrypt$ln=10,r=8,p=1,x=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
  };
  (void)state;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (PASSWORD_MALFORMED != password_verify(bad[i], "whatever password")) {
      fail_msg("hash string %zu (%s) was not refused as malformed", i, bad[i]);
    }
    assert_true(password_needs_rehash(bad[i], 10));
    assert_int_equal(-1, password_cost_log2n(bad[i]));
  }
  assert_int_equal(PASSWORD_MALFORMED, password_verify(NULL, "whatever password"));
}

static void test_limits(void **state) {
  char *h = NULL;
  char *long_pw = malloc(PASSWORD_MAX_LEN + 2);
  (void)state;

  assert_non_null(long_pw);
  memset(long_pw, 'x', PASSWORD_MAX_LEN + 1);
  long_pw[PASSWORD_MAX_LEN + 1] = '\0';
  assert_int_equal(PASSWORD_MALFORMED, password_hash(&h, long_pw, 10));
  assert_null(h);
  assert_int_equal(PASSWORD_TOO_LONG, password_check_strength(long_pw, NULL, NULL));
  long_pw[PASSWORD_MAX_LEN] = '\0'; /* exactly the maximum is fine */
  assert_int_equal(PASSWORD_OK, password_hash(&h, long_pw, 10));
  assert_int_equal(PASSWORD_OK, password_verify(h, long_pw));
  password_free(h);
  h = NULL;
  assert_int_equal(PASSWORD_MALFORMED, password_hash(&h, "Kain tenun tujuh warna", 9));
  assert_int_equal(PASSWORD_MALFORMED, password_hash(&h, "Kain tenun tujuh warna", 21));
  assert_int_equal(PASSWORD_MALFORMED, password_hash(&h, NULL, 10));
  assert_null(h);
  free(long_pw);
}

static void test_needs_rehash(void **state) {
  char *h = NULL;
  (void)state;
  assert_int_equal(PASSWORD_OK, password_hash(&h, "Kain tenun tujuh warna", 11));
  assert_false(password_needs_rehash(h, 11));
  assert_true(password_needs_rehash(h, 12));
  assert_true(password_needs_rehash(h, 10));
  assert_true(password_needs_rehash(NULL, 11));
  assert_int_equal(11, password_cost_log2n(h));
  assert_int_equal(-1, password_cost_log2n(NULL));
  password_free(h);
}

static void test_policy(void **state) {
  struct {
    const char *pw;
    const char *email;
    const char *name;
    enum password_strength want;
  } cases[] = {
      {"", NULL, NULL, PASSWORD_TOO_SHORT},
      {"pendek123", NULL, NULL, PASSWORD_TOO_SHORT},
      {"bismillah123", NULL, NULL, PASSWORD_COMMON},
      {"Bismillah2024!", NULL, NULL, PASSWORD_COMMON},
      {"INDONESIA1945", NULL, NULL, PASSWORD_COMMON},
      {"sayangsayang", NULL, NULL, PASSWORD_COMMON},
      {"rahasia12345", NULL, NULL, PASSWORD_COMMON},
      {"password123", NULL, NULL, PASSWORD_COMMON},
      {"P@ssw0rd2024", NULL, NULL, PASSWORD_COMMON},
      {"1234567890", NULL, NULL, PASSWORD_TRIVIAL},
      {"aaaaaaaaaaaaaa", NULL, NULL, PASSWORD_TRIVIAL},
      {"abcabcabcabc", NULL, NULL, PASSWORD_TRIVIAL},
      {"QWERTYUIOP", NULL, NULL, PASSWORD_TRIVIAL},
      {"Wulandari#Kopi88", "wulandari@example.id", NULL, PASSWORD_PERSONAL},
      {"kopi-Wulandari-88", NULL, "Sri Wulandari", PASSWORD_PERSONAL},
      {"Kain tenun tujuh warna", "wulandari@example.id", "Sri Wulandari", PASSWORD_STRONG},
      {"Batik-Parang-Rusak-17", NULL, NULL, PASSWORD_STRONG},
  };
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    enum password_strength got =
        password_check_strength(cases[i].pw, cases[i].email, cases[i].name);
    if (got != cases[i].want) {
      fail_msg("password \"%s\": policy says %d (%s), expected %d", cases[i].pw, (int)got,
               password_strength_message(got), (int)cases[i].want);
    }
  }
  assert_int_equal(PASSWORD_TOO_SHORT, password_check_strength(NULL, NULL, NULL));
}

static void test_common_list(void **state) {
  static const char *const must[] = {"indonesia", "bismillah", "sayang",  "rahasia",
                                     "123456",    "password",  "qwerty",  "iloveyou",
                                     "persib",    "jakarta",   "merdeka", "cintaku"};
  (void)state;
  assert_true(password_common_count() >= 1000);
  for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
    if (!password_is_common(must[i])) {
      fail_msg("\"%s\" is missing from the common-password list", must[i]);
    }
  }
  assert_true(password_is_common("Indonesia"));
  assert_false(password_is_common("Batik-Parang-Rusak-17"));
  assert_false(password_is_common(NULL));
}

/* The cost of one hash at the shipped default; the figure goes into docs/security.md. The
 * bounds are wide because the test machine may be busy; the point is the order of
 * magnitude (too cheap = brute-forceable, too dear = login denial of service). */
static void test_default_cost(void **state) {
  struct timespec a;
  struct timespec b;
  double best = 1e12;
  (void)state;
  for (int i = 0; i < 3; i++) {
    char *h = NULL;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(PASSWORD_OK,
                     password_hash(&h, "Kain tenun tujuh warna", PASSWORD_LOG2N_DEFAULT));
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    if (ms < best) {
      best = ms;
    }
    password_free(h);
  }
  printf("# scrypt ln=%d r=8 p=1: best of 3 = %.1f ms per hash\n", PASSWORD_LOG2N_DEFAULT, best);
  assert_true(best > 20.0);
  assert_true(best < 2000.0);
}

/* An unusable hash parses as a current one and matches no password, not even an empty one. */
static void test_unusable(void **state) {
  (void)state;
  char *a = NULL, *b = NULL;
  assert_int_equal(PASSWORD_OK, password_unusable(&a, PASSWORD_LOG2N_MIN));
  assert_int_equal(PASSWORD_OK, password_unusable(&b, PASSWORD_LOG2N_MIN));
  assert_string_not_equal(a, b);
  assert_false(password_needs_rehash(a, PASSWORD_LOG2N_MIN));
  assert_int_equal(PASSWORD_MISMATCH, password_verify(a, "Kopi-Tubruk-2026!"));
  assert_int_equal(PASSWORD_MISMATCH, password_verify(a, ""));
  password_free(a);
  password_free(b);
  assert_int_equal(PASSWORD_MALFORMED, password_unusable(&a, PASSWORD_LOG2N_MAX + 1));
  assert_null(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_rfc7914_vector),
      cmocka_unit_test(test_malformed_hashes), cmocka_unit_test(test_limits),
      cmocka_unit_test(test_needs_rehash),     cmocka_unit_test(test_policy),
      cmocka_unit_test(test_unusable),         cmocka_unit_test(test_common_list),
      cmocka_unit_test(test_default_cost),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
