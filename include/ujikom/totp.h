/*
 * One-time codes for a second factor: HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1,
 * the RFC 4648 base32 form of the shared secret, the otpauth:// key URI that authenticator
 * apps read from a QR code, and one-time recovery codes. Pure computation: the caller
 * supplies the time and stores the secret, the last accepted step and the recovery codes.
 *
 * Replay guard: totp_verify() returns the time step a code matched; the caller stores it
 * and passes it back as last_step next time, so a code (or any older code) is accepted at
 * most once even inside its validity window.
 */
#ifndef UJIKOM_TOTP_H
#define UJIKOM_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Secret length in bytes (160 bits, the HMAC-SHA1 output size RFC 4226 recommends). */
#define TOTP_SECRET_LEN 20
/* Accepted key lengths for totp_hotp (RFC 4226 section 4: at least 128 bits). */
#define TOTP_KEY_MIN 16
#define TOTP_KEY_MAX 64
/* Digits of a code and seconds per step, as written into the otpauth URI. */
#define TOTP_DIGITS 6
#define TOTP_PERIOD 30
/* Steps accepted on either side of the current one (clock drift, typing time). */
#define TOTP_WINDOW 1
/* Characters of the base32 form of a TOTP_SECRET_LEN secret, unpadded (160 / 5). */
#define TOTP_SECRET_B32_LEN 32
/* Recovery codes: how many are issued, random characters in each, and the size of the
 * buffer holding one as displayed ("XXXXX-XXXXX" and a NUL) or normalised (10 + NUL). */
#define TOTP_RECOVERY_COUNT     10
#define TOTP_RECOVERY_CHARS     10
#define TOTP_RECOVERY_TEXT_SIZE 12
/* Longest input the code and recovery-code parsers look at (separators included). */
#define TOTP_INPUT_MAX 64

enum totp_status {
  TOTP_OK = 0,        /* computed / the code matched a step newer than last_step */
  TOTP_MISMATCH = 1,  /* well-formed code that matches no step in the window */
  TOTP_REPLAY = 2,    /* the code matches, but only steps at or before last_step */
  TOTP_MALFORMED = 3, /* the code, secret, time or another argument is not acceptable */
  TOTP_ERROR = 4,     /* the crypto library failed (no randomness, out of memory) */
};

/* HOTP value (RFC 4226 section 5.3: HMAC-SHA1, dynamic truncation, modulo 10^digits) of
 * counter under key (TOTP_KEY_MIN..TOTP_KEY_MAX bytes), digits 6..8. On TOTP_OK *out is the
 * value; print it zero-padded to digits. TOTP_MALFORMED for a bad length or digit count,
 * TOTP_ERROR when OpenSSL fails. */
enum totp_status totp_hotp(uint32_t *out, const uint8_t *key, size_t key_len, uint64_t counter,
                           unsigned digits);

/* The TOTP step of unix time t (seconds): floor(t / TOTP_PERIOD). False for t < 0. */
bool totp_step_at(uint64_t *out, int64_t t);

/* Checks a code typed by the user (TOTP_DIGITS ASCII digits; ASCII spaces anywhere are
 * ignored, anything else is TOTP_MALFORMED) against the secret (TOTP_SECRET_LEN bytes) for
 * the steps within TOTP_WINDOW of the step of now. Every step is compared in constant time
 * and the whole window is always computed. A code matching a step greater than last_step
 * gives TOTP_OK and the newest such step in *out_step (store it as the new last_step); a
 * code matching only steps <= last_step gives TOTP_REPLAY. Pass last_step 0 before the
 * first use (step 0 is January 1970). now before TOTP_WINDOW * TOTP_PERIOD seconds after the
 * epoch is TOTP_MALFORMED. *out_step is left unchanged unless TOTP_OK. */
enum totp_status totp_verify(uint64_t *out_step, const uint8_t *secret, const char *code,
                             int64_t now, uint64_t last_step);

/* A fresh secret of TOTP_SECRET_LEN bytes from the OpenSSL CSPRNG. TOTP_ERROR when there is
 * no randomness. */
enum totp_status totp_secret_generate(uint8_t out[TOTP_SECRET_LEN]);

/* RFC 4648 base32 of in (upper case, no padding) into out, NUL-terminated. Returns the
 * number of characters written, or 0 when out_size is too small (out is then ""). */
size_t totp_base32_encode(char *out, size_t out_size, const uint8_t *in, size_t len);

/* Strict RFC 4648 base32 decoding of untrusted text: upper-case alphabet only, either no
 * padding or exactly the padding the length requires, no separators, no impossible lengths
 * (1, 3 or 6 characters in the last group) and no non-zero bits after the last byte, so
 * each byte string has exactly one accepted text. On TOTP_OK *out_len bytes are in out;
 * TOTP_MALFORMED when the text is not canonical base32 or out_size is too small. */
enum totp_status totp_base32_decode(uint8_t *out, size_t out_size, size_t *out_len, const char *in,
                                    size_t in_len);

/* The key URI for enrolment (the QR code's content):
 *   otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
 * with issuer and account percent-encoded (every byte outside A-Z a-z 0-9 - . _ ~). issuer
 * and account must be 1..255 bytes, without ':' (the label separator) and without control
 * characters; secret is TOTP_SECRET_LEN bytes. Returns a newly allocated string the caller
 * frees with totp_uri_free (it holds the secret), or NULL on bad arguments or no memory. */
char *totp_uri(const char *issuer, const char *account, const uint8_t *secret, size_t secret_len);

/* Wipes and frees a string from totp_uri. NULL is allowed. */
void totp_uri_free(char *uri);

/* Formats one recovery code from TOTP_RECOVERY_CHARS random bytes (5 bits of each are
 * used) as "XXXXX-XXXXX" in Crockford's base32 alphabet (no I, L, O, U): 50 bits. */
void totp_recovery_code_format(char out[TOTP_RECOVERY_TEXT_SIZE],
                               const uint8_t random[TOTP_RECOVERY_CHARS]);

/* TOTP_RECOVERY_COUNT fresh recovery codes from the OpenSSL CSPRNG, formatted as above.
 * TOTP_ERROR when there is no randomness (out is then wiped). */
enum totp_status
totp_recovery_codes_generate(char out[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT_SIZE]);

/* Normalises a recovery code as typed: case is ignored, spaces, '-' and '_' are ignored, and
 * the look-alikes O, I and L read as 0, 1 and 1. On TOTP_OK out holds the
 * TOTP_RECOVERY_CHARS canonical characters and a NUL (the form to hash and store);
 * TOTP_MALFORMED for any other character, a wrong count or input over TOTP_INPUT_MAX
 * bytes. */
enum totp_status totp_recovery_normalize(char out[TOTP_RECOVERY_TEXT_SIZE], const char *in);

/* Constant-time comparison of two byte strings of the same length n (the time depends on
 * n only). */
bool totp_equal(const void *a, const void *b, size_t n);

#endif
