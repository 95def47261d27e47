/*
 * Helpers shared by the resource handlers: id parsing and the API's time format, so each
 * handler file does not carry its own copy.
 */
#include "http/requtil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ujikom/timefmt.h"

bool parse_id(const char *s, int64_t *out) {
  if (NULL == s || s[0] < '1' || s[0] > '9' || strlen(s) > 18) {
    return false;
  }
  for (const char *p = s; '\0' != *p; p++) {
    if (*p < '0' || *p > '9') {
      return false;
    }
  }
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (0 != errno || '\0' != *end || v <= 0) {
    return false;
  }
  *out = (int64_t)v;
  return true;
}

void iso_time(char *out, size_t outlen, int64_t ms) {
  if (ms <= 0) {
    if (outlen > 0) {
      out[0] = '\0';
    }
    return;
  }
  time_format(out, outlen, ms / 1000, TIME_ISO);
}

const char *json_member_str(const json_t *obj, const char *name) {
  json_t *v = json_object_get(obj, name);
  if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
    return NULL;
  }
  return json_string_value(v);
}
