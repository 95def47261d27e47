/*
 * Parsers for what arrives on the wire: the request target (path + query), form bodies,
 * the Cookie header, UTF-8 text and JSON nesting depth. Pure functions over bytes, so
 * each one has a fuzz target (tests/fuzz/).
 */
#ifndef UJIKOM_PARSE_H
#define UJIKOM_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* One decoded name=value pair; both strings are owned by the list. */
struct kv {
  char *name;
  char *value;
};

struct kv_list {
  struct kv *items;
  size_t count;
};

enum parse_rc {
  PARSE_OK = 0,
  PARSE_BAD = -1,      /* malformed (bad %-escape, NUL byte, invalid UTF-8) */
  PARSE_TOO_MANY = -2, /* more than max_fields pairs */
  PARSE_NOMEM = -3,
};

/* Splits "a=1&b=x%20y" (a query string or an application/x-www-form-urlencoded body, with
 * '+' as space) into out. Decoded names and values must be valid UTF-8 without NUL.
 * On error out is left empty. Free with kv_list_free. */
enum parse_rc parse_urlencoded(struct kv_list *out, const char *s, size_t len, size_t max_fields);

/* Splits a request target "/path?query" into a decoded path (out_path, caller frees) and the
 * raw query (pointer into target, or NULL). The path must start with '/', decode to valid
 * UTF-8 without NUL, and contain no "." or ".." segment. */
enum parse_rc parse_target(char **out_path, const char **out_query, const char *target);
/* The same, decoding into buf (buflen bytes) when the path fits there, so the common short
 * target costs no allocation; *out_path is then buf, else a new string the caller frees
 * (free it only when it is not buf). PARSE_NOMEM when the allocation failed. */
enum parse_rc parse_target_buf(char **out_path, const char **out_query, const char *target,
                               char *buf, size_t buflen);

/* Finds cookie `name` in a Cookie header value ("a=1; b=2"). Copies the value into out
 * (at most outlen-1 bytes); returns false when absent, malformed or too long. */
bool parse_cookie(const char *header, const char *name, char *out, size_t outlen);

/* The value for name in list, or NULL. */
const char *kv_get(const struct kv_list *l, const char *name);
void kv_list_free(struct kv_list *l);

/* Whether an Accept-Encoding header value (RFC 9110, 12.5.3; NULL: no header) accepts gzip:
 * "gzip" or "x-gzip" listed with a non-zero weight, or "*" with a non-zero weight and gzip
 * not refused by name. Malformed elements are skipped. */
bool accepts_gzip(const char *accept_encoding);

/* The content codings a compressible answer may be sent in. */
enum content_coding { CODING_IDENTITY, CODING_GZIP, CODING_BR };

/* The coding to send a compressible answer in, for an Accept-Encoding header value (NULL: no
 * header, which gets the identity): of br and gzip ("x-gzip" alike), the accepted one with
 * the higher weight, br on a tie. A coding is accepted when listed with a non-zero weight
 * (every listing of it: a repeated one refused once is refused), or, not listed, when "*"
 * is with a non-zero weight. CODING_IDENTITY when neither is accepted. Malformed elements
 * are skipped. */
enum content_coding accept_encoding_pick(const char *header);

/* The language of ours ("id" or "en") that an Accept-Language header value (RFC 9110,
 * 12.5.4; NULL: no header) prefers: the one with the highest non-zero weight, the first of
 * equal weights; "id-ID", "in" and "en-GB" count as their primary language. NULL when it
 * names neither ("*" says nothing about which). Malformed elements are skipped. */
const char *accept_language_pick(const char *header);

/* True when the JSON text nests arrays/objects no deeper than max_depth (strings are
 * skipped, so brackets inside strings do not count). Cheap pre-check before parsing. */
bool json_depth_ok(const char *s, size_t len, int max_depth);

#endif
