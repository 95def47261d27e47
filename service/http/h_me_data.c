/*
 * An account's own data as one download (GET /api/me/data): the data subject's copy that
 * common/personal_data.c assembles and records. A JSON file, indented for people to read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/personal_data.h"
#include "common/log.h"
#include "http/handlers.h"
#include "http/ratelimit.h"
#include "ujikom/timefmt.h"

/* GET /api/me/data */
int h_me_data(struct req *r) {
  json_t *doc = NULL;
  int store_rc = STORE_OK;
  int64_t retry_after_s = 0;
  enum personal_data_rc rc =
      personal_data_export(&doc, r->svc, r->user->id, r->now_ms, &retry_after_s, &store_rc);
  switch (rc) {
  case PERSONAL_DATA_OK:
    break;
  case PERSONAL_DATA_LIMITED:
    log_msg(LOG_INFO, r->request_id, "rate limited: personal data download");
    return ratelimit_reply(r, retry_after_s);
  case PERSONAL_DATA_NOT_FOUND: /* the account went between the session's read and this one */
    return reply_error(r, ERR_UNAUTHENTICATED, NULL);
  case PERSONAL_DATA_STORE_FAILED:
    return reply_store_error(r, store_rc, __func__);
  case PERSONAL_DATA_NO_MEMORY:
  default:
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  char *text = json_dumps(doc, JSON_INDENT(2));
  json_decref(doc);
  char date[16];
  char filename[64];
  if (0 == time_format(date, sizeof date, r->now_ms / 1000, TIME_DATE)) {
    snprintf(date, sizeof date, "%s", "today");
  }
  snprintf(filename, sizeof filename, "ujikom-data-%" PRId64 "-%s.json", r->user->id, date);
  return reply_download(r, "application/json; charset=utf-8", filename, text,
                        NULL != text ? strlen(text) : 0);
}
