/*
 * The audit log as people read it: entries newest first, 50 to a page (keyset paging on the
 * entry number), filtered by who acted, what was done, on which record and when; each entry
 * described in words (common/audit_text.c says which) with its actor's name; and, at the top,
 * what the audit watch (common/audit_watch.h) knows of the hash chain, with a button for a full
 * check now.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/audit_export.h"
#include "common/audit_text.h"
#include "common/audit_watch.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/page_time.h"
#include "http/pager.h"
#include "ujikom/complaint.h"

#define AUDIT_PAGE_SIZE 50

static const char *const audit_filters[] = {"actor", "action", "subject", "from", "to", NULL};
static const struct pager audit_pager = {"/admin/audit", audit_filters, "before", "audit-list"};
/* The same entries as a spreadsheet: the export takes the filters, not the page. */
static const struct pager audit_csv = {"/api/admin/audit/csv", audit_filters, "before", NULL};

/* What is known of the hash chain: the audit watch's report (the entries since its last full
 * check checked now), or, when the watch is not running, the whole chain re-computed on the
 * list's first page (checked false on the pages after it). */
struct chain_check {
  bool watched;
  struct audit_watch_report w;
  bool checked;
  int rc;
  int64_t bad, count;
  char why[256];
};

/* The notice for a broken chain: where, how (in the page's language) and, from the watch,
 * since when. */
static void chain_broken(struct html *h, const struct req *r, int64_t bad, const char *why,
                         const char *found) {
  char seq[24];
  snprintf(seq, sizeof seq, "%" PRId64, bad);
  HTML_LIT(h, "<p class=\"notice err\" id=\"chain\">");
  html_text_sub(h, L(r, "audit.chain_broken"), "seq", seq, "why", why, NULL);
  if (NULL != found) {
    HTML_LIT(h, " ");
    html_text_sub(h, L(r, "audit.chain_found"), "when", found, NULL);
  }
}

/* The watch's report, and the button that asks it for a full check now. */
static void chain_watched(struct html *h, const struct req *r, const struct audit_watch_report *w,
                          enum time_zone zone) {
  char n[24], m[24], k[24], c[24], when[40];
  snprintf(n, sizeof n, "%" PRId64, w->entries);
  snprintf(m, sizeof m, "%" PRId64, w->full_entries);
  snprintf(k, sizeof k, "%" PRId64, w->since);
  snprintf(c, sizeof c, "%" PRId64, w->running_at);
  if (AUDIT_WATCH_INTACT == w->state) {
    page_time(when, sizeof when, w->full_at_ms, zone, false);
    HTML_LIT(h, "<p class=\"notice ok\" id=\"chain\">");
    html_text_sub(h, L(r, "audit.chain_intact"), "n", n, "when", when, "m", m, "k", k, NULL);
  } else if (AUDIT_WATCH_BROKEN == w->state) {
    char key[40];
    snprintf(key, sizeof key, "audit.fault.%s", h_audit_fault_name(w->fault));
    page_time(when, sizeof when, w->found_at_ms, zone, false);
    chain_broken(h, r, w->first_bad, L(r, key), when);
  } else if (AUDIT_WATCH_FIRST == w->state) {
    HTML_LIT(h, "<p class=\"notice\" id=\"chain\">");
    if (w->running) {
      html_text_sub(h, L(r, "audit.chain_first_check"), "c", c, NULL);
    } else {
      html_text(h, L(r, "audit.chain_first_pending"));
    }
  } else {
    HTML_LIT(h, "<p class=\"notice warn\" id=\"chain\">");
    html_text(h, L(r, "audit.chain_unknown"));
  }
  if (w->running && AUDIT_WATCH_FIRST != w->state) {
    HTML_LIT(h, " ");
    html_text_sub(h, L(r, "audit.chain_running"), "c", c, NULL);
  }
  HTML_LIT(h, " <a href=\"/api/admin/audit/status\">JSON</a></p>");
  layout_action_form(h, r, "/admin/audit/check", "/api/admin/audit/check",
                     "/admin/audit?notice=audit_check_started#chain");
  HTML_LIT(h, "<p><button type=\"submit\" class=\"secondary\">");
  html_text(h, L(r, "audit.check_full"));
  HTML_LIT(h, "</button> <span class=\"hint\">");
  html_text(h, L(r, "audit.check_full_hint"));
  HTML_LIT(h, "</span></p></form>");
}

static void chain_result(struct html *h, const struct req *r, const struct chain_check *c,
                         enum time_zone zone) {
  if (c->watched) {
    chain_watched(h, r, &c->w, zone);
    return;
  }
  if (!c->checked) {
    /* Paging on through a large log should not hash all of it again for every page. */
    char href[1024];
    pager_href(href, sizeof href, r, &audit_pager, 0);
    HTML_LIT(h, "<p class=\"notice\" id=\"chain\">");
    html_text(h, L(r, "audit.chain_first_page"));
    HTML_LIT(h, " ");
    html_link(h, href, L(r, "audit.chain_check_now"));
    HTML_LIT(h, "</p>");
    return;
  }
  char n[24];
  snprintf(n, sizeof n, "%" PRId64, c->count);
  if (STORE_OK == c->rc) {
    HTML_LIT(h, "<p class=\"notice ok\" id=\"chain\">");
    html_text_sub(h, L(r, "audit.chain_ok"), "n", n, NULL);
  } else if (STORE_CONFLICT == c->rc) {
    chain_broken(h, r, c->bad, c->why, NULL);
  } else {
    HTML_LIT(h, "<p class=\"notice warn\" id=\"chain\">");
    html_text(h, L(r, "audit.chain_unknown"));
  }
  HTML_LIT(h, " <a href=\"/api/admin/audit/verify\">JSON</a></p>");
}

static void text_filter(struct html *h, const struct req *r, const char *name, const char *type,
                        const char *label_key, const char *hint_key) {
  html_fmt(h, "<p><label for=\"af-%s\">%s</label>", name, L(r, label_key));
  if (NULL != hint_key) {
    html_fmt(h, "<span class=\"hint\" id=\"af-%s-hint\">%s</span>", name, L(r, hint_key));
  }
  html_fmt(h, "<input id=\"af-%s\"", name);
  html_attr(h, "type", type);
  html_attr(h, "name", name);
  html_attr(h, "value", pager_query(r, name));
  if (NULL != hint_key) {
    html_fmt(h, " aria-describedby=\"af-%s-hint\"", name);
  }
  HTML_LIT(h, " maxlength=\"100\"></p>");
}

static void filters(struct html *h, const struct req *r) {
  const char *action = pager_query(r, "action");
  HTML_LIT(h, "<form method=\"get\" action=\"/admin/audit\" class=\"filters\" role=\"search\"");
  html_attr(h, "aria-label", L(r, "audit.filters"));
  HTML_LIT(h, ">");
  text_filter(h, r, "actor", "search", "audit.actor", "audit.actor_hint");
  html_fmt(h, "<p><label for=\"af-action\">%s</label><select id=\"af-action\" name=\"action\">",
           L(r, "audit.action"));
  html_fmt(h, "<option value=\"\">%s</option>", L(r, "admin.filter_all"));
  for (size_t i = 0; NULL != audit_known_actions[i]; i++) {
    char key[112];
    snprintf(key, sizeof key, "audit.%s", audit_known_actions[i]);
    HTML_LIT(h, "<option");
    html_attr(h, "value", audit_known_actions[i]);
    if (NULL != action && 0 == strcmp(action, audit_known_actions[i])) {
      HTML_LIT(h, " selected");
    }
    HTML_LIT(h, ">");
    html_text(h, L(r, key));
    HTML_LIT(h, "</option>");
  }
  HTML_LIT(h, "</select></p>");
  text_filter(h, r, "subject", "search", "audit.subject", "audit.subject_hint");
  text_filter(h, r, "from", "date", "audit.from", NULL);
  text_filter(h, r, "to", "date", "audit.to", NULL);
  html_fmt(h,
           "<p class=\"actions\"><button type=\"submit\" class=\"secondary\">%s</button> "
           "<a href=\"/admin/audit\">%s</a></p></form>",
           L(r, "admin.search"), L(r, "admin.search_clear"));
  char href[1024];
  pager_href(href, sizeof href, r, &audit_csv, 0);
  HTML_LIT(h, "<p><a class=\"button secondary\" id=\"audit-csv\" download");
  html_attr_url(h, "href", href);
  HTML_LIT(h, ">");
  html_text(h, L(r, "audit.csv"));
  HTML_LIT(h, "</a> <span class=\"hint\">");
  html_text(h, L(r, "audit.csv_hint"));
  HTML_LIT(h, "</span></p>");
}

/* The value an entry's detail line shows: a complaint's category or outcome in words (the
 * entry keeps the code), anything else as it is. */
static const char *telling_value(const struct req *r, const struct audit_description *d) {
  enum complaint_category category = COMPLAINT_OTHER;
  enum complaint_outcome outcome = COMPLAINT_UPHELD;
  if (0 == strcmp(d->field, "category") && complaint_category_parse(d->value, &category)) {
    return layout_complaint_category_text(r, category);
  }
  if (0 == strcmp(d->field, "outcome") && complaint_outcome_parse(d->value, &outcome)) {
    return layout_complaint_outcome_text(r, outcome);
  }
  return d->value;
}

/* Who acted: the account's name (and e-mail), or "system". */
static void actor_cell(struct html *h, const struct req *r, struct store_rd *rd, int64_t actor) {
  struct store_user u;
  memset(&u, 0, sizeof u);
  if (actor <= 0) {
    html_text(h, L(r, "audit.system"));
    return;
  }
  if (STORE_OK != store_user_by_id(rd, &u, actor)) {
    html_fmt(h, "#%lld", (long long)actor);
    return;
  }
  memset(u.password_hash, 0, sizeof u.password_hash);
  html_text(h, u.name);
  HTML_LIT(h, "<br><span class=\"hint\">");
  html_text(h, u.email);
  HTML_LIT(h, "</span>");
}

static void entry_row(struct html *h, const struct req *r, struct store_rd *rd,
                      const struct store_audit_entry *e, enum time_zone zone) {
  struct audit_description d;
  char when[40], href[160];
  audit_describe(&d, e->action, e->after);
  page_time(when, sizeof when, e->at_ms, zone, false);
  html_fmt(h, "<tr><td>%lld</td><td>%s</td><td>", (long long)e->seq, when);
  actor_cell(h, r, rd, e->actor);
  HTML_LIT(h, "</td><td>");
  html_text(h, L(r, d.key));
  if (0 == strcmp(d.key, "audit.other")) {
    HTML_LIT(h, " <code>");
    html_text(h, e->action);
    HTML_LIT(h, "</code>");
  }
  if ('\0' != d.field[0]) {
    char fkey[40];
    snprintf(fkey, sizeof fkey, "audit.field.%s", d.field);
    HTML_LIT(h, "<br><span class=\"hint\">");
    html_text(h, L(r, fkey));
    HTML_LIT(h, ": ");
    html_text(h, telling_value(r, &d));
    HTML_LIT(h, "</span>");
  }
  /* the subject filters the log to that record */
  HTML_LIT(h, "</td><td><a");
  pager_param_href(href, sizeof href, "/admin/audit", "subject", e->subject);
  html_attr_url(h, "href", href);
  html_attr(h, "title", L(r, "audit.subject_link"));
  HTML_LIT(h, ">");
  html_text(h, e->subject);
  HTML_LIT(h, "</a></td></tr>");
}

/* GET /admin/audit?actor=&action=&subject=&from=&to=&before= */
int h_page_admin_audit(struct req *r) {
  static const char *const cols[] = {"audit.seq", "audit.when", "audit.actor", "audit.what",
                                     "audit.subject"};
  struct h_audit_query q;
  struct store_rd *rd = NULL;
  struct store_audit_entry *list = NULL;
  size_t n = 0;
  int ret = 0;
  struct chain_check chain = {0};
  if (!h_admin_audit_query(r, &q)) {
    return 0; /* answered */
  }
  /* The watch checks what was appended since its last full check, on every page; without
   * it, the whole chain is checked when the list is opened at its start. */
  chain.watched = NULL != r->svc->audit;
  chain.checked = !chain.watched && 0 == q.before;
  if (chain.watched) {
    audit_watch_report(r->svc->audit, &chain.w);
  } else if (chain.checked) {
    chain.rc =
        store_audit_verify(r->svc->store, &chain.bad, &chain.count, chain.why, sizeof chain.why);
  }
  bool more = false;
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_audit_search(rd, &list, &n, &q.f, q.before, AUDIT_PAGE_SIZE, &more);
  }
  enum time_zone zone = page_zone(r);
  struct html *h = layout_page_open(r, rc, "audit.title", "static/staff.js", &ret);
  if (NULL == h) {
    goto cleanup;
  }
  size_t shown = n;
  chain_result(h, r, &chain, zone);
  filters(h, r);
  HTML_LIT(h, "<h2 id=\"audit-list\">");
  html_text(h, L(r, "audit.entries"));
  HTML_LIT(h, "</h2>");
  if (0 == shown) {
    html_fmt(h, "<p role=\"status\">%s</p>", L(r, "audit.none"));
  } else {
    layout_table_begin(h, r, false, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < shown; i++) {
      entry_row(h, r, rd, &list[i], zone);
    }
    HTML_LIT(h, "</tbody></table></div>");
  }
  pager_nav(h, r, &audit_pager, more ? list[n - 1].seq : 0, "audit.pages");
  ret = layout_reply_with_back(r, h, "/admin");
cleanup:
  store_rd_end(rd);
  store_audit_list_free(list, n);
  return ret;
}

/* GET /api/admin/audit/csv?actor=&action=&subject=&from=&to=: every entry the filters find,
 * newest first, for spreadsheets (headings and words in the request's language); the export
 * is recorded in the log. */
int h_admin_audit_csv(struct req *r) {
  struct h_audit_query q;
  char *csv = NULL;
  size_t len = 0;
  if (!h_admin_audit_query(r, &q)) {
    return 0; /* answered */
  }
  const struct audit_csv_texts t = {
      .headings = {L(r, "audit.seq"), L(r, "audit.csv_at"), L(r, "audit.actor"),
                   L(r, "audit.csv_actor_email"), L(r, "audit.what"), L(r, "audit.csv_action"),
                   L(r, "audit.csv_detail"), L(r, "audit.subject"), L(r, "audit.csv_before"),
                   L(r, "audit.csv_after"), L(r, "audit.csv_hash")},
      .system = L(r, "audit.system"),
      .label = layout_label,
      .ctx = r};
  switch (audit_export_csv(r->svc, r->user->id, &q.f, &t, &csv, &len)) {
  case AUDIT_EXPORT_OK:
    break;
  case AUDIT_EXPORT_TOO_LARGE:
    return reply_error(r, ERR_AUDIT_EXPORT_TOO_LARGE, NULL);
  case AUDIT_EXPORT_FAILED:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  }
  reply_header(r, "Content-Disposition", "attachment; filename=\"log-audit.csv\"");
  return reply_bytes_owned(r, 200, "text/csv; charset=utf-8; header=present", csv, len);
}
