/*
 * Small helpers every resource needs: ids in paths and the API's time format.
 */
#ifndef UJIKOM_REQUTIL_H
#define UJIKOM_REQUTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/api_time.h"

/* Parses a positive decimal id (1 to 18 digits, nothing else), e.g. a path segment.
 * Returns false for anything else, leaving *out untouched. */
bool parse_id(const char *s, int64_t *out);
/* The API's time (json_time, common/api_time.h) as text into out (at least 21 bytes); ""
 * for ms <= 0. */
void iso_time(char *out, size_t outlen, int64_t ms);
/* The text of member name of a JSON object, or NULL when it is absent, not a string or holds
 * a NUL byte. */
const char *json_member_str(const json_t *obj, const char *name);

#endif
