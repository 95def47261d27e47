/*
 * A person's data as one download: the account holder's own copy (GET /api/me/data) and the
 * same document made by an administrator for someone who asks the LSP instead
 * (GET /api/admin/users/:id/data). common/personal_data.c assembles and records it; this
 * file hands it out as a JSON file, indented for people to read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/personal_data.h"
#include "http/handlers.h"
#include "http/ratelimit.h"
#include "ujikom/timefmt.h"

/* Answers with user_id's document as asked for by the request's user; missing is the answer
 * when there is no such account. */
static int reply_export(struct req *r, int64_t user_id, enum err missing) {
  json_t *doc = NULL;
  int store_rc = STORE_OK;
  int64_t retry_after_s = 0;
  enum personal_data_rc rc = personal_data_export(&doc, r->svc, user_id, r->user->id, r->now_ms,
                                                  &retry_after_s, &store_rc);
  switch (rc) {
  case PERSONAL_DATA_OK:
    break;
  case PERSONAL_DATA_LIMITED:
    log_msg(LOG_INFO, r->request_id, "rate limited: personal data download");
    return ratelimit_reply(r, retry_after_s);
  case PERSONAL_DATA_NOT_FOUND:
    return reply_error(r, missing, NULL);
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
  snprintf(filename, sizeof filename, "ujikom-data-%" PRId64 "-%s.json", user_id, date);
  return reply_download(r, "application/json; charset=utf-8", filename, text,
                        NULL != text ? strlen(text) : 0);
}

/* GET /api/me/data */
int h_me_data(struct req *r) {
  /* no account: it went between the session's read and this one */
  return reply_export(r, r->user->id, ERR_UNAUTHENTICATED);
}

/* GET /api/admin/users/:id/data */
int h_admin_users_data(struct req *r) {
  int64_t id = 0;
  if (!reply_need_id(r, ERR_USER_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  return reply_export(r, id, ERR_USER_NOT_FOUND);
}
