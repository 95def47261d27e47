/*
 * Small helpers every resource needs: ids in paths and the API's time format.
 */
#ifndef UJIKOM_REQUTIL_H
#define UJIKOM_REQUTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses a positive decimal id (1 to 18 digits, nothing else), e.g. a path segment.
 * Returns false for anything else, leaving *out untouched. */
bool parse_id(const char *s, int64_t *out);
/* ms since the epoch as an ISO-8601 UTC string with seconds ("2026-11-22T08:00:00Z");
 * JSON null for ms <= 0 ("not yet"). */
json_t *json_time(int64_t ms);
/* The same text into out (at least 21 bytes); "" for ms <= 0. */
void iso_time(char *out, size_t outlen, int64_t ms);

#endif
