/*
 * Helpers shared by the certificate token modules (JWS and COSE); not part of the public API.
 */
#ifndef UJIKOM_CERT_INTERNAL_H
#define UJIKOM_CERT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ujikom/cert.h"

/* Seconds in a day: the QR token keeps dates as whole days. */
#define CERT_DAY_S 86400

/* Checks the claims a signer must never emit wrong: canonical serial, non-empty holder,
 * subsector and scheme, expiry after issue, all text valid UTF-8. 0 or -1. */
int cert_claims_check(const struct cert_claims *c);
/* Copies at most size-1 bytes of src (len bytes, may contain no NUL) into dst; -1 when
 * it does not fit or contains a NUL byte. */
int cert_copy_text(char *dst, size_t size, const char *src, size_t len);
/* Resets out to NOT_GENUINE with a formatted reason (claims cleared). */
void cert_verification_fail(struct cert_verification *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Applies the validity window to a verification whose signature checked out. */
void cert_verification_dates(struct cert_verification *out, int64_t now);

/* Starts a verification: out is NOT_GENUINE until proven otherwise. False, with the reason
 * ("empty WHAT", "WHAT too long"), when token is NULL or empty or longer than max bytes. */
bool cert_verification_start(struct cert_verification *out, const char *token, size_t len,
                             size_t max, const char *what);
/* What a verifier found signed: the signed bytes (NULL when they could not be made: out of
 * memory) and the signature (NULL when it could not be decoded). made_here: the token is
 * the one this service issued, whose signature is not checked again. */
struct cert_signed {
  const void *msg;
  size_t msglen;
  const unsigned char *sig;
  size_t siglen;
  bool made_here;
};
/* The key of keys named kid, when it made the signature in s; NULL, with the reason in out
 * (unknown key, malformed signature, out of memory, no match: checked in that order),
 * otherwise. */
const struct token_pubkey *cert_verification_key(struct cert_verification *out,
                                                 const struct token_pubkey *keys, size_t nkeys,
                                                 const char *kid, const struct cert_signed *s);
/* Accepts the decoded claims as signed by key, then applies the validity window. */
void cert_verification_accept(struct cert_verification *out, const struct token_pubkey *key,
                              int64_t now);

/* The most keys a JWKS document may hold. */
#define JWKS_MAX_KEYS 256
/* Reads one key of a JWKS into elem: 1 when jwk is a key of the reader's kind (elem filled),
 * 0 when it is of another kind (skipped), -1 with a one-line message in err when it is of
 * the kind but malformed (index: its position, for the message). */
typedef int (*cert_jwk_read_fn)(void *elem, const json_t *jwk, size_t index, char *err,
                                size_t errlen);
/* The end of a cert_jwk_read_fn: 1 when the JWK's "kid" (NULL when absent) is own, the id
 * computed from its key; otherwise -1 with the message in err. */
int cert_jwk_own_kid(const char *kid, const char *own, size_t index, char *err, size_t errlen);
/* The keys of one kind in a JWKS document (its "keys" array, at most JWKS_MAX_KEYS), each read
 * by read into an array of key_size-byte elements: 0 with *out (free()) and *out_n (possibly
 * 0), or -1 with a one-line message in err (*out NULL) when the text is not such a document,
 * a key of the kind is malformed or memory runs out. */
int cert_jwks_read(void **out, size_t *out_n, size_t key_size, const char *json, size_t len,
                   cert_jwk_read_fn read, char *err, size_t errlen);

#endif
