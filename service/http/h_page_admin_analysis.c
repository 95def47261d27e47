/*
 * Item analysis on a page: one row per item of an exam with the question's first words
 * (not its id alone), facility and discrimination with their meaning in words, a warning
 * when the sample is too small to act on (ANALYSIS_SMALL_SAMPLE), and the same table as a
 * CSV download for spreadsheets (common/analysis.c writes it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/analysis.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"

/* "0.85" into out ("0,85" in Indonesian, which writes a decimal comma), or "—" without a
 * value. */
static void fmt_stat(char *out, size_t len, const struct req *r, bool has, double v) {
  if (has) {
    snprintf(out, len, "%.2f", v);
    char *dot = strchr(out, '.');
    if (NULL != dot && 0 == strcmp(r->lang, "id")) {
      *dot = ',';
    }
  } else {
    snprintf(out, len, "\xE2\x80\x94");
  }
}

/* A statistic and its band's words in one cell. */
static void stat_cell(struct html *h, const struct req *r, bool has, double v,
                      enum analysis_band band) {
  char num[24], key[48];
  fmt_stat(num, sizeof num, r, has, v);
  snprintf(key, sizeof key, "analysis.%s", analysis_band_name(band));
  html_fmt(h, "<td><span class=\"num\">%s</span> <span class=\"band band-%s\">%s</span></td>", num,
           analysis_band_name(band), L(r, key));
}

static void item_row(struct html *h, const struct req *r, size_t index,
                     const struct analysis_report_item *col) {
  char excerpt[200];
  const struct analysis_item *st = &col->stats;
  analysis_prompt_excerpt(excerpt, sizeof excerpt, col->item->prompt);
  html_fmt(h, "<tr><td>%zu</td><td><span class=\"question\">%s</span><br><span class=\"hint\">",
           index + 1, excerpt);
  html_text(h, col->item->id);
  html_fmt(h, " · %s · %s</span></td><td>%zu", col->unit_code,
           layout_item_type_text(r, col->item->type), st->n);
  if (analysis_small_sample(st->n)) {
    html_fmt(h, " <span class=\"band band-small\">%s</span>", L(r, "analysis.small"));
  }
  HTML_LIT(h, "</td>");
  stat_cell(h, r, st->n > 0, st->facility, analysis_facility_band(st));
  stat_cell(h, r, st->has_discrimination, st->discrimination, analysis_discrimination_band(st));
  HTML_LIT(h, "</tr>");
}

/* GET /admin/analysis/:exam */
int h_page_admin_analysis(struct req *r) {
  static const char *const cols[] = {"analysis.question", "analysis.n", "analysis.facility",
                                     "analysis.discrimination"};
  struct analysis_report rep;
  char num[4][24], href[96];
  if (!h_admin_analysis_load(r, &rep)) {
    return 0; /* answered */
  }
  struct html *h = layout_page_new(r, "analysis.title", "static/staff.js");
  if (NULL == h) {
    analysis_report_free(&rep);
    return layout_reply(r, 500, NULL);
  }
  HTML_LIT(h, "<p class=\"lead\">");
  html_text(h, rep.exam->title);
  HTML_LIT(h, " <span class=\"hint\">");
  html_text(h, rep.exam->id);
  HTML_LIT(h, "</span></p><p>");
  snprintf(num[0], sizeof num[0], "%zu", rep.overall.attempts);
  snprintf(num[1], sizeof num[1], "%zu", rep.overall.k);
  snprintf(num[2], sizeof num[2], "%zu", rep.overall.bk);
  snprintf(num[3], sizeof num[3], "%zu", rep.overall.pending);
  html_text_sub(h, LN(r, "admin.analysis_outcomes", (long long)rep.overall.attempts), "attempts",
                num[0], "k", num[1], "bk", num[2], "pending", num[3], NULL);
  HTML_LIT(h, "</p>");
  if (analysis_small_sample(rep.overall.attempts)) {
    char min[24];
    snprintf(min, sizeof min, "%d", ANALYSIS_SMALL_SAMPLE);
    HTML_LIT(h, "<p class=\"notice warn\" id=\"small-sample\">");
    html_text_sub(h, LN(r, "analysis.small_warning", (long long)rep.overall.attempts), "n", num[0],
                  "min", min, NULL);
    HTML_LIT(h, "</p>");
  }
  snprintf(href, sizeof href, "/api/admin/analysis/%s/csv", rep.exam->id);
  HTML_LIT(h, "<p><a class=\"button secondary\" download");
  html_attr_url(h, "href", href);
  HTML_LIT(h, ">");
  html_text(h, L(r, "analysis.csv"));
  HTML_LIT(h, "</a></p>");
  layout_table_begin(h, r, true, cols, sizeof cols / sizeof cols[0]);
  for (size_t i = 0; i < rep.nitems; i++) {
    item_row(h, r, i, &rep.items[i]);
  }
  HTML_LIT(h, "</tbody></table></div><h2>");
  html_text(h, L(r, "analysis.legend"));
  HTML_LIT(h, "</h2><ul class=\"legend\">");
  static const char *const legend[] = {"analysis.legend_facility", "analysis.legend_discrimination",
                                       "analysis.legend_small"};
  for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
    html_fmt(h, "<li>%s</li>", L(r, legend[i]));
  }
  HTML_LIT(h, "</ul>");
  analysis_report_free(&rep);
  return layout_reply_with_back(r, h, "/admin#s-analysis");
}

/* GET /api/admin/analysis/:exam/csv: the table for spreadsheets (headings in the request's
 * language). */
int h_admin_analysis_csv(struct req *r) {
  struct analysis_report rep;
  char disposition[128];
  size_t len = 0;
  if (!h_admin_analysis_load(r, &rep)) {
    return 0; /* answered */
  }
  const struct analysis_csv_texts t = {
      .headings = {L(r, "analysis.csv_item"), L(r, "analysis.csv_unit"), L(r, "analysis.csv_type"),
                   L(r, "analysis.question"), L(r, "analysis.n"), L(r, "analysis.facility"),
                   L(r, "analysis.csv_facility_label"), L(r, "analysis.discrimination"),
                   L(r, "analysis.csv_discrimination_label"), L(r, "analysis.csv_small")},
      .yes = L(r, "page.yes"),
      .no = L(r, "page.no"),
      .label = layout_label,
      .ctx = r};
  char *csv = analysis_report_csv(&rep, &t, &len);
  snprintf(disposition, sizeof disposition, "attachment; filename=\"analisis-%s.csv\"",
           rep.exam->id);
  analysis_report_free(&rep);
  if (NULL == csv) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  reply_header(r, "Content-Disposition", disposition);
  return reply_bytes_owned(r, 200, "text/csv; charset=utf-8; header=present", csv, len);
}
