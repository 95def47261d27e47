/*
 * The home page: the subsectors of the catalogue, each with its exams, and a start button
 * for candidates. "Mulai uji" leads to the page before the clock starts (see the exam pages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"

/* One card per subsector (in catalogue order) with its exams. */
static void render_home(struct html *h, const struct req *r, const struct exam_subsectors *subs,
                        const struct exam *const *exams, size_t nexams) {
  bool en = 0 == strcmp(r->lang, "en");
  html_fmt(h, "<h1>%s</h1><p>%s</p><h2>%s</h2>", L(r, "home.title"), L(r, "home.lead"),
           L(r, "home.subsectors"));
  if (NULL == subs) {
    html_fmt(h, "<p class=\"notice warn\">%s</p>", L(r, "home.catalog_unavailable"));
    return;
  }
  HTML_LIT(h, "<div class=\"grid\">");
  for (size_t s = 0; s < subs->n; s++) {
    const struct exam_subsector *sub = &subs->items[s];
    html_fmt(h, "<section class=\"card\" id=\"sub-%s\" aria-labelledby=\"h-%s\"><h3", sub->code,
             sub->code);
    html_fmt(h, " id=\"h-%s\">", sub->code);
    html_text(h, en ? sub->name_en : sub->name_id);
    html_fmt(h, " <span class=\"hint\">(%s)</span></h3>", sub->code);
    size_t shown = 0;
    for (size_t e = 0; e < nexams; e++) {
      const struct exam *x = exams[e];
      if (0 != strcmp(x->subsector, sub->code)) {
        continue;
      }
      if (0 == shown++) {
        HTML_LIT(h, "<ul class=\"exams\">");
      }
      char minutes[24];
      char units[24];
      snprintf(minutes, sizeof(minutes), "%ld", x->duration_minutes);
      snprintf(units, sizeof(units), "%zu", x->nunits);
      html_fmt(h, "<li><strong>%s</strong><br><span class=\"hint\">%s · ",
               en && NULL != x->title_en ? x->title_en : x->title, x->scheme);
      html_text_sub(h, L(r, "home.units"), "n", units, NULL);
      HTML_LIT(h, " · ");
      html_text_sub(h, L(r, "home.duration"), "minutes", minutes, NULL);
      HTML_LIT(h, "</span>");
      if (NULL == r->user) {
        html_fmt(h, "<br><a href=\"/login\">%s</a>", L(r, "home.login_to_start"));
      } else if (ROLE_CANDIDATE == r->user->role) {
        /* To the page before the clock starts: the attempt starts only when it is confirmed. */
        html_fmt(h, "<br><a class=\"button\" href=\"/exams/%s/start\"", x->id);
        html_fmt(h, " aria-label=\"%s: %s\">", L(r, "home.start"),
                 en && NULL != x->title_en ? x->title_en : x->title);
        html_text(h, L(r, "home.start"));
        HTML_LIT(h, "</a>");
      }
      HTML_LIT(h, "</li>");
    }
    if (0 == shown) {
      html_fmt(h, "<p class=\"hint\">%s</p>", L(r, "home.no_exams"));
    } else {
      HTML_LIT(h, "</ul>");
    }
    HTML_LIT(h, "</section>");
  }
  HTML_LIT(h, "</div>");
}

int h_page_home(struct req *r) {
  const struct exam **exams = NULL;
  size_t nexams = 0;
  const struct exam_subsectors *subs = NULL;
  if (NULL != r->svc->catalog) {
    subs = catalog_subsectors(r->svc->catalog);
    if (0 != catalog_list(r->svc->catalog, &exams, &nexams)) {
      return reply_error(r, ERR_INTERNAL, NULL);
    }
  }
  struct html *h = html_new();
  if (NULL == h) {
    free(exams);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  layout_begin(h, r, L(r, "home.title"));
  render_home(h, r, subs, (const struct exam *const *)exams, nexams);
  layout_end(h, r);
  free(exams);
  return layout_reply(r, 200, h);
}
