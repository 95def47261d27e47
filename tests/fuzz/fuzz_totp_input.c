/*
 * Fuzzes what a user or a stored record can hand the second factor and the password policy:
 * the base32 secret decoder, the TOTP code parser, the recovery-code normaliser and the
 * password normaliser. None may crash or leak, and what they accept is canonical: decoded
 * base32 encodes back to the input (without padding), a normalised recovery code is ten
 * characters of its alphabet and normalises to itself, a normalised password has no white
 * space left and is stable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/password_policy.h"
#include "ujikom/totp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_base32(const char *in, size_t len) {
  uint8_t dec[256];
  size_t n = 0;
  if (TOTP_OK != totp_base32_decode(dec, sizeof dec, &n, in, len)) {
    return;
  }
  char enc[512];
  size_t m = totp_base32_encode(enc, sizeof enc, dec, n);
  size_t unpadded = len;
  while (unpadded > 0 && '=' == in[unpadded - 1]) {
    unpadded--;
  }
  if (m != unpadded || 0 != memcmp(enc, in, m)) {
    abort();
  }
}

static void check_recovery(const char *in) {
  static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  char out[TOTP_RECOVERY_TEXT_SIZE], again[TOTP_RECOVERY_TEXT_SIZE];
  if (TOTP_OK != totp_recovery_normalize(out, in)) {
    return;
  }
  if (TOTP_RECOVERY_CHARS != strlen(out) || strspn(out, alphabet) != TOTP_RECOVERY_CHARS) {
    abort();
  }
  if (TOTP_OK != totp_recovery_normalize(again, out) || 0 != strcmp(out, again)) {
    abort();
  }
}

static void check_code(const char *in) {
  static const uint8_t key[TOTP_SECRET_LEN] = "12345678901234567890";
  uint64_t step = 0;
  enum totp_status st = totp_verify(&step, key, in, 1111111111, 0);
  if (TOTP_OK == st && (step + 1 < 0x23523ED || step > 0x23523ED + 1)) {
    abort();
  }
}

static void check_password(const char *in) {
  char *out = NULL, *again = NULL;
  if (PASSWORD_POLICY_OK != password_policy_normalize(&out, in)) {
    return;
  }
  if (NULL != strpbrk(out, " \t\n\r\v\f")) {
    abort();
  }
  if (PASSWORD_POLICY_OK != password_policy_normalize(&again, out) || 0 != strcmp(out, again)) {
    abort();
  }
  password_policy_free(again);
  password_policy_free(out);
  if (strlen(in) <= 64) {
    (void)password_policy_check(NULL, in, "fuzz@example.id", in, NULL);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) {
    return 0;
  }
  char *s = malloc(size + 1);
  if (NULL == s) {
    return 0;
  }
  memcpy(s, data, size);
  s[size] = '\0';
  check_base32(s, size);
  check_recovery(s);
  check_code(s);
  check_password(s);
  free(s);
  return 0;
}
