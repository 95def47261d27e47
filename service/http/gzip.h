/*
 * gzip for answers: which content types are worth compressing, the smallest body that is,
 * and the compression itself (libdeflate: whole buffers, the output standard gzip). Static
 * assets are compressed once (static_assets.c), every other answer as it is sent (server.c).
 */
#ifndef UJIKOM_GZIP_H
#define UJIKOM_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/* Bodies shorter than this are sent as they are: they fit in one packet either way, and
 * the gzip header and trailer would eat most of what compressing them saves. */
#define GZIP_MIN_BYTES 1024

/* libdeflate's levels (1..12). Static assets are compressed once: at build time by zopfli,
 * or at start-up at the best level when the build had no zopfli. Every other answer per
 * request at 9, libdeflate's best before its slow near-optimal levels: for the 33-item exam
 * page (~31 KB) 7,526 bytes in ~2.8 M instructions where zlib's default level took 7,669
 * in ~3.4 M; level 10 saves ~180 bytes more for ~7 times the work. */
#define GZIP_LEVEL_ONCE        12
#define GZIP_LEVEL_PER_REQUEST 9

/* Whether a body of this content type (its parameters ignored) is text that gzip shrinks:
 * text/..., JSON (and ...+json), JavaScript, SVG, XML. Images other than SVG, PDF, fonts
 * and other already-compressed or binary types are not. */
bool gzip_worthwhile_type(const char *content_type);

/* data gzip-compressed (no file name or time in the header, so the same bytes give the same
 * output on every run), in a buffer the caller frees; NULL when out of memory or when it
 * would not save a tenth of the size. *out_len is its length. */
unsigned char *gzip_compress(const void *data, size_t size, int level, size_t *out_len);

#endif
