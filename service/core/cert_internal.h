/*
 * Helpers shared by the certificate token modules (JWS and COSE); not part of the public API.
 */
#ifndef UJIKOM_CERT_INTERNAL_H
#define UJIKOM_CERT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "ujikom/cert.h"

/* Seconds in a day: the QR token keeps dates as whole days. */
#define CERT_DAY_S 86400

/* Checks the claims a signer must never emit wrong: canonical serial, non-empty holder,
 * subsector and scheme, expiry after issue, all text valid UTF-8. 0 or -1. */
int cert_claims_check(const struct cert_claims *c);
/* Copies at most size-1 bytes of src (len bytes, may contain no NUL) into dst; -1 when
 * it does not fit or contains a NUL byte. */
int cert_copy_text(char *dst, size_t size, const char *src, size_t len);
/* True when s (len bytes) is well-formed UTF-8 without control characters. */
int cert_text_ok(const char *s, size_t len);
/* Resets out to NOT_GENUINE with a formatted reason (claims cleared). */
void cert_verification_fail(struct cert_verification *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Applies the validity window to a verification whose signature checked out. */
void cert_verification_dates(struct cert_verification *out, int64_t now);

#endif
