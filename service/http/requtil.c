/*
 * Helpers shared by the resource handlers: store failures as replies, id parsing and the
 * API's time format, so each handler file does not carry its own copy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "http/http.h"
#include "store/store.h"

int reply_store_error(struct req *r, int store_rc, const char *what) {
  log_msg(STORE_HARD == store_rc ? LOG_ERROR : LOG_WARN, r->request_id, "%s: store %s",
          what ? what : "request", store_rc_name(store_rc));
  if (STORE_BUSY == store_rc)
    return reply_error(r, ERR_BUSY, NULL);
  if (STORE_UNAVAILABLE == store_rc)
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  return reply_error(r, ERR_INTERNAL, NULL);
}

bool parse_id(const char *s, int64_t *out) {
  if (NULL == s || s[0] < '1' || s[0] > '9' || strlen(s) > 18)
    return false;
  for (const char *p = s; '\0' != *p; p++)
    if (*p < '0' || *p > '9')
      return false;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (0 != errno || '\0' != *end || v <= 0)
    return false;
  *out = (int64_t)v;
  return true;
}

void iso_time(char *out, size_t outlen, int64_t ms) {
  struct tm tm;
  time_t t = (time_t)(ms / 1000);
  if (outlen > 0)
    out[0] = '\0';
  if (ms <= 0 || NULL == gmtime_r(&t, &tm))
    return;
  if (0 == strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) && outlen > 0)
    out[0] = '\0';
}

json_t *json_time(int64_t ms) {
  char buf[32];
  iso_time(buf, sizeof(buf), ms);
  return '\0' == buf[0] ? json_null() : json_string(buf);
}
