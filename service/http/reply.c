/*
 * Answers built on the adapter's primitives. Error pages for browsers come from the page
 * layout, which itself never replies, so the error path has no way back into this file.
 */
#include "http/reply.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/parse.h"
#include "http/requtil.h"
#include "store/store.h"
#include "ujikom/json_compact.h"

int reply_json(struct req *r, unsigned status, json_t *body) {
  if (NULL == body) {
    body = json_object();
  }
  char *text = json_compact(body, false);
  json_decref(body);
  if (NULL == text) {
    return reply_bytes(r, 500, "application/json",
                       "{\"error\":\"internal\",\"message\":\"Internal error.\"}", 47);
  }
  return reply_bytes_owned(r, status, "application/json; charset=utf-8", text, strlen(text));
}

bool reply_need_id(struct req *r, enum err missing, int64_t *out) {
  if (!parse_id(r->params[0], out)) {
    reply_error(r, missing, NULL);
    return false;
  }
  return true;
}

bool reply_need_object(struct req *r) {
  if (NULL == r->json || !json_is_object(r->json)) {
    reply_error(r, ERR_INVALID_FIELD, "A JSON object body is required.");
    return false;
  }
  return true;
}

int reply_prebuilt_held(struct req *r, struct prebuilt *p) {
  if (NULL == p) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  int rc = reply_prebuilt(r, p);
  prebuilt_release(p);
  return rc;
}

int reply_download(struct req *r, const char *type, const char *filename, void *data, size_t len) {
  if (NULL == data) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  char disposition[160];
  snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
  reply_header(r, "Content-Disposition", disposition);
  return reply_bytes_owned(r, 200, type, data, len);
}

int reply_json_list(struct req *r, const char *key, json_t *list) {
  if (NULL == list) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200, json_pack("{s:o}", key, list));
}

/* The language of an error's message in JSON: the lang cookie (the language the person
 * chose); else Indonesian for a request from one of our pages (Sec-Fetch-Site: same-origin),
 * whose language without the cookie is Indonesian; else what Accept-Language prefers of
 * the two; else English (API clients). */
static const char *error_lang(const struct req *r) {
  const char *cookie = req_cookie(r, "lang");
  if (NULL != cookie && (0 == strcmp(cookie, "en") || 0 == strcmp(cookie, "id"))) {
    return cookie;
  }
  const char *site = req_header(r, "Sec-Fetch-Site");
  if (NULL != site && 0 == strcmp(site, "same-origin")) {
    return "id";
  }
  const char *lang = accept_language_pick(req_header(r, "Accept-Language"));
  return NULL != lang ? lang : "en";
}

int reply_error(struct req *r, enum err code, const char *detail) {
  return reply_error_reason(r, code, NULL, detail);
}

int reply_error_reason(struct req *r, enum err code, const char *reason, const char *detail) {
  unsigned status = err_status(code);
  const char *logged = detail ? detail : err_message(code);
  if (status >= 500) {
    log_msg(LOG_ERROR, r->request_id, "%s: %s", err_name(code), logged);
  } else {
    log_msg(LOG_DEBUG, r->request_id, "%s: %s", err_name(code), logged);
  }
  if ((429 == status || 503 == status) && !reply_has_header(r, "Retry-After")) {
    reply_header(r, "Retry-After", "1");
  }
  char field[64];
  if (NULL == reason) {
    err_reason_of(field, sizeof field, detail);
    reason = '\0' != field[0] ? field : NULL;
  }
  char buf[512];
  if (!req_wants_json(r)) {
    const char *text = err_text(buf, sizeof buf, code, r->lang, reason, detail);
    struct html *page = layout_error_html(r, status, NULL, text);
    if (NULL != page) {
      return reply_html(r, status, page);
    }
  }
  json_t *body = json_pack("{s:s, s:s}", "error", err_name(code), "message",
                           err_text(buf, sizeof buf, code, error_lang(r), reason, detail));
  if (NULL != body && NULL != reason) {
    json_object_set_new(body, "reason", json_string(reason));
  }
  if (NULL != body && NULL != detail) {
    json_object_set_new(body, "detail", json_string(detail));
  }
  return reply_json(r, status, body);
}

int reply_html(struct req *r, unsigned status, struct html *h) {
  size_t len = 0;
  char *data = html_take(h, &len);
  if (NULL == data) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_bytes_owned(r, status, "text/html; charset=utf-8", data, len);
}

int reply_store_error(struct req *r, int store_rc, const char *what) {
  log_msg(STORE_HARD == store_rc ? LOG_ERROR : LOG_WARN, r->request_id, "%s: store %s",
          what ? what : "request", store_rc_name(store_rc));
  if (STORE_BUSY == store_rc) {
    return reply_error(r, ERR_BUSY, NULL);
  }
  if (STORE_UNAVAILABLE == store_rc) {
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  }
  return reply_error(r, ERR_INTERNAL, NULL);
}
