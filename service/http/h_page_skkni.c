/*
 * The public pages an Open Badges credential links to: an exam scheme (the achievement's id,
 * /skkni/:exam) and one SKKNI unit of it (each alignment's targetUrl, /skkni/:exam/:unit),
 * from the current catalogue. Anybody may read them; an unknown scheme or unit is 404.
 */
#include <string.h>

#include "common/catalog.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"

static int not_found(struct req *r) {
  return layout_message_page(r, 404, "page.not_found", "page.not_found_text");
}

static const struct exam *scheme_of(struct req *r) {
  return NULL == r->svc->catalog ? NULL : catalog_current(r->svc->catalog, r->params[0]);
}

static const char *unit_title(const struct req *r, const struct exam_unit *u) {
  return 0 == strcmp(r->lang, "en") && NULL != u->title_en ? u->title_en : u->title;
}

static const char *scheme_title(const struct req *r, const struct exam *x) {
  return 0 == strcmp(r->lang, "en") && NULL != x->title_en ? x->title_en : x->title;
}

/* The scheme's heading: its title, scheme name and subsector. */
static void scheme_head(struct html *h, const struct req *r, const struct exam *x) {
  HTML_LIT(h, "<dl class=\"facts\"><dt>");
  html_text(h, L(r, "skkni.scheme"));
  HTML_LIT(h, "</dt><dd>");
  html_text(h, scheme_title(r, x));
  if (NULL != x->scheme && x->scheme[0]) {
    HTML_LIT(h, " (");
    html_text(h, x->scheme);
    HTML_LIT(h, ")");
  }
  HTML_LIT(h, "</dd><dt>");
  html_text(h, L(r, "skkni.subsector"));
  HTML_LIT(h, "</dt><dd>");
  html_text(h, x->subsector);
  HTML_LIT(h, "</dd></dl>");
}

/* A page titled title, its heading and the lead paragraph (catalogue key lead); NULL when
 * memory runs out. */
static struct html *page_begin(struct req *r, const char *title, const char *lead) {
  struct html *h = html_new();
  if (NULL != h) {
    layout_begin(h, r, title);
    HTML_LIT(h, "<h1>");
    html_text(h, title);
    html_fmt(h, "</h1><p>%s</p>", L(r, lead));
  }
  return h;
}

int h_page_skkni_scheme(struct req *r) {
  const struct exam *x = scheme_of(r);
  if (NULL == x) {
    return not_found(r);
  }
  struct html *h = page_begin(r, scheme_title(r, x), "skkni.scheme_lead");
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  scheme_head(h, r, x);
  html_fmt(h, "<h2>%s</h2><ul>", L(r, "skkni.units"));
  for (size_t i = 0; i < x->nunits; i++) {
    HTML_LIT(h, "<li><a href=\"/skkni/");
    html_text(h, x->id);
    HTML_LIT(h, "/");
    html_text(h, x->units[i].code);
    HTML_LIT(h, "\">");
    html_text(h, x->units[i].code);
    HTML_LIT(h, "</a> ");
    html_text(h, unit_title(r, &x->units[i]));
    HTML_LIT(h, "</li>");
  }
  HTML_LIT(h, "</ul>");
  layout_end(h, r);
  return layout_reply(r, 200, h);
}

int h_page_skkni_unit(struct req *r) {
  const struct exam *x = scheme_of(r);
  const struct exam_unit *u = NULL;
  for (size_t i = 0; NULL != x && i < x->nunits && NULL == u; i++) {
    if (0 == strcmp(x->units[i].code, r->params[1])) {
      u = &x->units[i];
    }
  }
  if (NULL == u) {
    return not_found(r);
  }
  struct html *h = page_begin(r, unit_title(r, u), "skkni.unit_lead");
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  html_fmt(h, "<dl class=\"facts\"><dt>%s</dt><dd>", L(r, "skkni.unit_code"));
  html_text(h, u->code);
  HTML_LIT(h, "</dd></dl>");
  scheme_head(h, r, x);
  HTML_LIT(h, "<p><a href=\"/skkni/");
  html_text(h, x->id);
  html_fmt(h, "\">%s</a></p>", L(r, "skkni.all_units"));
  layout_end(h, r);
  return layout_reply(r, 200, h);
}
