/*
 * gzip for answers: which content types are worth compressing, the smallest body that is,
 * and the compression itself (zlib). Static assets are compressed once at start-up
 * (static_assets.c), every other answer as it is sent (server.c).
 */
#ifndef UJIKOM_GZIP_H
#define UJIKOM_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/* Bodies shorter than this are sent as they are: they fit in one packet either way, and
 * the gzip header and trailer would eat most of what compressing them saves. */
#define GZIP_MIN_BYTES 1024

/* Levels: static assets are compressed once, at start-up (best); every other answer per
 * request (zlib's default, about 3/4 of the time of best for nearly the same size). */
#define GZIP_LEVEL_ONCE        9
#define GZIP_LEVEL_PER_REQUEST 6

/* Whether a body of this content type (its parameters ignored) is text that gzip shrinks:
 * text/..., JSON (and ...+json), JavaScript, SVG, XML. Images other than SVG, PDF, fonts
 * and other already-compressed or binary types are not. */
bool gzip_worthwhile_type(const char *content_type);

/* data gzip-compressed (no file name or time in the header, so the same bytes give the same
 * output on every run), in a buffer the caller frees; NULL when out of memory or when it
 * would not save a tenth of the size. *out_len is its length. */
unsigned char *gzip_compress(const void *data, size_t size, int level, size_t *out_len);

#endif
