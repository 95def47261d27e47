/*
 * The one UTF-8 check (RFC 3629): well-formed means no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing past U+10FFFF and no truncated sequence. Pure functions.
 */
#ifndef UJIKOM_UTF8_H
#define UJIKOM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the well-formed UTF-8 sequence at s, of which at most n bytes may be
 * read, or 0 when it is invalid (n == 0 included). Bytes are read in order and reading
 * stops at the first that does not fit, so on NUL-terminated text n may exceed what is left
 * (the NUL ends the sequence). */
size_t utf8_seq_len(const char *s, size_t n);

/* The same, with the code point of the sequence in *out_cp (untouched when 0 is returned). */
size_t utf8_decode(const char *s, size_t n, uint32_t *out_cp);

/* True when s[0..n) is well-formed UTF-8. NUL bytes are well-formed (U+0000). */
bool utf8_well_formed(const char *s, size_t n);

/* The largest length <= max at which s[0..len) can be cut without splitting a sequence:
 * len itself when len <= max. For text that is well-formed, s[0..result) is too. */
size_t utf8_cut(const char *s, size_t len, size_t max);

#endif
