/*
 * The item bank page of administrators (/admin/bank-soal): upload a question file (Aiken,
 * GIFT, Moodle XML, the Excel template, a QTI 3.0 package), see the report of every question
 * and download the exam fragment (static/itembank.js, with static/import.js, sends the file to
 * the API and shows the answer); download the Excel template; export any exam as a QTI 3.0
 * package.
 */
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"

static void import_section(struct html *h, const struct req *r) {
  html_fmt(h, "<section aria-labelledby=\"s-ib-import\"><h2 id=\"s-ib-import\">%s</h2><p>%s</p>",
           L(r, "itembank.import"), L(r, "itembank.import_hint"));
  html_fmt(h, "<p><a download href=\"/api/admin/item-bank/template.xlsx\">%s</a></p>",
           L(r, "itembank.template"));
  HTML_LIT(h, "<form id=\"itembank-form\" class=\"card\" "
              "data-import=\"/api/admin/item-bank/import\"");
  /* The script's words, in the page's language. */
  static const char *const texts[][2] = {{"data-t-outcome", "itembank.outcome"},
                                         {"data-t-problems", "itembank.problems"},
                                         {"data-t-download", "itembank.download"},
                                         {"data-t-where", "itembank.where"},
                                         {"data-t-item", "itembank.item"},
                                         {"data-t-type", "itembank.type"},
                                         {"data-t-category", "itembank.category"},
                                         {"data-t-note", "itembank.note"},
                                         {"data-t-not-mapped", "itembank.not_mapped"},
                                         {"data-t-at-line", "itembank.at_line"},
                                         {"data-t-at-row", "itembank.at_row"},
                                         {"data-t-at-item", "itembank.at_item"}};
  layout_script_texts(h, r, texts, sizeof texts / sizeof texts[0]);
  HTML_LIT(h, ">");
  layout_csrf_field(h, r);
  html_fmt(h,
           "<p><label for=\"ib-file\">%s</label> <input id=\"ib-file\" name=\"file\" type=\"file\" "
           "accept=\".txt,.gift,.xml,.xlsx,.zip\" required></p>"
           "<p><label for=\"ib-format\">%s</label> <select id=\"ib-format\" name=\"format\">",
           L(r, "itembank.file"), L(r, "itembank.format"));
  static const char *const formats[][2] = {{"moodle", "itembank.format_moodle"},
                                           {"xlsx", "itembank.format_xlsx"},
                                           {"gift", "itembank.format_gift"},
                                           {"aiken", "itembank.format_aiken"},
                                           {"qti", "itembank.format_qti"}};
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    html_fmt(h, "<option value=\"%s\">%s</option>", formats[i][0], L(r, formats[i][1]));
  }
  html_fmt(h,
           "</select></p><p><label for=\"ib-prefix\">%s</label> <input id=\"ib-prefix\" "
           "name=\"prefix\" value=\"IMP\" required maxlength=\"56\" "
           "pattern=\"[A-Za-z0-9._\\-]{1,56}\" aria-describedby=\"ib-prefix-hint\"> "
           "<small id=\"ib-prefix-hint\">%s</small></p>"
           "<p><label for=\"ib-kuk\">%s</label> <input id=\"ib-kuk\" name=\"kuk\" value=\"1.1\" "
           "maxlength=\"400\" aria-describedby=\"ib-kuk-hint\"> <small id=\"ib-kuk-hint\">%s"
           "</small></p><p><button type=\"submit\" id=\"ib-submit\">%s</button></p>"
           "<noscript><p class=\"notice warn\">%s</p></noscript>"
           "<div id=\"itembank-report\" role=\"status\" aria-live=\"polite\"></div></form>",
           L(r, "itembank.prefix"), L(r, "itembank.prefix_hint"), L(r, "itembank.kuk"),
           L(r, "itembank.kuk_hint"), L(r, "itembank.submit"), L(r, "itembank.nojs"));
  HTML_LIT(h, "</section>");
}

static void export_section(struct html *h, const struct req *r) {
  static const char *const cols[] = {"itembank.exam", "itembank.export"};
  html_fmt(h, "<section aria-labelledby=\"s-ib-export\"><h2 id=\"s-ib-export\">%s</h2><p>%s</p>",
           L(r, "itembank.export_title"), L(r, "itembank.export_hint"));
  layout_table_begin(h, r, false, cols, sizeof cols / sizeof cols[0]);
  const struct exam **exams = NULL;
  size_t n = 0;
  if (r->svc->catalog != NULL && catalog_list(r->svc->catalog, &exams, &n) == 0) {
    for (size_t i = 0; i < n; i++) {
      char href[128];
      snprintf(href, sizeof href, "/api/admin/exams/%s/qti.zip", exams[i]->id);
      HTML_LIT(h, "<tr><td>");
      html_text(h, exams[i]->title);
      HTML_LIT(h, " <small>");
      html_text(h, exams[i]->id);
      HTML_LIT(h, "</small></td><td><a download");
      html_attr_url_(h, "href", href);
      HTML_LIT(h, ">");
      html_text(h, L(r, "itembank.export_link"));
      HTML_LIT(h, "</a></td></tr>");
    }
  }
  free(exams);
  HTML_LIT(h, "</tbody></table></div></section>");
}

/* GET /admin/bank-soal */
int h_page_admin_item_bank(struct req *r) {
  struct html *h = layout_page_new(r, "itembank.title", "static/import.js");
  if (h == NULL) {
    return layout_reply(r, 500, NULL);
  }
  layout_script(h, "static/itembank.js"); /* after import.js, which it uses */
  html_fmt(h, "<p class=\"lead\">%s</p>", L(r, "itembank.lead"));
  import_section(h, r);
  export_section(h, r);
  return layout_reply_with_back(r, h, "/admin");
}
