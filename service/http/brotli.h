/*
 * Brotli (RFC 7932) for answers to clients that accept it: every current browser does over
 * HTTPS and from localhost. Static assets are compressed once, at build time at the best
 * quality (cmake: the `brotli` tool); pages and JSON per request (libbrotlienc), sent in
 * brotli when the client prefers it to gzip (parse.h, accept_encoding_pick). Which bodies
 * are worth compressing is gzip.h's rule, for either coding.
 */
#ifndef UJIKOM_BROTLI_H
#define UJIKOM_BROTLI_H

#include <stddef.h>

/* Per request: quality 5 compresses the 33-item exam page (~28 KB) to ~6,750 bytes in about
 * the time libdeflate's level 9 takes for its ~7,090 gzip bytes (~0.3 ms here); quality 9 and
 * up take 30 to 100 times longer for at most 8 % less. */
#define BROTLI_QUALITY_PER_REQUEST 5

/* data brotli-compressed at quality (0..11), its window fitted to the size, in a buffer the
 * caller frees; NULL when out of memory or when it would not save a tenth of the size (as
 * gzip_compress). *out_len is its length. */
unsigned char *brotli_compress(const void *data, size_t size, int quality, size_t *out_len);

#endif
