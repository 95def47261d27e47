/*
 * Password hashing (scrypt through OpenSSL's EVP_KDF) and the policy for new passwords.
 * Stored hashes carry their own parameters so the cost can be raised without breaking old
 * accounts; comparison of derived keys is constant-time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "ujikom/b64.h"
#include "ujikom/password.h"

#define SCRYPT_R     8u
#define SCRYPT_P     1u
#define SALT_LEN     16u
#define HASH_LEN     32u
#define SALT_LEN_MIN 8u
#define SALT_LEN_MAX 64u
#define HASH_LEN_MIN 16u
#define HASH_LEN_MAX 64u
#define R_MAX        32u
#define P_MAX        16u
#define ENCODED_MAX  256u
/* scrypt needs 128 * r * N bytes for V plus 128 * r * p for B; cap total memory at 1 GiB. */
#define SCRYPT_MAXMEM_CAP ((uint64_t)1 << 30)

struct scrypt_params {
  unsigned log2n;
  unsigned r;
  unsigned p;
  unsigned char salt[SALT_LEN_MAX];
  size_t salt_len;
  unsigned char hash[HASH_LEN_MAX];
  size_t hash_len;
};

/* Parses a decimal number of at most 6 digits at *s, advancing *s. No sign, no spaces. */
static int parse_uint(const char **s, unsigned min, unsigned max, unsigned *out) {
  const char *p = *s;
  char *end = NULL;
  long v;

  if (*p < '0' || *p > '9') {
    return -1;
  }
  errno = 0;
  v = strtol(p, &end, 10);
  if (0 != errno || end == p || end - p > 6 || v < (long)min || v > (long)max) {
    return -1;
  }
  if ('0' == *p && end - p > 1) {
    return -1; /* no leading zeros: one spelling per value */
  }
  *s = end;
  *out = (unsigned)v;
  return 0;
}

static int expect(const char **s, const char *lit) {
  size_t n = strlen(lit);
  if (0 != strncmp(*s, lit, n)) {
    return -1;
  }
  *s += n;
  return 0;
}

static uint64_t scrypt_memory(unsigned log2n, unsigned r, unsigned p) {
  return (uint64_t)128 * r * (((uint64_t)1 << log2n) + 2) + (uint64_t)128 * r * p;
}

static int parse_encoded(struct scrypt_params *out, const char *encoded) {
  const char *s = encoded;
  const char *dollar = NULL;
  long n;

  if (NULL == encoded || strnlen(encoded, ENCODED_MAX + 1) > ENCODED_MAX) {
    return -1;
  }
  if (expect(&s, "$scrypt$ln=") ||
      parse_uint(&s, PASSWORD_LOG2N_MIN, PASSWORD_LOG2N_MAX, &out->log2n) || expect(&s, ",r=") ||
      parse_uint(&s, 1, R_MAX, &out->r) || expect(&s, ",p=") || parse_uint(&s, 1, P_MAX, &out->p) ||
      expect(&s, "$")) {
    return -1;
  }
  if (scrypt_memory(out->log2n, out->r, out->p) > SCRYPT_MAXMEM_CAP) {
    return -1;
  }
  dollar = strchr(s, '$');
  if (NULL == dollar) {
    return -1;
  }
  n = b64_decode(out->salt, sizeof out->salt, s, (size_t)(dollar - s), B64_STD);
  if (n < (long)SALT_LEN_MIN) {
    return -1;
  }
  out->salt_len = (size_t)n;
  s = dollar + 1;
  n = b64_decode(out->hash, sizeof out->hash, s, strlen(s), B64_STD);
  if (n < (long)HASH_LEN_MIN) {
    return -1;
  }
  out->hash_len = (size_t)n;
  return 0;
}

/* OSSL_PARAM takes non-const buffers even for inputs it only reads; this drops the const
 * without an integer round trip. */
static void *input_buffer(const void *p) {
  void *q;
  memcpy(&q, &p, sizeof q);
  return q;
}

/* Derives len bytes with scrypt; 0 or -1 when OpenSSL fails. */
static int scrypt_derive(unsigned char *out, size_t len, const char *password,
                         const unsigned char *salt, size_t salt_len, unsigned log2n, unsigned r,
                         unsigned p) {
  EVP_KDF *kdf = NULL;
  EVP_KDF_CTX *ctx = NULL;
  uint64_t n = (uint64_t)1 << log2n;
  uint32_t r32 = r;
  uint32_t p32 = p;
  uint64_t maxmem = scrypt_memory(log2n, r, p) + 4096;
  OSSL_PARAM params[7];
  int rc = -1;

  kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
  if (NULL == kdf) {
    goto cleanup;
  }
  ctx = EVP_KDF_CTX_new(kdf);
  if (NULL == ctx) {
    goto cleanup;
  }
  params[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, input_buffer(password),
                                                strlen(password));
  params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, input_buffer(salt), salt_len);
  params[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
  params[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r32);
  params[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p32);
  params[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
  params[6] = OSSL_PARAM_construct_end();
  if (EVP_KDF_derive(ctx, out, len, params) <= 0) {
    goto cleanup;
  }
  rc = 0;
cleanup:
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
  return rc;
}

enum password_result password_unusable(char **out, unsigned log2n) {
  unsigned char random[SALT_LEN + HASH_LEN];
  char salt_b64[SALT_LEN_MAX], hash_b64[HASH_LEN_MAX * 2], buf[ENCODED_MAX];
  *out = NULL;
  if (log2n < PASSWORD_LOG2N_MIN || log2n > PASSWORD_LOG2N_MAX) {
    return PASSWORD_MALFORMED;
  }
  if (1 != RAND_bytes(random, sizeof random) ||
      0 == b64_encode(salt_b64, sizeof salt_b64, random, SALT_LEN, B64_STD) ||
      0 == b64_encode(hash_b64, sizeof hash_b64, random + SALT_LEN, HASH_LEN, B64_STD)) {
    return PASSWORD_ERROR;
  }
  int n = snprintf(buf, sizeof buf, "$scrypt$ln=%u,r=%u,p=%u$%s$%s", log2n, SCRYPT_R, SCRYPT_P,
                   salt_b64, hash_b64);
  if (n < 0 || (size_t)n >= sizeof buf || NULL == (*out = strdup(buf))) {
    return PASSWORD_ERROR;
  }
  return PASSWORD_OK;
}

enum password_result password_hash(char **out, const char *password, unsigned log2n) {
  unsigned char salt[SALT_LEN];
  unsigned char hash[HASH_LEN];
  char salt_b64[SALT_LEN_MAX];
  char hash_b64[HASH_LEN_MAX * 2];
  char buf[ENCODED_MAX];
  char *copy = NULL;
  enum password_result rc = PASSWORD_ERROR;
  int n;

  if (NULL == out) {
    return PASSWORD_MALFORMED;
  }
  *out = NULL;
  if (NULL == password || strnlen(password, PASSWORD_MAX_LEN + 1) > PASSWORD_MAX_LEN ||
      log2n < PASSWORD_LOG2N_MIN || log2n > PASSWORD_LOG2N_MAX) {
    return PASSWORD_MALFORMED;
  }
  if (1 != RAND_bytes(salt, sizeof salt)) {
    goto cleanup;
  }
  if (scrypt_derive(hash, sizeof hash, password, salt, sizeof salt, log2n, SCRYPT_R, SCRYPT_P)) {
    goto cleanup;
  }
  if (0 == b64_encode(salt_b64, sizeof salt_b64, salt, sizeof salt, B64_STD) ||
      0 == b64_encode(hash_b64, sizeof hash_b64, hash, sizeof hash, B64_STD)) {
    goto cleanup;
  }
  n = snprintf(buf, sizeof buf, "$scrypt$ln=%u,r=%u,p=%u$%s$%s", log2n, SCRYPT_R, SCRYPT_P,
               salt_b64, hash_b64);
  if (n < 0 || (size_t)n >= sizeof buf) {
    goto cleanup;
  }
  copy = malloc((size_t)n + 1);
  if (NULL == copy) {
    goto cleanup;
  }
  memcpy(copy, buf, (size_t)n + 1);
  *out = copy;
  rc = PASSWORD_OK;
cleanup:
  OPENSSL_cleanse(hash, sizeof hash);
  OPENSSL_cleanse(hash_b64, sizeof hash_b64);
  OPENSSL_cleanse(buf, sizeof buf);
  return rc;
}

enum password_result password_verify(const char *encoded, const char *password) {
  struct scrypt_params sp;
  unsigned char derived[HASH_LEN_MAX];
  enum password_result rc = PASSWORD_ERROR;

  memset(&sp, 0, sizeof sp);
  if (NULL == password || strnlen(password, PASSWORD_MAX_LEN + 1) > PASSWORD_MAX_LEN) {
    return PASSWORD_MALFORMED;
  }
  if (parse_encoded(&sp, encoded)) {
    return PASSWORD_MALFORMED;
  }
  if (scrypt_derive(derived, sp.hash_len, password, sp.salt, sp.salt_len, sp.log2n, sp.r, sp.p)) {
    goto cleanup;
  }
  rc = (0 == CRYPTO_memcmp(derived, sp.hash, sp.hash_len)) ? PASSWORD_OK : PASSWORD_MISMATCH;
cleanup:
  OPENSSL_cleanse(derived, sizeof derived);
  OPENSSL_cleanse(&sp, sizeof sp);
  return rc;
}

bool password_needs_rehash(const char *encoded, unsigned log2n) {
  struct scrypt_params sp;
  bool stale;

  memset(&sp, 0, sizeof sp);
  if (parse_encoded(&sp, encoded)) {
    return true;
  }
  stale = sp.log2n != log2n || sp.r != SCRYPT_R || sp.p != SCRYPT_P || sp.salt_len != SALT_LEN ||
          sp.hash_len != HASH_LEN;
  OPENSSL_cleanse(&sp, sizeof sp);
  return stale;
}

int password_cost_log2n(const char *encoded) {
  struct scrypt_params sp;
  int log2n = -1;

  memset(&sp, 0, sizeof sp);
  if (0 == parse_encoded(&sp, encoded)) {
    log2n = (int)sp.log2n;
  }
  OPENSSL_cleanse(&sp, sizeof sp);
  return log2n;
}

/* --- policy --- */

static char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Undoes the usual letter-for-symbol swaps ("p@ssw0rd" -> "password"). */
static char unleet(char c) {
  switch (c) {
  case '@':
  case '4':
    return 'a';
  case '3':
    return 'e';
  case '1':
  case '!':
    return 'i';
  case '0':
    return 'o';
  case '5':
  case '$':
    return 's';
  case '7':
    return 't';
  default:
    return c;
  }
}

static const char *const trivial_runs[] = {
    "abcdefghijklmnopqrstuvwxyz",
    "zyxwvutsrqponmlkjihgfedcba",
    "01234567890",
    "09876543210",
    "qwertyuiopasdfghjklzxcvbnm",
    "mnbvcxzlkjhgfdsapoiuytrewq",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "zaq12wsxcde34rfvbgt56yhnmju78ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "!@#$%^&*()_+",
};

/* One repeated short unit ("aaaaaaaaaa", "abcabcabca", "121212121212") or a run along the
 * alphabet, the digits or a keyboard row. lower is already lower-cased. */
static bool is_trivial(const char *lower, size_t len) {
  for (size_t unit = 1; unit <= 3 && unit < len; unit++) {
    bool repeats = true;
    for (size_t i = unit; i < len && repeats; i++) {
      repeats = lower[i] == lower[i - unit];
    }
    if (repeats) {
      return true;
    }
  }
  for (size_t i = 0; i < sizeof trivial_runs / sizeof trivial_runs[0]; i++) {
    if (NULL != strstr(trivial_runs[i], lower)) {
      return true;
    }
  }
  return false;
}

/* Common once the usual decorations are taken off: digits and symbols at either end,
 * letter-for-symbol swaps, or a common word written twice. */
static bool is_decorated_common(const char *lower, size_t len) {
  char core[PASSWORD_MAX_LEN + 1];
  size_t start = 0;
  size_t end = len;
  size_t n;

  if (password_is_common(lower)) {
    return true;
  }
  while (start < len && !is_alpha(lower[start])) {
    start++;
  }
  while (end > start && !is_alpha(lower[end - 1])) {
    end--;
  }
  n = end - start;
  if (n >= 4) {
    memcpy(core, lower + start, n);
    core[n] = '\0';
    if (password_is_common(core)) {
      return true;
    }
    for (size_t i = 0; i < n; i++) {
      core[i] = unleet(core[i]);
    }
    if (password_is_common(core)) {
      return true;
    }
    if (0 == n % 2 && 0 == memcmp(core, core + n / 2, n / 2)) {
      core[n / 2] = '\0';
      if (password_is_common(core)) {
        return true;
      }
    }
  }
  /* The whole string un-leeted too, for swaps at the ends ("p4ssw0rd" has none to strip). */
  for (size_t i = 0; i < len; i++) {
    core[i] = unleet(lower[i]);
  }
  core[len] = '\0';
  return password_is_common(core);
}

/* True when lower contains the lower-cased [word, word + wlen) and wlen >= 4. */
static bool contains_word(const char *lower, const char *word, size_t wlen) {
  char w[256];

  if (wlen < 4 || wlen >= sizeof w) {
    return false;
  }
  for (size_t i = 0; i < wlen; i++) {
    w[i] = ascii_lower(word[i]);
  }
  w[wlen] = '\0';
  return NULL != strstr(lower, w);
}

static bool is_personal(const char *lower, const char *email, const char *name) {
  if (NULL != email) {
    const char *at = strchr(email, '@');
    size_t local = at ? (size_t)(at - email) : strlen(email);
    if (contains_word(lower, email, local)) {
      return true;
    }
  }
  if (NULL != name) {
    const char *p = name;
    while (*p != '\0') {
      const char *w = p;
      while (*p != '\0' && is_alpha(*p)) {
        p++;
      }
      if (contains_word(lower, w, (size_t)(p - w))) {
        return true;
      }
      while (*p != '\0' && !is_alpha(*p)) {
        p++;
      }
    }
  }
  return false;
}

enum password_strength password_check_strength(const char *password, const char *email,
                                               const char *name) {
  char lower[PASSWORD_MAX_LEN + 1];
  size_t len;
  enum password_strength rc;

  if (NULL == password) {
    return PASSWORD_TOO_SHORT;
  }
  len = strnlen(password, PASSWORD_MAX_LEN + 1);
  if (len > PASSWORD_MAX_LEN) {
    return PASSWORD_TOO_LONG;
  }
  if (len < PASSWORD_MIN_LEN) {
    return PASSWORD_TOO_SHORT;
  }
  for (size_t i = 0; i < len; i++) {
    lower[i] = ascii_lower(password[i]);
  }
  lower[len] = '\0';
  if (is_trivial(lower, len)) {
    rc = PASSWORD_TRIVIAL;
  } else if (is_decorated_common(lower, len)) {
    rc = PASSWORD_COMMON;
  } else if (is_personal(lower, email, name)) {
    rc = PASSWORD_PERSONAL;
  } else {
    rc = PASSWORD_STRONG;
  }
  OPENSSL_cleanse(lower, sizeof lower);
  return rc;
}

static const char *const strength_messages[] = {
    [PASSWORD_STRONG] = "The password is acceptable.",
    [PASSWORD_TOO_SHORT] = "The password must be at least 10 characters long.",
    [PASSWORD_TOO_LONG] = "The password must be at most 1024 bytes long.",
    [PASSWORD_COMMON] = "This password is too common; choose a less predictable one.",
    [PASSWORD_TRIVIAL] =
        "The password is a simple run or repetition; choose a less predictable one.",
    [PASSWORD_PERSONAL] = "The password must not contain your name or e-mail address."};

const char *password_strength_message(enum password_strength s) {
  if ((unsigned)s < sizeof strength_messages / sizeof strength_messages[0]) {
    return strength_messages[s];
  }
  return "The password is not acceptable.";
}

void password_free(char *encoded) {
  if (NULL == encoded) {
    return;
  }
  OPENSSL_cleanse(encoded, strlen(encoded));
  free(encoded);
}
