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

bool pager_href(char *out, size_t outlen, const struct req *r, const struct pager *p,
                int64_t next) {
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
  if (ok && next > 0) {
    char num[24];
    snprintf(num, sizeof num, "%" PRId64, next);
    ok = put_param(out, outlen, &pos, p->cursor, num);
  }
  if (ok && NULL != p->fragment) {
    ok = put_raw(out, outlen, &pos, "#") && put_raw(out, outlen, &pos, p->fragment);
  }
  if (!ok && outlen > 1) {
    memcpy(out, "#", 2);
  }
  return ok;
}

void pager_nav(struct html *h, const struct req *r, const struct pager *p, int64_t next,
               const char *label_key) {
  bool past_first = NULL != pager_query(r, p->cursor);
  if (!past_first && next <= 0) {
    return;
  }
  char href[1024];
  HTML_LIT(h, "<nav class=\"pager\"");
  html_attr(h, "aria-label", L(r, label_key));
  HTML_LIT(h, "><ul>");
  if (past_first) {
    pager_href(href, sizeof href, r, p, 0);
    HTML_LIT(h, "<li><a");
    html_attr_url(h, "href", href);
    HTML_LIT(h, ">");
    html_text(h, L(r, "pager.first"));
    HTML_LIT(h, "</a></li>");
  }
  if (next > 0) {
    pager_href(href, sizeof href, r, p, next);
    HTML_LIT(h, "<li><a rel=\"next\"");
    html_attr_url(h, "href", href);
    HTML_LIT(h, ">");
    html_text(h, L(r, "pager.next"));
    HTML_LIT(h, "</a></li>");
  }
  HTML_LIT(h, "</ul></nav>");
}
