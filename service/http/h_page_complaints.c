/*
 * The complaint pages (pengaduan): the public form anyone may use, signed in or not, and its
 * confirmation with the reference and the private status link; the status page that link
 * opens, where the complainant also replies while the complaint is open; the administrators'
 * queue (a complaint whose last word is the complainant's marked) and a complaint's page
 * with its actions (take, notes, closing behind its confirmation, confirm.h); and the
 * candidate's own complaints on their dashboard. The staff actions post through the JSON
 * API's handlers (h_complaints.c); the rules are the complaints module's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/complaints.h"
#include "http/confirm.h"
#include "http/errors.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/page_time.h"
#include "http/pager.h"
#include "store/store.h"

/* The fields of the public form as typed (NULL: not sent). */
struct lodge_form {
  const char *name, *email, *category, *about, *body;
};

/* The fields of the public form a refusal may name, with the message saying its rule. */
static const char *const form_fields[][2] = {{"name", "complaint.invalid_name"},
                                             {"email", "complaint.invalid_email"},
                                             {"category", "complaint.invalid_category"},
                                             {"about", "complaint.invalid_about"},
                                             {"body", "complaint.invalid_body"}};

/* A field's opening markup: its label, its hint (catalogue key, may be NULL) and the control
 * up to its attributes, with the hint and, when it is the refused one, the error summary in
 * its description. The caller adds its own attributes and closes the tag. */
static void field_open_(struct html *h, const struct req *r, const char *id, const char *label_key,
                        const char *hint_key, const char *open, size_t openlen, bool invalid) {
  html_fmt(h, "<label for=\"%s\">%s</label>", id, L(r, label_key));
  if (NULL != hint_key) {
    html_fmt(h, "<p class=\"hint\" id=\"%s-hint\">%s</p>", id, L(r, hint_key));
  }
  html_raw_(h, open, openlen);
  html_fmt(h, " id=\"%s\"", id);
  if (NULL != hint_key || invalid) {
    html_fmt(h, " aria-describedby=\"%s%s%s\"", NULL != hint_key ? id : "",
             NULL != hint_key ? "-hint" : "",
             invalid ? (NULL != hint_key ? " form-error" : "form-error") : "");
  }
  if (invalid) {
    HTML_LIT(h, " aria-invalid=\"true\"");
  }
}
/* open is markup: a string literal only, as HTML_LIT takes. */
#define field_open(h, r, id, label_key, hint_key, open, invalid)                                   \
  field_open_((h), (r), (id), (label_key), (hint_key), "" open "", sizeof(open) - 1, (invalid))

/* The public form: the text on how complaints are handled, then the fields as typed (the
 * account's name and e-mail when signed in and nothing was typed yet). bad: the field a
 * refusal named ("" for one the form has no field for), NULL when there was none. */
static int lodge_form_page(struct req *r, unsigned status, const struct lodge_form *f,
                           const char *bad) {
  struct html *h = layout_page_new(r, "complaint.title", NULL);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  if (NULL != bad) {
    const char *message = "complaint.invalid", *field = NULL;
    for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++) {
      if (0 == strcmp(bad, form_fields[i][0])) {
        field = form_fields[i][0];
        message = form_fields[i][1];
      }
    }
    HTML_LIT(h, "<div class=\"notice err\" role=\"alert\" id=\"form-error\" tabindex=\"-1\"><p>");
    html_text(h, L(r, "complaint.refused"));
    HTML_LIT(h, "</p><p>");
    if (NULL != field) {
      html_fmt(h, "<a href=\"#c-%s\">%s</a>", field, L(r, message));
    } else {
      html_text(h, L(r, message));
    }
    HTML_LIT(h, "</p></div>");
  }
  html_fmt(h, "<p>%s</p><section class=\"card\" aria-labelledby=\"complaint-how\">",
           L(r, "complaint.intro"));
  html_fmt(h,
           "<h2 id=\"complaint-how\">%s</h2><ul><li>%s</li><li>%s</li><li>%s</li><li>%s</li></ul>",
           L(r, "complaint.how_title"), L(r, "complaint.how_ack"), L(r, "complaint.how_impartial"),
           L(r, "complaint.how_progress"), L(r, "complaint.how_outcome"));
  HTML_LIT(h, "</section><form method=\"post\" action=\"/pengaduan\" class=\"card\" "
              "id=\"complaint-form\">");
  layout_csrf_field(h, r);
  bool first_visit = NULL == f->name && NULL == f->email && NULL == f->body;
  const char *name = f->name, *email = f->email;
  if (first_visit && NULL != r->user) {
    name = r->user->name;
    email = r->user->email;
  }
  const char *bad_field = NULL != bad ? bad : "";
  html_fmt(h, "<fieldset><legend>%s</legend>", L(r, "complaint.about_you"));
  field_open(h, r, "c-name", "complaint.name", NULL,
             "<input type=\"text\" name=\"name\" required maxlength=\"200\" autocomplete=\"name\"",
             0 == strcmp(bad_field, "name"));
  html_attr(h, "value", name);
  HTML_LIT(h, ">");
  field_open(h, r, "c-email", "complaint.email", "complaint.email_hint",
             "<input type=\"email\" name=\"email\" maxlength=\"254\" autocomplete=\"email\"",
             0 == strcmp(bad_field, "email"));
  html_attr(h, "value", email);
  HTML_LIT(h, "></fieldset>");
  html_fmt(h, "<fieldset><legend>%s</legend>", L(r, "complaint.your_complaint"));
  field_open(h, r, "c-category", "complaint.category", NULL, "<select name=\"category\" required",
             0 == strcmp(bad_field, "category"));
  html_fmt(h, "><option value=\"\">%s</option>", L(r, "complaint.category_choose"));
  for (int c = 0; c < COMPLAINT_CATEGORY__MAX; c++) {
    const char *value = complaint_category_name((enum complaint_category)c);
    HTML_LIT(h, "<option");
    html_attr(h, "value", value);
    if (NULL != f->category && NULL != value && 0 == strcmp(f->category, value)) {
      HTML_LIT(h, " selected");
    }
    HTML_LIT(h, ">");
    html_text(h, layout_complaint_category_text(r, (enum complaint_category)c));
    HTML_LIT(h, "</option>");
  }
  HTML_LIT(h, "</select>");
  field_open(h, r, "c-about", "complaint.about", "complaint.about_hint",
             "<input type=\"text\" name=\"about\" maxlength=\"200\"",
             0 == strcmp(bad_field, "about"));
  html_attr(h, "value", f->about);
  HTML_LIT(h, ">");
  field_open(h, r, "c-body", "complaint.body", "complaint.body_hint",
             "<textarea name=\"body\" rows=\"8\" required maxlength=\"5000\"",
             0 == strcmp(bad_field, "body"));
  HTML_LIT(h, ">");
  html_text(h, f->body);
  HTML_LIT(h, "</textarea></fieldset>");
  if (NULL != r->user) {
    html_fmt(h, "<p class=\"hint\">%s</p>", L(r, "complaint.signed_in_hint"));
  }
  html_fmt(h, "<p><button type=\"submit\" id=\"complaint-submit\">%s</button></p></form>",
           L(r, "complaint.submit"));
  layout_end(h, r);
  return layout_reply(r, status, h);
}

/* GET /pengaduan[?category=…&about=…] */
int h_page_complaint_form(struct req *r) {
  /* A link may say what the complaint is about (the verification page does, for a
   * certificate it found revoked, suspended or not genuine); the fields are checked when
   * the form is sent, like anything typed. */
  const struct lodge_form f = {.category = req_query(r, "category"),
                               .about = req_query(r, "about")};
  return lodge_form_page(r, 200, &f, NULL);
}

/* The confirmation of a complaint just lodged: its reference, the status link to keep and
 * whether a mail acknowledges it. */
static int lodged_page(struct req *r, const struct store_complaint *c) {
  char ref[COMPLAINT_REF_SIZE], url[COMPLAINTS_URL_MAX], when[TIME_TEXT_SIZE];
  if (!complaints_url(url, r->svc->cfg->public_url, c->token)) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  complaint_ref(ref, c->id);
  page_time(when, sizeof when, c->created_ms, page_zone(r), false);
  struct html *h = layout_page_new(r, "complaint.lodged_title", NULL);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  HTML_LIT(h, "<p class=\"notice ok\" role=\"status\" id=\"complaint-lodged\">");
  html_text_sub(h, L(r, "complaint.lodged_text"), "ref", ref, NULL);
  html_fmt(h,
           "</p><dl class=\"facts\"><dt>%s</dt><dd id=\"complaint-ref\"><strong>%s</strong></dd>",
           L(r, "complaint.reference"), ref);
  html_fmt(h, "<dt>%s</dt><dd>%s</dd></dl>", L(r, "complaint.received_at"), when);
  html_fmt(h,
           "<section class=\"card\" aria-labelledby=\"complaint-link\"><h2 "
           "id=\"complaint-link\">%s</h2>",
           L(r, "complaint.status_link"));
  html_fmt(h, "<label for=\"complaint-status-url\">%s</label>",
           L(r, "complaint.status_link_label"));
  HTML_LIT(h, "<input type=\"text\" readonly class=\"share-url\" id=\"complaint-status-url\" "
              "aria-describedby=\"complaint-keep\"");
  html_attr(h, "value", url);
  html_fmt(h, "><p class=\"hint\" id=\"complaint-keep\">%s</p><p><a id=\"complaint-status-link\"",
           L(r, "complaint.keep_link"));
  html_attr_url(h, "href", url);
  html_fmt(h, ">%s</a></p></section><p id=\"complaint-mail\">", L(r, "complaint.open_status"));
  if ('\0' == c->email[0]) {
    html_text(h, L(r, "complaint.mail_none"));
  } else if (NULL == r->svc->mailer) {
    html_text(h, L(r, "complaint.mail_off"));
  } else {
    html_text_sub(h, L(r, "complaint.mail_sent"), "email", c->email, NULL);
  }
  HTML_LIT(h, "</p>");
  if (NULL != r->user && ROLE_CANDIDATE == r->user->role) {
    html_fmt(h, "<p><a href=\"/me#complaints\">%s</a></p>", L(r, "complaint.see_on_me"));
  }
  layout_end(h, r);
  reply_header(r, "Cache-Control", "no-store");
  return layout_reply(r, 200, h);
}

/* POST /pengaduan: the confirmation, or the form again with what was typed and why it was
 * refused. */
int h_page_complaint_lodge(struct req *r) {
  const struct lodge_form f = {.name = req_form(r, "name"),
                               .email = req_form(r, "email"),
                               .category = req_form(r, "category"),
                               .about = req_form(r, "about"),
                               .body = req_form(r, "body")};
  struct complaints_lodging in = {
      .name = f.name, .email = f.email, .category = f.category, .about = f.about, .body = f.body};
  struct store_complaint c;
  struct complaints_quota q;
  char why[256] = "", field[32], key[H_COMPLAINTS_KEY_MAX];
  int store_rc = STORE_OK;
  h_complaints_as_account(r, &in);
  h_complaints_quota(&q, key, r);
  enum complaints_rc rc = complaints_lodge(&c, r->svc, &in, &q, why, sizeof why, &store_rc);
  if (COMPLAINTS_INVALID_FIELD == rc) {
    err_reason_of(field, sizeof field, why);
    return lodge_form_page(r, 400, &f, field);
  }
  if (COMPLAINTS_LIMITED == rc) {
    return h_complaints_limited(r, &q);
  }
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, why, store_rc, __func__);
  }
  int ret = lodged_page(r, &c);
  store_complaint_clear(&c);
  return ret;
}

/* The complaint's status as a badge (the closed one marked as settled). */
static void status_badge(struct html *h, const struct req *r, enum complaint_status s,
                         const char *id) {
  HTML_LIT(h, "<span");
  html_attr(h, "id", id);
  html_attr(h, "class", COMPLAINT_CLOSED == s ? "badge k" : "badge pending");
  html_attr(h, "data-status", complaint_status_name(s));
  HTML_LIT(h, ">");
  html_text(h, layout_complaint_status_text(r, s));
  HTML_LIT(h, "</span>");
}

/* A term of a fact list with its text (escaped), "—" when empty. */
static void fact(struct html *h, const struct req *r, const char *term_key, const char *text) {
  html_fmt(h, "<dt>%s</dt><dd>%s</dd>", L(r, term_key),
           NULL != text && '\0' != text[0] ? text : "—");
}

/* When handling began and ended, for what has happened of the two. */
static void handling_dates(struct html *h, const struct req *r, const struct store_complaint *c,
                           enum time_zone zone) {
  char when[TIME_TEXT_SIZE];
  if (c->taken_ms > 0) {
    page_time(when, sizeof when, c->taken_ms, zone, false);
    fact(h, r, "complaint.taken_at", when);
  }
  if (c->closed_ms > 0) {
    page_time(when, sizeof when, c->closed_ms, zone, false);
    fact(h, r, "complaint.closed_at", when);
  }
}

/* A complaint whose retention period ended: what was erased, when, and what is kept. */
static void erased_notice(struct html *h, const struct req *r, const struct store_complaint *c,
                          enum time_zone zone) {
  char when[TIME_TEXT_SIZE];
  if (c->erased_ms <= 0) {
    return;
  }
  page_time(when, sizeof when, c->erased_ms, zone, false);
  HTML_LIT(h, "<p class=\"notice\" id=\"complaint-erased\">");
  html_text_sub(h, L(r, "complaint.erased"), "date", when, NULL);
  HTML_LIT(h, "</p>");
}

/* The outcome of a closed complaint: its words and its text. */
static void outcome_section(struct html *h, const struct req *r, const struct store_complaint *c) {
  html_fmt(h,
           "<section class=\"card\" id=\"complaint-outcome\" data-outcome=\"%s\" "
           "aria-labelledby=\"complaint-outcome-title\">",
           complaint_outcome_name(c->outcome));
  html_fmt(h, "<h2 id=\"complaint-outcome-title\">%s</h2><p><strong>%s</strong></p>",
           L(r, "complaint.outcome"), layout_complaint_outcome_text(r, c->outcome));
  HTML_LIT(h, "<p class=\"prompt\">");
  html_text(h, c->outcome_text);
  HTML_LIT(h, "</p></section>");
}

/* The progress list of the status page: the reports shown to the complainant and their own
 * replies, in order, the replies marked as theirs. */
static void progress_list(struct html *h, const struct req *r,
                          const struct store_complaint_note *notes, size_t n, enum time_zone zone) {
  char when[TIME_TEXT_SIZE];
  html_fmt(h, "<h2 id=\"complaint-progress\">%s</h2>", L(r, "complaint.progress"));
  if (0 == n) {
    html_fmt(h, "<p id=\"complaint-no-progress\">%s</p>", L(r, "complaint.no_progress"));
    return;
  }
  HTML_LIT(h, "<ol id=\"complaint-notes\">");
  for (size_t i = 0; i < n; i++) {
    const bool mine = notes[i].from_complainant;
    page_time(when, sizeof when, notes[i].created_ms, zone, false);
    html_fmt(h,
             "<li data-from=\"%s\"><p class=\"hint\">%s · <span class=\"%s\">%s</span></p>"
             "<p class=\"prompt\">",
             mine ? "complainant" : "staff", when, mine ? "badge pending" : "badge k",
             L(r, mine ? "complaint.from_you" : "complaint.from_staff"));
    html_text(h, notes[i].body);
    HTML_LIT(h, "</p></li>");
  }
  HTML_LIT(h, "</ol>");
}

/* The complainant's reply form (for an open complaint): what they typed (NULL: nothing yet),
 * marked invalid when it was refused. */
static void reply_form(struct html *h, const struct req *r, const char *token, const char *typed,
                       bool refused) {
  char action[sizeof COMPLAINTS_PATH + SESSION_TOKEN_LEN + 16];
  snprintf(action, sizeof action, "%s%s/balas", COMPLAINTS_PATH, token);
  html_fmt(h,
           "<section class=\"card\" id=\"complaint-reply\" aria-labelledby=\"cr-title\">"
           "<h2 id=\"cr-title\">%s</h2>",
           L(r, "complaint.reply_title"));
  layout_post_form(h, r, action);
  field_open(h, r, "cr-text", "complaint.reply_text", "complaint.reply_hint",
             "<textarea name=\"text\" rows=\"5\" required maxlength=\"5000\"", refused);
  HTML_LIT(h, ">");
  html_text(h, typed);
  html_fmt(h,
           "</textarea><p><button type=\"submit\" id=\"complaint-reply-button\">%s</button></p>"
           "</form></section>",
           L(r, "complaint.reply_send"));
}

/* What the complainant may read of their complaint (token: well-formed, from the path), with
 * the reply form while it is open. typed: a reply refused for its text (status 400), kept in
 * the form under the message saying the rule; NULL otherwise. */
static int status_page(struct req *r, unsigned status, const char *typed, bool refused) {
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int store_rc = STORE_OK;
  char ref[COMPLAINT_REF_SIZE], when[TIME_TEXT_SIZE];
  enum complaints_rc rc = complaints_open(&c, &notes, &n, r->svc, r->params[0], &store_rc);
  if (COMPLAINTS_NOT_FOUND == rc) {
    return layout_message_page(r, 404, "complaint.not_found_title", "complaint.not_found_text");
  }
  if (COMPLAINTS_OK != rc) {
    return layout_store_error(r, store_rc);
  }
  enum time_zone zone = page_zone(r);
  struct html *h = layout_page_new(r, "complaint.status_title", NULL);
  if (NULL == h) {
    store_complaint_clear(&c);
    store_complaint_notes_free(notes, n);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  if (refused) {
    html_fmt(h,
             "<div class=\"notice err\" role=\"alert\" id=\"form-error\" tabindex=\"-1\"><p>%s</p>"
             "<p><a href=\"#cr-text\">%s</a></p></div>",
             L(r, "complaint.reply_refused"), L(r, "complaint.invalid_reply"));
  }
  complaint_ref(ref, c.id);
  erased_notice(h, r, &c, zone);
  html_fmt(h,
           "<dl class=\"facts\" id=\"complaint-facts\"><dt>%s</dt><dd id=\"complaint-ref\">%s</dd>",
           L(r, "complaint.reference"), ref);
  page_time(when, sizeof when, c.created_ms, zone, false);
  html_fmt(h, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", L(r, "complaint.received_at"), when,
           L(r, "page.status"));
  status_badge(h, r, c.status, "complaint-status");
  HTML_LIT(h, "</dd>");
  fact(h, r, "complaint.category", layout_complaint_category_text(r, c.category));
  fact(h, r, "complaint.about_short", c.about);
  fact(h, r, "complaint.name", c.name);
  handling_dates(h, r, &c, zone);
  static const char *const explain[] = {[COMPLAINT_RECEIVED] = "complaint.explain_received",
                                        [COMPLAINT_IN_REVIEW] = "complaint.explain_in_review",
                                        [COMPLAINT_CLOSED] = "complaint.explain_closed"};
  html_fmt(h, "</dl><p id=\"complaint-explain\">%s</p>",
           L(r, explain[c.status <= COMPLAINT_CLOSED ? c.status : COMPLAINT_CLOSED]));
  if (COMPLAINT_CLOSED == c.status) {
    outcome_section(h, r, &c);
  }
  progress_list(h, r, notes, n, zone);
  if (COMPLAINT_CLOSED != c.status) {
    reply_form(h, r, c.token, typed, refused);
  }
  html_fmt(h, "<h2 id=\"complaint-text\">%s</h2><p class=\"prompt\" id=\"complaint-body\">",
           L(r, "complaint.your_text"));
  html_text(h, c.body);
  HTML_LIT(h, "</p>");
  layout_end(h, r);
  store_complaint_clear(&c);
  store_complaint_notes_free(notes, n);
  /* the token is the complainant's key: never kept by a cache nor listed by a search engine */
  reply_header(r, "Cache-Control", "no-store");
  reply_header(r, "X-Robots-Tag", "noindex");
  return layout_reply(r, status, h);
}

/* GET /pengaduan/:token: what the complainant may read of their complaint. */
int h_page_complaint_status(struct req *r) {
  return status_page(r, 200, NULL, false);
}

/* POST /pengaduan/:token/balas: the reply stored, back to the progress list with a notice;
 * a refused text, the status page again with what was typed. Counted as the API's replies. */
int h_page_complaint_reply(struct req *r) {
  const char *text = req_form(r, "text");
  struct store_complaint c;
  struct complaints_quota q;
  char why[256] = "", next[sizeof COMPLAINTS_PATH + SESSION_TOKEN_LEN + 64],
       key[H_COMPLAINTS_KEY_MAX];
  int store_rc = STORE_OK;
  h_complaints_quota(&q, key, r);
  enum complaints_rc rc =
      complaints_reply(&c, r->svc, r->params[0], text, &q, why, sizeof why, &store_rc);
  if (COMPLAINTS_INVALID_FIELD == rc) {
    return status_page(r, 400, text, true);
  }
  if (COMPLAINTS_NOT_FOUND == rc) {
    return layout_message_page(r, 404, "complaint.not_found_title", "complaint.not_found_text");
  }
  if (COMPLAINTS_LIMITED == rc) {
    return h_complaints_limited(r, &q);
  }
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, why, store_rc, __func__);
  }
  /* the token is well-formed (base64url) once a reply was stored under it */
  snprintf(next, sizeof next, "%s%s?notice=complaint_replied#complaint-progress", COMPLAINTS_PATH,
           c.token);
  store_complaint_clear(&c);
  return reply_redirect(r, next);
}

/* --- the administrators' pages --------------------------------------------------------- */

static const char *const queue_filters[] = {"status", NULL};
static const struct pager queue_pager = {"/admin/complaints", queue_filters, "before",
                                         "complaint-list"};

/* How many complaints are in each status, each a link to the queue filtered by it. */
static void queue_counts(struct html *h, const struct req *r, const int64_t counts[3]) {
  html_fmt(h, "<ul class=\"complaint-counts\" id=\"complaint-counts\" aria-label=\"%s\">",
           L(r, "complaint.counts"));
  for (int s = COMPLAINT_RECEIVED; s <= COMPLAINT_CLOSED; s++) {
    const char *name = complaint_status_name((enum complaint_status)s);
    char href[96], count[24];
    pager_param_href(href, sizeof href, "/admin/complaints", "status", name);
    snprintf(count, sizeof count, "%" PRId64, counts[s]);
    html_fmt(h, "<li data-status=\"%s\"><a", name);
    html_attr_url(h, "href", href);
    HTML_LIT(h, ">");
    html_text(h, layout_complaint_status_text(r, (enum complaint_status)s));
    html_fmt(h, "</a>: <strong>%s</strong></li>", count);
  }
  HTML_LIT(h, "</ul>");
}

/* The status filter of the queue, the request's choice selected. */
static void queue_filter(struct html *h, const struct req *r, const char *current) {
  HTML_LIT(h, "<form method=\"get\" action=\"/admin/complaints\" class=\"filters\" "
              "role=\"search\" id=\"complaint-filter\"");
  html_attr(h, "aria-label", L(r, "complaint.filter"));
  html_fmt(h, "><p><label for=\"cf-status\">%s</label><select id=\"cf-status\" name=\"status\">",
           L(r, "page.status"));
  html_fmt(h, "<option value=\"\">%s</option>", L(r, "admin.filter_all"));
  for (int s = COMPLAINT_RECEIVED; s <= COMPLAINT_CLOSED; s++) {
    const char *name = complaint_status_name((enum complaint_status)s);
    HTML_LIT(h, "<option");
    html_attr(h, "value", name);
    if (NULL != current && 0 == strcmp(current, name)) {
      HTML_LIT(h, " selected");
    }
    HTML_LIT(h, ">");
    html_text(h, layout_complaint_status_text(r, (enum complaint_status)s));
    HTML_LIT(h, "</option>");
  }
  html_fmt(h,
           "</select></p><p class=\"actions\"><button type=\"submit\" class=\"secondary\">%s"
           "</button> <a href=\"/admin/complaints\">%s</a></p></form>",
           L(r, "complaint.filter_apply"), L(r, "admin.search_clear"));
  char href[96] = "/api/admin/complaints/csv";
  if (NULL != current && !pager_add_param(href, sizeof href, "status", current)) {
    snprintf(href, sizeof href, "/api/admin/complaints/csv");
  }
  HTML_LIT(h, "<p><a class=\"button secondary\" id=\"complaint-csv\" download");
  html_attr_url(h, "href", href);
  html_fmt(h, ">%s</a></p>", L(r, "complaint.csv"));
}

static void queue_row(struct html *h, const struct req *r, const struct store_complaint *c,
                      enum time_zone zone) {
  char ref[COMPLAINT_REF_SIZE], when[TIME_TEXT_SIZE];
  complaint_ref(ref, c->id);
  page_time(when, sizeof when, c->created_ms, zone, false);
  html_fmt(h, "<tr id=\"complaint-row-%lld\" data-status=\"%s\" data-awaiting=\"%s\"><td>",
           (long long)c->id, complaint_status_name(c->status),
           c->awaiting_staff ? "true" : "false");
  html_fmt(h, "<a href=\"/admin/complaints/%lld\">%s</a></td><td>%s</td><td>", (long long)c->id,
           ref, when);
  html_text(h, layout_complaint_category_text(r, c->category));
  HTML_LIT(h, "</td><td>");
  html_text(h, layout_complaint_status_text(r, c->status));
  if (c->awaiting_staff) {
    html_fmt(h, " <span class=\"badge bk complaint-awaiting\">%s</span>",
             L(r, "complaint.awaiting_staff"));
  }
  HTML_LIT(h, "</td><td>");
  html_text(h, NULL != c->handler_name ? c->handler_name : "—");
  HTML_LIT(h, "</td><td>");
  html_text(h, c->name);
  if (c->user_id > 0) {
    html_fmt(h, " <span class=\"hint\">(%s)</span>", L(r, "complaint.has_account"));
  }
  HTML_LIT(h, "</td></tr>");
}

/* GET /admin/complaints[?status=&before=]: the queue, newest first, a page at a time. */
int h_page_admin_complaints(struct req *r) {
  static const char *const cols[] = {"complaint.reference", "complaint.received_at",
                                     "complaint.category",  "page.status",
                                     "complaint.handler",   "complaint.name"};
  struct complaints_listing page;
  int ret = 0;
  if (!h_complaints_listing(r, &page)) {
    return 0; /* answered (400) */
  }
  const char *status_text = page.status_text;
  const struct store_complaint *list = page.list;
  const size_t n = page.n;
  enum time_zone zone = page_zone(r);
  struct html *h = layout_page_open(r, COMPLAINTS_OK == page.rc ? STORE_OK : page.store_rc,
                                    "complaint.admin_title", "static/staff.js", &ret);
  if (NULL == h) {
    goto cleanup;
  }
  queue_counts(h, r, page.counts);
  queue_filter(h, r, status_text);
  html_fmt(h, "<h2 id=\"complaint-list\">%s</h2>", L(r, "complaint.list"));
  if (0 == n) {
    html_fmt(
        h, "<p role=\"status\" id=\"complaint-none\">%s</p>",
        L(r, NULL == status_text && 0 == page.before ? "complaint.none" : "complaint.none_found"));
  } else {
    layout_table_begin(h, r, false, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < n; i++) {
      queue_row(h, r, &list[i], zone);
    }
    HTML_LIT(h, "</tbody></table></div>");
  }
  pager_nav(h, r, &queue_pager, page.next, "complaint.pages");
  ret = layout_reply_with_back(r, h, "/admin");
cleanup:
  store_complaint_list_free(page.list, page.n);
  return ret;
}

/* The account a complaint was lodged from: its name and e-mail, the name linked to the
 * account's page; the account's number when it cannot be read. */
static void account_fact(struct html *h, const struct req *r, int64_t user_id) {
  struct store_rd *rd = NULL;
  struct store_user u;
  char href[48];
  memset(&u, 0, sizeof u);
  html_fmt(h, "<dt>%s</dt><dd id=\"complaint-account\">", L(r, "complaint.account"));
  if (user_id <= 0) {
    html_fmt(h, "%s</dd>", L(r, "complaint.no_account"));
    return;
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_user_by_id(rd, &u, user_id);
  }
  store_rd_end(rd);
  memset(u.password_hash, 0, sizeof u.password_hash);
  if (STORE_OK != rc) {
    html_fmt(h, "#%lld</dd>", (long long)user_id);
    return;
  }
  snprintf(href, sizeof href, "/admin/users/%lld", (long long)user_id);
  HTML_LIT(h, "<a");
  html_attr_url(h, "href", href);
  HTML_LIT(h, ">");
  html_text(h, u.name);
  HTML_LIT(h, "</a> <span class=\"hint\">");
  html_text(h, u.email);
  html_fmt(h, " · %s</span></dd>", layout_role_text(r, u.role));
}

/* Every note, with its author and time and whether the complainant reads it; the
 * complainant's replies marked as theirs. */
static void staff_notes(struct html *h, const struct req *r,
                        const struct store_complaint_note *notes, size_t n, enum time_zone zone) {
  html_fmt(h, "<h2 id=\"complaint-notes-title\">%s</h2>", L(r, "complaint.notes"));
  if (0 == n) {
    html_fmt(h, "<p id=\"complaint-no-notes\">%s</p>", L(r, "complaint.no_notes"));
    return;
  }
  HTML_LIT(h, "<ol id=\"complaint-notes\">");
  for (size_t i = 0; i < n; i++) {
    char when[TIME_TEXT_SIZE];
    const bool reply = notes[i].from_complainant;
    page_time(when, sizeof when, notes[i].created_ms, zone, false);
    html_fmt(h,
             "<li class=\"card\" data-seq=\"%lld\" data-shown=\"%s\" data-from=\"%s\">"
             "<p class=\"hint\">%s · ",
             (long long)notes[i].seq, notes[i].shown ? "true" : "false",
             reply ? "complainant" : "staff", when);
    if (reply) {
      html_fmt(h, "<span class=\"badge bk\">%s</span>", L(r, "complaint.from_complainant"));
    } else {
      html_text(h, NULL != notes[i].author_name ? notes[i].author_name : "—");
      html_fmt(h, " · <span class=\"%s\">%s</span>", notes[i].shown ? "badge k" : "badge pending",
               L(r, notes[i].shown ? "complaint.note_shown" : "complaint.note_internal"));
    }
    HTML_LIT(h, "</p><p class=\"prompt\">");
    html_text(h, notes[i].body);
    HTML_LIT(h, "</p></li>");
  }
  HTML_LIT(h, "</ol>");
}

/* The declaration the one who takes or closes a complaint makes: no part in what it is
 * about (id: the checkbox's id). */
static void not_involved_field(struct html *h, const struct req *r, const char *id) {
  html_fmt(h,
           "<label class=\"option\" for=\"%s\"><input type=\"checkbox\" id=\"%s\" "
           "name=\"not_involved\" value=\"true\" required aria-describedby=\"%s-hint\"> %s"
           "</label><p class=\"hint\" id=\"%s-hint\">%s</p>",
           id, id, id, L(r, "complaint.not_involved"), id, L(r, "complaint.not_involved_hint"));
}

/* What an administrator may do with the complaint now: take it, or note and close it; nothing
 * when it is closed, and a word on why not when they lodged it themselves. */
static void staff_actions(struct html *h, const struct req *r, const struct store_complaint *c) {
  char action[80], api[96], next[112];
  if (COMPLAINT_CLOSED == c->status) {
    return;
  }
  if (c->user_id == r->user->id) {
    html_fmt(h, "<p class=\"notice warn\" id=\"complaint-own\">%s</p>", L(r, "complaint.own"));
    return;
  }
  if (COMPLAINT_RECEIVED == c->status) {
    snprintf(action, sizeof action, "/admin/complaints/%" PRId64 "/take", c->id);
    snprintf(api, sizeof api, "/api/admin/complaints/%" PRId64 "/take", c->id);
    snprintf(next, sizeof next, "/admin/complaints/%" PRId64 "?notice=complaint_taken", c->id);
    html_fmt(h,
             "<section class=\"card\" id=\"complaint-take\" aria-labelledby=\"ct-title\">"
             "<h2 id=\"ct-title\">%s</h2><p>%s</p>",
             L(r, "complaint.take_title"), L(r, "complaint.take_hint"));
    layout_action_form(h, r, action, api, next);
    not_involved_field(h, r, "ct-not-involved");
    html_fmt(h,
             "<p><button type=\"submit\" id=\"complaint-take-button\">%s</button></p></form>"
             "</section>",
             L(r, "complaint.take"));
    return;
  }
  snprintf(action, sizeof action, "/admin/complaints/%" PRId64 "/notes", c->id);
  snprintf(api, sizeof api, "/api/admin/complaints/%" PRId64 "/notes", c->id);
  snprintf(next, sizeof next, "/admin/complaints/%" PRId64 "?notice=complaint_noted", c->id);
  html_fmt(h,
           "<section class=\"card\" id=\"complaint-note\" aria-labelledby=\"cn-title\">"
           "<h2 id=\"cn-title\">%s</h2>",
           L(r, "complaint.note_title"));
  layout_action_form(h, r, action, api, next);
  html_fmt(h, "<label for=\"cn-text\">%s</label>", L(r, "complaint.note_text"));
  HTML_LIT(h, "<textarea id=\"cn-text\" name=\"text\" rows=\"4\" required maxlength=\"5000\" "
              "aria-describedby=\"cn-shown-hint\"></textarea>");
  html_fmt(h,
           "<label class=\"option\" for=\"cn-shown\"><input type=\"checkbox\" id=\"cn-shown\" "
           "name=\"shown\" value=\"true\"> %s</label>",
           L(r, "complaint.note_show"));
  html_fmt(h, "<p class=\"hint\" id=\"cn-shown-hint\">%s</p>", L(r, "complaint.note_show_hint"));
  html_fmt(h,
           "<p><button type=\"submit\" id=\"complaint-note-button\">%s</button></p></form>"
           "</section>",
           L(r, "complaint.note_save"));
  char href[80], ref[COMPLAINT_REF_SIZE], aria[COMPLAINT_REF_SIZE + 96];
  complaint_ref(ref, c->id);
  snprintf(href, sizeof href, "/admin/complaints/%" PRId64 "/close", c->id);
  snprintf(aria, sizeof aria, "%s: %s", L(r, "complaint.close"), ref);
  html_fmt(h,
           "<section class=\"card\" id=\"complaint-close\" aria-labelledby=\"cc-title\">"
           "<h2 id=\"cc-title\">%s</h2><p>%s</p><p>",
           L(r, "complaint.close"), L(r, "complaint.close_hint"));
  confirm_link(h, href, L(r, "complaint.close"), aria);
  HTML_LIT(h, "</p></section>");
}

/* GET /admin/complaints/:id: the complaint with its contact, its notes and its actions. */
int h_page_admin_complaint(struct req *r) {
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int64_t id = 0;
  int store_rc = STORE_OK;
  char ref[COMPLAINT_REF_SIZE], title[COMPLAINT_REF_SIZE + 64], when[TIME_TEXT_SIZE];
  if (!reply_need_id(r, ERR_COMPLAINT_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  enum complaints_rc rc = complaints_get(&c, &notes, &n, r->svc, id, &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, NULL, store_rc, __func__);
  }
  enum time_zone zone = page_zone(r);
  struct html *h = html_new();
  if (NULL == h) {
    store_complaint_clear(&c);
    store_complaint_notes_free(notes, n);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  complaint_ref(ref, c.id);
  snprintf(title, sizeof title, "%s %s", L(r, "complaint.one"), ref);
  layout_begin_script(h, r, title, "static/staff.js");
  HTML_LIT(h, "<h1>");
  html_text(h, title);
  HTML_LIT(h, "</h1>");
  layout_notice(h, r);
  erased_notice(h, r, &c, zone);
  html_fmt(h, "<dl class=\"facts\" id=\"complaint-facts\"><dt>%s</dt><dd>", L(r, "page.status"));
  status_badge(h, r, c.status, "complaint-status");
  HTML_LIT(h, "</dd>");
  page_time(when, sizeof when, c.created_ms, zone, false);
  fact(h, r, "complaint.received_at", when);
  fact(h, r, "complaint.category", layout_complaint_category_text(r, c.category));
  fact(h, r, "complaint.about_short", c.about);
  fact(h, r, "complaint.name", c.name);
  fact(h, r, "complaint.email_short", c.email);
  account_fact(h, r, c.user_id);
  fact(h, r, "complaint.handler", c.handler_name);
  handling_dates(h, r, &c, zone);
  html_fmt(h, "</dl><h2>%s</h2><p class=\"prompt\" id=\"complaint-body\">", L(r, "complaint.body"));
  html_text(h, c.body);
  HTML_LIT(h, "</p>");
  if (COMPLAINT_CLOSED == c.status) {
    outcome_section(h, r, &c);
  }
  staff_notes(h, r, notes, n, zone);
  staff_actions(h, r, &c);
  store_complaint_clear(&c);
  store_complaint_notes_free(notes, n);
  return layout_reply_with_back(r, h, "/admin/complaints");
}

/* The fields of closing: the outcome and the text the complainant reads. */
static void close_fields(struct html *h, const struct req *r, const void *ctx) {
  (void)ctx;
  html_fmt(h, "<fieldset id=\"cc-outcome\"><legend>%s</legend>", L(r, "complaint.outcome"));
  html_fmt(h,
           "<label class=\"option\" for=\"cc-upheld\"><input type=\"radio\" id=\"cc-upheld\" "
           "name=\"outcome\" value=\"upheld\" required> %s</label>",
           layout_complaint_outcome_text(r, COMPLAINT_UPHELD));
  html_fmt(h,
           "<label class=\"option\" for=\"cc-not-upheld\"><input type=\"radio\" "
           "id=\"cc-not-upheld\" name=\"outcome\" value=\"not_upheld\"> %s</label></fieldset>",
           layout_complaint_outcome_text(r, COMPLAINT_NOT_UPHELD));
  html_fmt(h, "<label for=\"cc-text\">%s</label><p class=\"hint\" id=\"cc-text-hint\">%s</p>",
           L(r, "complaint.outcome_text"), L(r, "complaint.outcome_text_hint"));
  HTML_LIT(h, "<textarea id=\"cc-text\" name=\"text\" rows=\"5\" required maxlength=\"5000\" "
              "aria-describedby=\"cc-text-hint\"></textarea>");
  not_involved_field(h, r, "cc-not-involved");
}

/* GET /admin/complaints/:id/close: closing for good, with the outcome and its text asked;
 * refused as the closing itself would be (not in review, or the caller's own complaint). */
int h_page_admin_complaint_close(struct req *r) {
  struct store_complaint c;
  struct store_complaint_note *notes = NULL;
  size_t n = 0;
  int64_t id = 0;
  int store_rc = STORE_OK;
  char ref[COMPLAINT_REF_SIZE], action[80], api[96], next[112], back[64];
  if (!reply_need_id(r, ERR_COMPLAINT_NOT_FOUND, &id)) {
    return 0; /* answered */
  }
  enum complaints_rc rc = complaints_get(&c, &notes, &n, r->svc, id, &store_rc);
  if (COMPLAINTS_OK != rc) {
    return h_complaints_refused(r, rc, NULL, store_rc, __func__);
  }
  store_complaint_notes_free(notes, n);
  bool own = c.user_id == r->user->id, in_review = COMPLAINT_IN_REVIEW == c.status;
  store_complaint_clear(&c);
  if (!in_review) {
    return reply_error(r, ERR_COMPLAINT_NOT_IN_REVIEW, NULL);
  }
  if (own) {
    return reply_error(r, ERR_OWN_COMPLAINT, NULL);
  }
  complaint_ref(ref, id);
  snprintf(action, sizeof action, "/admin/complaints/%" PRId64 "/close", id);
  snprintf(api, sizeof api, "/api/admin/complaints/%" PRId64 "/close", id);
  snprintf(next, sizeof next, "/admin/complaints/%" PRId64 "?notice=complaint_closed", id);
  snprintf(back, sizeof back, "/admin/complaints/%" PRId64, id);
  const struct confirm cf = {.title_key = "complaint.close",
                             .what_key = "complaint.close_what",
                             .name = ref,
                             .action = action,
                             .api = api,
                             .next = next,
                             .back = back,
                             .button_key = "complaint.close_button",
                             .fields = close_fields};
  return confirm_page(r, &cf);
}

/* --- the candidate's dashboard ----------------------------------------------------------- */

void h_complaints_me_section(struct html *h, const struct req *r,
                             const struct store_complaint *list, size_t n, enum time_zone zone) {
  if (0 == n) {
    return;
  }
  html_fmt(h,
           "<section aria-labelledby=\"complaints\"><h2 id=\"complaints\">%s</h2><ul "
           "id=\"my-complaints\">",
           L(r, "complaint.mine"));
  for (size_t i = 0; i < n; i++) {
    char ref[COMPLAINT_REF_SIZE], when[TIME_TEXT_SIZE], href[sizeof COMPLAINTS_PATH + 64];
    complaint_ref(ref, list[i].id);
    page_time(when, sizeof when, list[i].created_ms, zone, true);
    snprintf(href, sizeof href, "%s%s", COMPLAINTS_PATH, list[i].token);
    html_fmt(h, "<li id=\"my-complaint-%lld\"><a", (long long)list[i].id);
    html_attr_url(h, "href", href);
    html_fmt(h, ">%s</a> · %s · ", ref, when);
    html_text(h, layout_complaint_category_text(r, list[i].category));
    HTML_LIT(h, " · ");
    status_badge(h, r, list[i].status, NULL);
    HTML_LIT(h, "</li>");
  }
  html_fmt(h, "</ul><p><a href=\"/pengaduan\">%s</a></p></section>", L(r, "complaint.new"));
}
