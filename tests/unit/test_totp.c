/*
 * The second-factor building blocks: HOTP against RFC 4226 Appendix D, TOTP against the
 * SHA-1 rows of RFC 6238 Appendix B, base32 against RFC 4648 section 10 and its strict
 * decoding, the verification window's edges, the replay guard, the otpauth URI and the
 * recovery codes' format and normalisation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ujikom/totp.h"

/* The 20-byte ASCII secret both RFCs use for their SHA-1 vectors. */
static const uint8_t rfc_key[] = "12345678901234567890";
#define RFC_KEY_LEN 20

/* RFC 4226 Appendix D: HOTP values for counters 0..9. */
static const uint32_t hotp_vectors[10] = {755224, 287082, 359152, 969429, 338314,
                                          254676, 287922, 162583, 399871, 520489};

static void test_hotp_rfc4226(void **state) {
  (void)state;
  for (uint64_t c = 0; c < 10; c++) {
    uint32_t got = 0;
    assert_int_equal(TOTP_OK, totp_hotp(&got, rfc_key, RFC_KEY_LEN, c, 6));
    if (hotp_vectors[c] != got) {
      fail_msg("HOTP counter %u: got %06u, want %06u", (unsigned)c, got, hotp_vectors[c]);
    }
  }
}

static void test_totp_rfc6238_sha1(void **state) {
  (void)state;
  static const struct {
    int64_t t;
    uint64_t step;
    uint32_t code;
  } rows[] = {
      {59, 0x1, 94287082},
      {1111111109, 0x23523EC, 7081804},
      {1111111111, 0x23523ED, 14050471},
      {1234567890, 0x273EF07, 89005924},
      {2000000000, 0x3F940AA, 69279037},
      {20000000000, 0x27BC86AA, 65353130},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    uint64_t step = 0;
    uint32_t got = 0;
    assert_true(totp_step_at(&step, rows[i].t));
    if (rows[i].step != step) {
      fail_msg("t=%lld: step %llx, want %llx", (long long)rows[i].t, (unsigned long long)step,
               (unsigned long long)rows[i].step);
    }
    assert_int_equal(TOTP_OK, totp_hotp(&got, rfc_key, RFC_KEY_LEN, step, 8));
    if (rows[i].code != got) {
      fail_msg("t=%lld: got %08u, want %08u", (long long)rows[i].t, got, rows[i].code);
    }
    /* The six-digit code the service uses is the same value modulo 10^6. */
    char code[16];
    snprintf(code, sizeof code, "%06u", rows[i].code % 1000000u);
    uint64_t matched = 0;
    assert_int_equal(TOTP_OK, totp_verify(&matched, rfc_key, code, rows[i].t, 0));
    assert_true(rows[i].step == matched);
  }
}

static void test_hotp_refuses_bad_arguments(void **state) {
  (void)state;
  uint32_t got = 0;
  assert_int_equal(TOTP_MALFORMED, totp_hotp(&got, rfc_key, TOTP_KEY_MIN - 1, 0, 6));
  assert_int_equal(TOTP_MALFORMED, totp_hotp(&got, rfc_key, TOTP_KEY_MAX + 1, 0, 6));
  assert_int_equal(TOTP_MALFORMED, totp_hotp(&got, rfc_key, RFC_KEY_LEN, 0, 5));
  assert_int_equal(TOTP_MALFORMED, totp_hotp(&got, rfc_key, RFC_KEY_LEN, 0, 9));
  assert_int_equal(TOTP_MALFORMED, totp_hotp(NULL, rfc_key, RFC_KEY_LEN, 0, 6));
  assert_int_equal(TOTP_MALFORMED, totp_hotp(&got, NULL, RFC_KEY_LEN, 0, 6));
  uint64_t step = 7;
  assert_false(totp_step_at(&step, -1));
  assert_true(7 == step);
}

static enum totp_status verify_at(uint64_t *step, uint64_t counter, int64_t now, uint64_t last) {
  char code[8];
  snprintf(code, sizeof code, "%06u", hotp_vectors[counter]);
  return totp_verify(step, rfc_key, code, now, last);
}

static void test_window_edges(void **state) {
  (void)state;
  uint64_t step = 0;
  /* now = 150 is the first second of step 5: steps 4, 5 and 6 are accepted. */
  for (int64_t now = 150; now <= 179; now += 29) {
    assert_int_equal(TOTP_MISMATCH, verify_at(&step, 3, now, 0));
    assert_int_equal(TOTP_OK, verify_at(&step, 4, now, 0));
    assert_true(4 == step);
    assert_int_equal(TOTP_OK, verify_at(&step, 5, now, 0));
    assert_true(5 == step);
    assert_int_equal(TOTP_OK, verify_at(&step, 6, now, 0));
    assert_true(6 == step);
    assert_int_equal(TOTP_MISMATCH, verify_at(&step, 7, now, 0));
  }
  /* One second earlier is step 4: 3 is now inside, 6 outside. */
  assert_int_equal(TOTP_OK, verify_at(&step, 3, 149, 0));
  assert_true(3 == step);
  assert_int_equal(TOTP_MISMATCH, verify_at(&step, 6, 149, 0));
}

static void test_replay_refused(void **state) {
  (void)state;
  uint64_t step = 0;
  int64_t now = 165; /* step 5 */
  assert_int_equal(TOTP_OK, verify_at(&step, 5, now, 0));
  uint64_t last = step;
  /* The same code again, and the older code still inside the window: replays. */
  step = 99;
  assert_int_equal(TOTP_REPLAY, verify_at(&step, 5, now, last));
  assert_int_equal(TOTP_REPLAY, verify_at(&step, 4, now, last));
  assert_true(99 == step);
  /* The next step's code is fresh once; then it is the replay guard's new mark. */
  assert_int_equal(TOTP_OK, verify_at(&step, 6, now, last));
  assert_true(6 == step);
  last = step;
  assert_int_equal(TOTP_REPLAY, verify_at(&step, 6, now, last));
  assert_int_equal(TOTP_REPLAY, verify_at(&step, 5, now + 30, last));
  /* A wrong code stays a mismatch whatever the guard says. */
  assert_int_equal(TOTP_MISMATCH, totp_verify(&step, rfc_key, "000000", now, last));
}

static void test_code_syntax(void **state) {
  (void)state;
  uint64_t step = 0;
  int64_t now = 165;
  assert_int_equal(TOTP_OK, totp_verify(&step, rfc_key, " 254 676 ", now, 0));
  static const char *const bad[] = {
      "",         "25467",        "2546760", "25467a", "+54676", "254-676",
      "254676\n", "２５４６７６", "0x1234",  "-54676", "254 67", "\t254676",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (TOTP_MALFORMED != totp_verify(&step, rfc_key, bad[i], now, 0)) {
      fail_msg("code \"%s\" was not refused as malformed", bad[i]);
    }
  }
  char longcode[TOTP_INPUT_MAX + 8];
  memset(longcode, ' ', sizeof longcode - 1);
  memcpy(longcode + sizeof longcode - 7, "254676", 7);
  assert_int_equal(TOTP_MALFORMED, totp_verify(&step, rfc_key, longcode, now, 0));
  assert_int_equal(TOTP_MALFORMED, totp_verify(&step, rfc_key, "254676", -1, 0));
  assert_int_equal(TOTP_MALFORMED, totp_verify(&step, rfc_key, "755224", 29, 0));
  /* last_step 0 means "never used", so step 0 itself (1970) is never fresh. */
  assert_int_equal(TOTP_REPLAY, totp_verify(&step, rfc_key, "755224", 30, 0));
  assert_int_equal(TOTP_OK, totp_verify(&step, rfc_key, "287082", 30, 0));
  assert_true(1 == step);
  assert_int_equal(TOTP_MALFORMED, totp_verify(&step, rfc_key, NULL, now, 0));
  assert_int_equal(TOTP_MALFORMED, totp_verify(&step, NULL, "254676", now, 0));
  assert_int_equal(TOTP_MALFORMED, totp_verify(NULL, rfc_key, "254676", now, 0));
}

static void test_base32_rfc4648(void **state) {
  (void)state;
  static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *const padded[] = {
      "", "MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======"};
  for (size_t i = 0; i < 7; i++) {
    char enc[32];
    size_t plen = strlen(padded[i]), unpadded = plen;
    while (unpadded > 0 && '=' == padded[i][unpadded - 1]) {
      unpadded--;
    }
    assert_int_equal(
        unpadded, totp_base32_encode(enc, sizeof enc, (const uint8_t *)plain[i], strlen(plain[i])));
    assert_int_equal(0, strncmp(enc, padded[i], unpadded));
    assert_int_equal('\0', enc[unpadded]);
    uint8_t dec[16];
    size_t dlen = 99;
    /* Padded and unpadded both decode to the same bytes. */
    assert_int_equal(TOTP_OK, totp_base32_decode(dec, sizeof dec, &dlen, padded[i], plen));
    assert_int_equal(strlen(plain[i]), dlen);
    assert_memory_equal(plain[i], dec, dlen);
    assert_int_equal(TOTP_OK, totp_base32_decode(dec, sizeof dec, &dlen, enc, unpadded));
    assert_int_equal(strlen(plain[i]), dlen);
    assert_memory_equal(plain[i], dec, dlen);
  }
  char b32[TOTP_SECRET_B32_LEN + 1];
  assert_int_equal(TOTP_SECRET_B32_LEN, totp_base32_encode(b32, sizeof b32, rfc_key, RFC_KEY_LEN));
  assert_string_equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", b32);
  /* Too small an output buffer (no room for the NUL) writes nothing. */
  assert_int_equal(0, totp_base32_encode(b32, TOTP_SECRET_B32_LEN, rfc_key, RFC_KEY_LEN));
  assert_string_equal("", b32);
}

static void test_base32_strict(void **state) {
  (void)state;
  static const char *const bad[] = {
      "my======",         /* lower case */
      "M",                /* 1 character cannot carry a byte */
      "MZX",              /* neither can 3 */
      "MZXW6Y",           /* nor 6 */
      "MZ",               /* non-zero bits after the last byte */
      "MY=====",          /* too little padding */
      "MY=======",        /* too much */
      "MZXW6YTB========", /* padding after a full group */
      "MY==MY==",         /* padding inside */
      "MZXW 6YTB",        /* separators */
      "MZXW6YT1",         /* 1 is not in the alphabet */
      "MZXW6YT8",         /* nor 8 */
      "=",
      "========",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uint8_t dec[16];
    size_t dlen = 99;
    if (TOTP_MALFORMED != totp_base32_decode(dec, sizeof dec, &dlen, bad[i], strlen(bad[i]))) {
      fail_msg("base32 \"%s\" was accepted", bad[i]);
    }
    assert_int_equal(0, dlen);
  }
  uint8_t small[5];
  size_t dlen = 0;
  assert_int_equal(TOTP_OK, totp_base32_decode(small, sizeof small, &dlen, "MZXW6YTB", 8));
  assert_int_equal(TOTP_MALFORMED, totp_base32_decode(small, 4, &dlen, "MZXW6YTB", 8));
  /* An embedded NUL is outside the alphabet. */
  assert_int_equal(TOTP_MALFORMED, totp_base32_decode(small, sizeof small, &dlen, "MZ\0W6YTB", 8));
}

static void test_secret_round_trip(void **state) {
  (void)state;
  uint8_t a[TOTP_SECRET_LEN], b[TOTP_SECRET_LEN], back[TOTP_SECRET_LEN];
  assert_int_equal(TOTP_OK, totp_secret_generate(a));
  assert_int_equal(TOTP_OK, totp_secret_generate(b));
  assert_false(totp_equal(a, b, sizeof a));
  char b32[TOTP_SECRET_B32_LEN + 1];
  assert_int_equal(TOTP_SECRET_B32_LEN, totp_base32_encode(b32, sizeof b32, a, sizeof a));
  size_t n = 0;
  assert_int_equal(TOTP_OK, totp_base32_decode(back, sizeof back, &n, b32, strlen(b32)));
  assert_int_equal(TOTP_SECRET_LEN, n);
  assert_true(totp_equal(a, back, sizeof a));
}

static void test_uri(void **state) {
  (void)state;
  char *uri = totp_uri("Ujikom LSP", "asesor+1@example.id", rfc_key, RFC_KEY_LEN);
  assert_non_null(uri);
  assert_string_equal("otpauth://totp/Ujikom%20LSP:asesor%2B1%40example.id"
                      "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Ujikom%20LSP"
                      "&algorithm=SHA1&digits=6&period=30",
                      uri);
  totp_uri_free(uri);
  /* Non-ASCII and reserved characters are percent-encoded byte by byte. */
  uri = totp_uri("LSP Ñ&?", "a/b#c", rfc_key, RFC_KEY_LEN);
  assert_non_null(uri);
  assert_string_equal("otpauth://totp/LSP%20%C3%91%26%3F:a%2Fb%23c"
                      "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=LSP%20%C3%91%26%3F"
                      "&algorithm=SHA1&digits=6&period=30",
                      uri);
  totp_uri_free(uri);
  char big[300];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  assert_null(totp_uri("Ujikom:LSP", "a@b.id", rfc_key, RFC_KEY_LEN));
  assert_null(totp_uri("Ujikom", "a:b", rfc_key, RFC_KEY_LEN));
  assert_null(totp_uri("", "a@b.id", rfc_key, RFC_KEY_LEN));
  assert_null(totp_uri("Ujikom", "", rfc_key, RFC_KEY_LEN));
  assert_null(totp_uri("Uji\nkom", "a@b.id", rfc_key, RFC_KEY_LEN));
  assert_null(totp_uri("Ujikom", "a\x7f", rfc_key, RFC_KEY_LEN));
  assert_null(totp_uri(NULL, "a@b.id", rfc_key, RFC_KEY_LEN));
  assert_null(totp_uri("Ujikom", big, rfc_key, RFC_KEY_LEN));
  assert_null(totp_uri("Ujikom", "a@b.id", rfc_key, RFC_KEY_LEN - 1));
  assert_null(totp_uri("Ujikom", "a@b.id", NULL, RFC_KEY_LEN));
  big[255] = '\0';
  uri = totp_uri(big, big, rfc_key, RFC_KEY_LEN);
  assert_non_null(uri);
  totp_uri_free(uri);
  totp_uri_free(NULL);
}

static void test_recovery_format(void **state) {
  (void)state;
  uint8_t rnd[TOTP_RECOVERY_CHARS];
  char out[TOTP_RECOVERY_TEXT_SIZE];
  for (uint8_t i = 0; i < TOTP_RECOVERY_CHARS; i++) {
    rnd[i] = i;
  }
  totp_recovery_code_format(out, rnd);
  assert_string_equal("01234-56789", out);
  for (uint8_t i = 0; i < TOTP_RECOVERY_CHARS; i++) {
    rnd[i] = (uint8_t)(0xff - i); /* only the low 5 bits count */
  }
  totp_recovery_code_format(out, rnd);
  assert_string_equal("ZYXWV-TSRQP", out);
}

static void test_recovery_generate(void **state) {
  (void)state;
  char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT_SIZE];
  assert_int_equal(TOTP_OK, totp_recovery_codes_generate(codes));
  for (size_t i = 0; i < TOTP_RECOVERY_COUNT; i++) {
    assert_int_equal(TOTP_RECOVERY_CHARS + 1, strlen(codes[i]));
    assert_int_equal('-', codes[i][5]);
    char norm[TOTP_RECOVERY_TEXT_SIZE];
    assert_int_equal(TOTP_OK, totp_recovery_normalize(norm, codes[i]));
    assert_int_equal(0, strncmp(norm, codes[i], 5));
    assert_int_equal(0, strcmp(norm + 5, codes[i] + 6));
    for (size_t j = 0; j < i; j++) {
      if (0 == strcmp(codes[i], codes[j])) {
        fail_msg("recovery codes %zu and %zu are equal: %s", j, i, codes[i]);
      }
    }
  }
}

static void test_recovery_normalize(void **state) {
  (void)state;
  static const struct {
    const char *in, *want;
  } ok[] = {
      {"ABCDE-FGHJK", "ABCDEFGHJK"},
      {"abcde fghjk", "ABCDEFGHJK"},
      {" a-b_c d e f g h j k ", "ABCDEFGHJK"},
      {"oOiIl-L0123", "0011110123"},
      {"ZYXWVTSRQP", "ZYXWVTSRQP"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char out[TOTP_RECOVERY_TEXT_SIZE];
    if (TOTP_OK != totp_recovery_normalize(out, ok[i].in)) {
      fail_msg("recovery code \"%s\" refused", ok[i].in);
    }
    assert_string_equal(ok[i].want, out);
    assert_true(totp_equal(out, ok[i].want, TOTP_RECOVERY_CHARS));
  }
  static const char *const bad[] = {
      "",
      "ABCDE-FGHJ",
      "ABCDE-FGHJKM",
      "ABCDE-FGHJU",
      "ABCDE.FGHJK",
      "ABCDE\tFGHJK",
      "ÀBCDE-FGHJK",
      "ABCDE+FGHJK",
      "----------",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char out[TOTP_RECOVERY_TEXT_SIZE] = "x";
    if (TOTP_MALFORMED != totp_recovery_normalize(out, bad[i])) {
      fail_msg("recovery code \"%s\" accepted", bad[i]);
    }
    assert_string_equal("", out);
  }
  char longcode[TOTP_INPUT_MAX + 12], out[TOTP_RECOVERY_TEXT_SIZE];
  memset(longcode, ' ', sizeof longcode - 1);
  memcpy(longcode + sizeof longcode - 11, "ABCDEFGHJK", 11);
  assert_int_equal(TOTP_MALFORMED, totp_recovery_normalize(out, longcode));
  assert_int_equal(TOTP_MALFORMED, totp_recovery_normalize(out, NULL));
  assert_int_equal(TOTP_MALFORMED, totp_recovery_normalize(NULL, "ABCDEFGHJK"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hotp_rfc4226),
      cmocka_unit_test(test_totp_rfc6238_sha1),
      cmocka_unit_test(test_hotp_refuses_bad_arguments),
      cmocka_unit_test(test_window_edges),
      cmocka_unit_test(test_replay_refused),
      cmocka_unit_test(test_code_syntax),
      cmocka_unit_test(test_base32_rfc4648),
      cmocka_unit_test(test_base32_strict),
      cmocka_unit_test(test_secret_round_trip),
      cmocka_unit_test(test_uri),
      cmocka_unit_test(test_recovery_format),
      cmocka_unit_test(test_recovery_generate),
      cmocka_unit_test(test_recovery_normalize),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
