/*
 * Password hashing and password policy for ujikom accounts.
 *
 * Hashes use scrypt (memory-hard) and are stored as self-describing strings,
 *   $scrypt$ln=15,r=8,p=1$<salt, base64>$<hash, base64>
 * (standard base64 alphabet, no padding), so the cost can be raised later and old hashes
 * upgraded at the next successful login (see password_needs_rehash). No I/O: the list of
 * common passwords is compiled in.
 */
#ifndef UJIKOM_PASSWORD_H
#define UJIKOM_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* Shortest password accepted for a new account (in bytes of UTF-8). */
#define PASSWORD_MIN_LEN 10
/* Longest password accepted; longer input is refused rather than silently truncated. */
#define PASSWORD_MAX_LEN 1024
/* Cost bounds accepted for N = 2^log2n, both when hashing and when parsing stored hashes. */
#define PASSWORD_LOG2N_MIN 10
#define PASSWORD_LOG2N_MAX 20
/* Default cost: about 32 MiB and 50-250 ms per hash (figure measured in docs/security.md). */
#define PASSWORD_LOG2N_DEFAULT 15

enum password_result {
  PASSWORD_OK = 0,        /* hashed / verified */
  PASSWORD_MISMATCH = 1,  /* well-formed hash, wrong password */
  PASSWORD_MALFORMED = 2, /* the stored hash string or an argument is not acceptable */
  PASSWORD_ERROR = 3,     /* the crypto library failed (out of memory, no randomness) */
};

/* Why a new password is refused (PASSWORD_STRONG when it is accepted). */
enum password_strength {
  PASSWORD_STRONG = 0,
  PASSWORD_TOO_SHORT, /* fewer than PASSWORD_MIN_LEN bytes */
  PASSWORD_TOO_LONG,  /* more than PASSWORD_MAX_LEN bytes */
  PASSWORD_COMMON,    /* in the common list, alone or with a few digits/symbols added */
  PASSWORD_TRIVIAL,   /* one repeated character or a keyboard/alphabet/digit run */
  PASSWORD_PERSONAL,  /* contains the account's e-mail name or the person's name */
};

/* Hashes password (NUL-terminated, at most PASSWORD_MAX_LEN bytes) with a fresh 16-byte
 * random salt and N = 2^log2n, r = 8, p = 1. On PASSWORD_OK *out is a newly allocated
 * encoded string the caller frees with password_free(). On failure *out is NULL:
 * PASSWORD_MALFORMED when log2n is outside the bounds or the password is too long,
 * PASSWORD_ERROR when OpenSSL fails. */
enum password_result password_hash(char **out, const char *password, unsigned log2n);

/* A well-formed hash that no password matches: a random salt and random "hash" bytes, not
 * derived from anything, at cost 2^log2n. For an account whose password is chosen later
 * through a one-time link: checking a password against it costs what a real check costs and
 * fails (a preimage of 256 random bits). PASSWORD_OK with *out (free with password_free),
 * PASSWORD_MALFORMED for a cost outside the bounds, PASSWORD_ERROR without randomness. */
enum password_result password_unusable(char **out, unsigned log2n);

/* Checks password against an encoded hash in constant time (for a given hash length).
 * Returns PASSWORD_OK on a match, PASSWORD_MISMATCH when it does not match,
 * PASSWORD_MALFORMED when encoded cannot be parsed or its parameters are out of bounds,
 * PASSWORD_ERROR when OpenSSL fails. Never allocates anything the caller must free. */
enum password_result password_verify(const char *encoded, const char *password);

/* True when encoded was made with parameters other than the current policy (N = 2^log2n,
 * r = 8, p = 1) or cannot be parsed, i.e. it should be replaced by a fresh hash after the
 * next successful login. */
bool password_needs_rehash(const char *encoded, unsigned log2n);

/* The cost (log2 of N) encoded was made with, or -1 when encoded cannot be parsed. */
int password_cost_log2n(const char *encoded);

/* Applies the password policy to a new password. email and name may be NULL; when given,
 * passwords containing the e-mail's local part or any word of the name (4+ letters) are
 * refused. Comparisons are case-insensitive for ASCII. */
enum password_strength password_check_strength(const char *password, const char *email,
                                               const char *name);

/* True when password, lower-cased, is in the compiled-in list of common passwords. */
bool password_is_common(const char *password);

/* Number of entries in the compiled-in list (for tests and documentation). */
size_t password_common_count(void);

/* A short English explanation of a refusal, for error messages (static string). */
const char *password_strength_message(enum password_strength s);

/* Frees a string returned by password_hash(), wiping it first. NULL is allowed. */
void password_free(char *encoded);

#endif
