/*
 * Compact JSON text of a jansson value, byte for byte what json_dumps gives with
 * JSON_COMPACT | JSON_ENCODE_ANY (and JSON_SORT_KEYS when asked), in a fraction of its work:
 * jansson's dump decodes every character of every string and calls back per token, about a
 * hundred instructions per byte of output, which made dumping a tenth of a certificate's
 * issuance. Strings are copied eight bytes at a time where nothing needs escaping.
 * tests/fuzz/fuzz_json_compact.c holds the output to json_dumps's on any parsed document.
 *
 * json_quote is also how the HTTP layer's JSON writer writes strings.
 */
#ifndef UJIKOM_JSON_COMPACT_H
#define UJIKOM_JSON_COMPACT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Nesting deeper than this fails (jansson's parser accepts at most 2048 levels). */
#define JSON_COMPACT_MAX_DEPTH 2048

/* The text of v, malloc'd (free it), or NULL: out of memory, v NULL, a string or key that is
 * not well-formed UTF-8, or nesting past JSON_COMPACT_MAX_DEPTH (json_dumps fails on the
 * first two and on a real that is not finite, which jansson cannot hold). */
char *json_compact(const json_t *v, bool sort_keys);

/* The decimal text of v (as printf's %lld writes it, at most 20 bytes) at the end of the 21
 * bytes at out: returns where it starts. No NUL is written. */
#define JSON_INT_TEXT_SIZE 21
char *json_int_text(char out[JSON_INT_TEXT_SIZE], long long v);

/* Room json_quote may need for n bytes: the two quotes and every byte a \u00XX escape; n at
 * most JSON_QUOTE_MAX_IN. */
#define JSON_QUOTED_MAX(n) (6 * (n) + 2)
#define JSON_QUOTE_MAX_IN  (((size_t)-1 - 2) / 6)

/* Writes the n bytes at s as a JSON string, quoted and escaped as json_dumps writes it, to
 * out, which has room for JSON_QUOTED_MAX(n) bytes: returns the count written, or
 * (size_t)-1 when s is not well-formed UTF-8 (out then holds a part). */
size_t json_quote(char *out, const char *s, size_t n);

#endif
