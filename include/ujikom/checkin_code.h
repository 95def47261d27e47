/*
 * One-time check-in codes (kode masuk) handed out on paper at the TUK after the identity
 * check: 60 random bits as 12 characters of Crockford's base32, shown as XXXX-XXXX-XXXX.
 * Input is normalised as Crockford says (case ignored, '-', '_' and spaces ignored, O read
 * as 0, I and L as 1); only the SHA-256 of the normalised code is kept, a fast hash being
 * enough for a random, one-time code that is valid only inside its schedule's window
 * (docs/security.md, "Check-in codes"). Also the Crockford normaliser the staff recovery
 * codes share.
 */
#ifndef UJIKOM_CHECKIN_CODE_H
#define UJIKOM_CHECKIN_CODE_H

#include <stdbool.h>
#include <stddef.h>

/* Characters of a normalised code (5 bits each: 60 bits), without the NUL. */
#define CHECKIN_CODE_CHARS 12
/* Bytes of a code as shown, XXXX-XXXX-XXXX, with the NUL. */
#define CHECKIN_CODE_TEXT_SIZE 15
/* Characters of the stored hash (lower-case hex SHA-256), without the NUL. */
#define CHECKIN_CODE_HASH_LEN 64
/* Longest input the normaliser looks at (separators included). */
#define CHECKIN_CODE_INPUT_MAX 64

/* Crockford's base32 alphabet: no I, L, O or U. */
extern const char crockford_alphabet[33];

/* Normalises text typed by a person into exactly `chars` characters of crockford_alphabet and
 * a NUL (out holds chars + 1 bytes): ASCII case ignored, ' ', '-' and '_' ignored, O read as
 * 0, I and L as 1. False (out emptied and wiped) for any other character, another count, or
 * input longer than max_input bytes. */
bool crockford_normalize(char *out, size_t chars, const char *in, size_t max_input);

/* A fresh code from the OpenSSL CSPRNG, as shown (XXXX-XXXX-XXXX). 0, or -1 when the random
 * generator failed (out is then empty). */
int checkin_code_new(char out[CHECKIN_CODE_TEXT_SIZE]);

/* The normalised form of a typed code (CHECKIN_CODE_CHARS characters): true, or false when it
 * is not a code (crockford_normalize's rules). */
bool checkin_code_normalize(char out[CHECKIN_CODE_CHARS + 1], const char *in);

/* The stored hash of a typed code: the lower-case hex SHA-256 of its normalised form. 0, or
 * -1 when in is not a code or hashing failed (out is then empty). */
int checkin_code_hash(char out[CHECKIN_CODE_HASH_LEN + 1], const char *in);

#endif
