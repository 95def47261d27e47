/*
 * Session tokens: 256 random bits handed to the client (cookie or bearer token), of which
 * the server keeps only the SHA-256 hash, so a copy of the database cannot be replayed as
 * a login. The CSRF token of a session is derived from the session token, so it needs no
 * storage and dies with the session.
 */
#ifndef UJIKOM_SESSION_TOKEN_H
#define UJIKOM_SESSION_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* Characters of a token (base64url of 32 bytes, unpadded), without the terminating NUL. */
#define SESSION_TOKEN_LEN 43
/* Characters of the stored hash (lower-case hex SHA-256), without the NUL. */
#define SESSION_HASH_LEN 64
/* Characters of a CSRF token (base64url of 32 bytes, unpadded), without the NUL. */
#define SESSION_CSRF_LEN 43

/* Writes a fresh token (SESSION_TOKEN_LEN chars + NUL) to out. Returns 0, or -1 when the
 * random generator fails (out is then an empty string). */
int session_token_new(char out[SESSION_TOKEN_LEN + 1]);

/* True when token has exactly the shape of a token (43 base64url characters). Anything
 * else from a cookie or header can be rejected before touching the store. */
bool session_token_well_formed(const char *token);

/* Writes the lower-case hex SHA-256 of the token text (SESSION_HASH_LEN chars + NUL) to out.
 * Returns 0, or -1 when token is not well formed or hashing fails (out is then empty). */
int session_token_hash(char out[SESSION_HASH_LEN + 1], const char *token);

/* Writes the CSRF token bound to a session token: base64url(SHA-256("ujikom csrf v1" NUL
 * token)). Returns 0, or -1 when token is not well formed or hashing fails. */
int session_csrf_token(char out[SESSION_CSRF_LEN + 1], const char *token);

/* Constant-time comparison of a presented CSRF token with the expected one. False when
 * either is NULL or the lengths differ. */
bool session_csrf_equal(const char *expected, const char *presented);

#endif
