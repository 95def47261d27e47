/*
 * Links between the pages of a list (see pager.h).
 */
#include "http/pager.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "http/layout.h"
#include "http/reply.h"
#include "http/requtil.h"
#include "ujikom/urlenc.h"

const char *pager_query(const struct req *r, const char *name) {
  const char *v = req_query(r, name);
  return NULL != v && '\0' != v[0] ? v : NULL;
}

bool pager_text(struct req *r, const char *name, const char **out) {
  char msg[64];
  *out = pager_query(r, name);
  if (NULL == *out || strlen(*out) <= PAGER_TEXT_MAX) {
    return true;
  }
  snprintf(msg, sizeof msg, "%s: at most %d bytes.", name, PAGER_TEXT_MAX);
  reply_error(r, ERR_INVALID_FIELD, msg);
  return false;
}

bool pager_cursor(struct req *r, const char *name, int64_t *out) {
  char msg[64];
  const char *v = pager_query(r, name);
  *out = 0;
  if (NULL == v || parse_id(v, out)) {
    return true;
  }
  snprintf(msg, sizeof msg, "%s: a number from a \"next page\" link.", name);
  reply_error(r, ERR_INVALID_FIELD, msg);
  return false;
}

bool pager_serial_cursor(struct req *r, const char *name, const char **out) {
  char msg[80];
  const char *v = pager_query(r, name);
  size_t n = NULL == v ? 0 : strlen(v);
  *out = v;
  if (NULL == v || (n <= 64 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n)) {
    return true;
  }
  snprintf(msg, sizeof msg, "%s: a serial from a \"next page\" link.", name);
  reply_error(r, ERR_INVALID_FIELD, msg);
  return false;
}

static bool put_raw(char *out, size_t outlen, size_t *pos, const char *s) {
  size_t n = strlen(s);
  if (*pos + n >= outlen) {
    return false;
  }
  memcpy(out + *pos, s, n + 1);
  *pos += n;
  return true;
}

static bool put_param(char *out, size_t outlen, size_t *pos, const char *name, const char *value) {
  return put_raw(out, outlen, pos, NULL == strchr(out, '?') ? "?" : "&") &&
         put_raw(out, outlen, pos, name) && put_raw(out, outlen, pos, "=") &&
         url_percent_encode(out, outlen, pos, value);
}

bool pager_add_param(char *out, size_t outlen, const char *name, const char *value) {
  size_t pos = strlen(out);
  return pos < outlen && put_param(out, outlen, &pos, name, value);
}

bool pager_param_href(char *out, size_t outlen, const char *path, const char *name,
                      const char *value) {
  size_t pos = 0;
  bool ok = outlen > 1;
  if (ok) {
    out[0] = '\0';
    ok = put_raw(out, outlen, &pos, path) && put_param(out, outlen, &pos, name, value);
  }
  if (!ok && outlen > 1) {
    memcpy(out, "#", 2);
  }
  return ok;
}

/* The list's href with the request's filters and cursor=next (none when next is NULL). */
static bool href_to(char *out, size_t outlen, const struct req *r, const struct pager *p,
                    const char *next) {
  size_t pos = 0;
  bool ok = outlen > 1;
  if (ok) {
    out[0] = '\0';
    ok = put_raw(out, outlen, &pos, p->path);
  }
  for (size_t i = 0; ok && NULL != p->keep && NULL != p->keep[i]; i++) {
    const char *v = pager_query(r, p->keep[i]);
    if (NULL != v) {
      ok = put_param(out, outlen, &pos, p->keep[i], v);
    }
  }
  if (ok && NULL != next) {
    ok = put_param(out, outlen, &pos, p->cursor, next);
  }
  if (ok && NULL != p->fragment) {
    ok = put_raw(out, outlen, &pos, "#") && put_raw(out, outlen, &pos, p->fragment);
  }
  if (!ok && outlen > 1) {
    memcpy(out, "#", 2);
  }
  return ok;
}

bool pager_href(char *out, size_t outlen, const struct req *r, const struct pager *p,
                int64_t next) {
  char num[24];
  snprintf(num, sizeof num, "%" PRId64, next);
  return href_to(out, outlen, r, p, next > 0 ? num : NULL);
}

void pager_nav_text(struct html *h, const struct req *r, const struct pager *p, const char *next,
                    const char *label_key) {
  bool past_first = NULL != pager_query(r, p->cursor);
  if (!past_first && NULL == next) {
    return;
  }
  char href[1024];
  HTML_LIT(h, "<nav class=\"pager\"");
  html_attr(h, "aria-label", L(r, label_key));
  HTML_LIT(h, "><ul>");
  if (past_first) {
    href_to(href, sizeof href, r, p, NULL);
    HTML_LIT(h, "<li>");
    html_link(h, href, L(r, "pager.first"));
    HTML_LIT(h, "</li>");
  }
  if (NULL != next) {
    href_to(href, sizeof href, r, p, next);
    HTML_LIT(h, "<li><a rel=\"next\"");
    html_attr_url(h, "href", href);
    HTML_LIT(h, ">");
    html_text(h, L(r, "pager.next"));
    HTML_LIT(h, "</a></li>");
  }
  HTML_LIT(h, "</ul></nav>");
}

void pager_nav(struct html *h, const struct req *r, const struct pager *p, int64_t next,
               const char *label_key) {
  char num[24];
  snprintf(num, sizeof num, "%" PRId64, next);
  pager_nav_text(h, r, p, next > 0 ? num : NULL, label_key);
}
