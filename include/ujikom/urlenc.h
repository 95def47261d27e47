/*
 * Percent-encoding (RFC 3986) of a path segment or query value: every byte but the unreserved
 * characters (ALPHA, DIGIT, "-", ".", "_", "~") as %XX with upper-case hex. Pure function.
 */
#ifndef UJIKOM_URLENC_H
#define UJIKOM_URLENC_H

#include <stdbool.h>
#include <stddef.h>

/* Appends s percent-encoded to out at *pos (out holds size bytes) and NUL-terminates it;
 * *pos moves past what was written. Returns false, with out cut at a whole escape, when it
 * does not fit. */
bool url_percent_encode(char *out, size_t size, size_t *pos, const char *s);

#endif
