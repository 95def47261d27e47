/*
 * Page routes behind the forms that act through the JSON API (reviews, appeals, admin
 * actions, certificate issuance). With JavaScript the browser posts JSON to the API itself;
 * without it the form arrives here, its fields are turned into the very JSON body the API
 * expects (field names are paths split on '/', a leading '#' marks an integer, a leading
 * '!' a boolean ("true" / "false"), empty fields are left out) and the API handler runs on it. The
 * rules therefore live in one place; the answer is the API's, except that a success of a form
 * carrying "_next" (a local path, see layout_api_form) becomes a 303 redirect there: post,
 * redirect, get, with the notice the path names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/parse.h"

/* Sets body[path] = value, creating the objects on the way; a path that runs into a
 * non-object is ignored (the API then reports the missing field). */
static int set_path(json_t *body, const char *name, json_t *value) {
  json_t *o = body;
  char part[256];
  const char *p = name;
  for (;;) {
    const char *slash = strchr(p, '/');
    size_t len = NULL != slash ? (size_t)(slash - p) : strlen(p);
    if (0 == len || len >= sizeof(part)) {
      json_decref(value);
      return 0;
    }
    memcpy(part, p, len);
    part[len] = '\0';
    if (NULL == slash) {
      return json_object_set_new(o, part, value);
    }
    json_t *next = json_object_get(o, part);
    if (NULL == next) {
      next = json_object();
      if (NULL == next || 0 != json_object_set_new(o, part, next)) {
        json_decref(value);
        return -1;
      }
    } else if (!json_is_object(next)) {
      json_decref(value);
      return 0;
    }
    o = next;
    p = slash + 1;
  }
}

static json_t *form_to_json(const struct kv_list *kv) {
  json_t *body = json_object();
  for (size_t i = 0; NULL != body && i < kv->count; i++) {
    const char *name = kv->items[i].name;
    const char *value = kv->items[i].value;
    if (0 == strcmp(name, "csrf") || 0 == strcmp(name, LAYOUT_FORM_NEXT) || '\0' == value[0]) {
      continue;
    }
    json_t *v = NULL;
    if ('#' == name[0]) {
      char *end = NULL;
      errno = 0;
      long long n = strtoll(value, &end, 10);
      v = (0 == errno && '\0' == *end) ? json_integer((json_int_t)n) : json_string(value);
      name++;
    } else if ('!' == name[0]) {
      v = 0 == strcmp(value, "true")    ? json_true()
          : 0 == strcmp(value, "false") ? json_false()
                                        : json_string(value);
      name++;
    } else {
      v = json_string(value);
    }
    if (NULL == v || 0 != set_path(body, name, v)) {
      json_decref(body);
      return NULL;
    }
  }
  return body;
}

int h_page_form_bridge(struct req *r, handler_fn api) {
  struct kv_list kv = {0};
  enum parse_rc rc = parse_urlencoded(&kv, NULL != r->body ? r->body : "", r->body_len,
                                      (size_t)r->svc->cfg->form_max_fields);
  if (PARSE_TOO_MANY == rc) {
    return reply_error(r, ERR_TOO_MANY_FIELDS, NULL);
  }
  if (PARSE_OK != rc) {
    return reply_error(r, ERR_BAD_REQUEST, "The form data is malformed or not UTF-8.");
  }
  json_t *body = form_to_json(&kv);
  const char *next_field = kv_get(&kv, LAYOUT_FORM_NEXT);
  char *next = NULL != next_field && html_local_path(next_field) ? strdup(next_field) : NULL;
  kv_list_free(&kv);
  if (NULL == body) {
    free(next);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  json_decref(r->json);
  r->json = body; /* owned by the request from here on */
  int ret = api(r);
  unsigned status = reply_status(r);
  if (NULL != next && status >= 200 && status < 300) {
    reply_discard(r);
    ret = reply_redirect(r, next);
  }
  free(next);
  return ret;
}
