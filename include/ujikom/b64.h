/*
 * The one home of the RFC 4648 text codecs: base64 (standard alphabet, for password hashes;
 * padded, for signed notes, checkpoints and proofs), base64url (tokens, JWS, JWKS, session
 * and CSRF tokens, status lists) and base32 (the QR token, which must stay inside the QR
 * alphanumeric set; TOTP secrets as people type them). Only B64_STD_PADDED writes padding. Decoders
 * are strict: one alphabet, padding exactly where the variant has it, no whitespace, canonical
 * trailing bits — so one byte string has exactly one text form and a changed character can never
 * decode to the same bytes. Pure functions; only the _alloc forms allocate.
 */
#ifndef UJIKOM_B64_H
#define UJIKOM_B64_H

#include <stdbool.h>
#include <stddef.h>

enum b64_alphabet {
  B64_STD,        /* RFC 4648 section 4: A-Z a-z 0-9 + / */
  B64_URL,        /* RFC 4648 section 5: A-Z a-z 0-9 - _ */
  B64_BASE32,     /* RFC 4648 section 6: A-Z 2-7 (upper case written, lower case read too) */
  B64_STD_PADDED, /* RFC 4648 section 4 with '=' padding to a multiple of four */
  /* RFC 4648 section 6 as TOTP secrets are read: upper case only, and either no padding or
   * exactly the '=' that make a multiple of eight characters. Written as B64_BASE32. */
  B64_BASE32_STRICT,
};

/* Characters of the encoding of len bytes (without the NUL). */
size_t b64_encoded_len(size_t len, enum b64_alphabet a);

/* Writes the encoding of data[0..len) and a NUL into out. Returns the characters
 * written (without the NUL), or 0 with out untouched when outlen is too small (also 0 for
 * len == 0, with out[0] = '\0' when outlen > 0). */
size_t b64_encode(char *out, size_t outlen, const void *data, size_t len, enum b64_alphabet a);

/* Strictly decodes text[0..len) into out. Returns the bytes written, or -1 on a character
 * outside the alphabet, an impossible length, non-zero trailing bits or when the result does
 * not fit in outlen bytes. out may be partly written on failure. */
long b64_decode(unsigned char *out, size_t outlen, const char *text, size_t len,
                enum b64_alphabet a);

/* The value (0..15) of the base16 (hex) digit c, either case, or -1. */
int b16_value(int c);

/* The value (0..63, or 0..31 for base32) of character c in alphabet a, or -1 ('=' too). */
int b64_value(unsigned char c, enum b64_alphabet a);

/* The same, into malloc'd memory. Encode returns a NUL-terminated string (free()) or NULL
 * when memory runs out or len is too large to encode. Decode returns 0 and *out (malloc'd,
 * NUL-terminated for convenience, free()) of *out_len bytes, or -1 (with *out NULL) on any
 * invalid input. */
char *b64_encode_alloc(const void *data, size_t len, enum b64_alphabet a);
int b64_decode_alloc(unsigned char **out, size_t *out_len, const char *text, size_t len,
                     enum b64_alphabet a);

#endif
