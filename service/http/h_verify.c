/*
 * Public verification: the page a QR code opens (GET /V/<token>), the serial look-up form
 * (GET /verify, GET /verify?serial=...) and the JSON API (POST /api/verify with a
 * credential, a QR token or a serial). Pages need no JavaScript and state the verdict in
 * Indonesian and English; clients asking for JSON get the same result as data.
 *
 * The verdict itself (signature, register, log, status) is common/verify.c's; this adapter
 * parses the request and renders the result.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/verify.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/jsontext.h"
#include "http/layout.h"
#include "http/pager.h"
#include "http/ratelimit.h"
#include "http/verify_json.h"
#include "store/store.h"
#include "ujikom/json_compact.h"

/* The catalogue texts of this page, looked up once: the catalogues are compiled into the
 * binary and loaded once for the life of the process (http/i18n.c), so these pointers never
 * go stale. The verdicts come first, in the order of enum cert_verdict. */
#define VERIFY_TEXTS(X)                                                                            \
  X(VT_VERDICT_GENUINE, "verify.verdict.genuine")                                                  \
  X(VT_VERDICT_EXPIRED, "verify.verdict.expired")                                                  \
  X(VT_VERDICT_REVOKED, "verify.verdict.revoked")                                                  \
  X(VT_VERDICT_NOT_GENUINE, "verify.verdict.not_genuine")                                          \
  X(VT_VERDICT_SUSPENDED, "verify.verdict.suspended")                                              \
  X(VT_VERDICT_INVALID, "verify.verdict.invalid")                                                  \
  X(VT_REASON_NONE, "verify.reason.none")                                                          \
  X(VT_REASON_MALFORMED, "verify.reason.malformed")                                                \
  X(VT_REASON_UNKNOWN_KEY, "verify.reason.unknown_key")                                            \
  X(VT_REASON_BAD_SIGNATURE, "verify.reason.bad_signature")                                        \
  X(VT_REASON_NOT_FOUND, "verify.reason.not_found")                                                \
  X(VT_REASON_NOT_IN_REGISTER, "verify.reason.not_in_register")                                    \
  X(VT_REASON_CLAIMS_DIFFER, "verify.reason.claims_differ")                                        \
  X(VT_REASON_NOT_IN_LOG, "verify.reason.not_in_log")                                              \
  X(VT_REASON_KEY_COMPROMISED, "verify.reason.key_compromised")                                    \
  X(VT_REASON_NOT_YET_VALID, "verify.reason.not_yet_valid")                                        \
  X(VT_EXPLAIN_INVALID, "verify.explain.invalid")                                                  \
  X(VT_EXPLAIN_SUSPENDED, "verify.explain.suspended")                                              \
  X(VT_LOGGED, "verify.logged")                                                                    \
  X(VT_CHECK, "verify.check")                                                                      \
  X(VT_CHECK_ANOTHER, "verify.check_another")                                                      \
  X(VT_EXPLAIN_EXPIRED, "verify.explain.expired")                                                  \
  X(VT_EXPLAIN_GENUINE, "verify.explain.genuine")                                                  \
  X(VT_EXPLAIN_NOT_GENUINE, "verify.explain.not_genuine")                                          \
  X(VT_EXPLAIN_REVOKED, "verify.explain.revoked")                                                  \
  X(VT_FIELD_EXPIRES, "verify.field.expires")                                                      \
  X(VT_FIELD_ISSUED, "verify.field.issued")                                                        \
  X(VT_FIELD_ISSUER, "verify.field.issuer")                                                        \
  X(VT_FIELD_KID, "verify.field.kid")                                                              \
  X(VT_FIELD_NAME, "verify.field.name")                                                            \
  X(VT_FIELD_NUMBER, "verify.field.number")                                                        \
  X(VT_FIELD_SCHEME, "verify.field.scheme")                                                        \
  X(VT_FIELD_SUBSECTOR, "verify.field.subsector")                                                  \
  X(VT_INTRO, "verify.intro")                                                                      \
  X(VT_NUMBER_LABEL, "verify.number_label")                                                        \
  X(VT_TITLE, "verify.title")                                                                      \
  X(VT_UNIT_CODE, "verify.unit_code")                                                              \
  X(VT_UNIT_TITLE, "verify.unit_title")                                                            \
  X(VT_UNITS, "verify.units")                                                                      \
  X(VT_RECERTIFIES, "verify.recertifies")                                                          \
  X(VT_RENEWED_BY, "verify.renewed_by")                                                            \
  X(VT_REPORT, "verify.report")
#define VT_ENUM(name, key) name,
#define VT_KEY(name, key)  key,
enum vt { VERIFY_TEXTS(VT_ENUM) VT__MAX };
static const char *const vt_keys[VT__MAX] = {VERIFY_TEXTS(VT_KEY)};
static const char *vt_texts[2][VT__MAX]; /* [0] Indonesian, [1] English */
#define VERIFY_STYLESHEET "static/verify.css"
/* The same texts as html_text writes them (escaped by it, once), kept for the life of the
 * process like the catalogues; NULL where that failed (then html_text runs each time). */
static char *vt_html[2][VT__MAX];
static size_t vt_html_len[2][VT__MAX];
/* The page's title, "Indonesian / English", whatever the visitor's language. */
static char page_title[160];
/* Per visitor language, what every result page has the same: the shell served to an
 * anonymous visitor (but the language switch's href) and the page's end (the form for
 * another number and the footer). Empty where making them failed (then the page is written
 * in full). */
static struct layout_shell shells[2];
static char *page_end[2];
static size_t page_end_len[2];

static void serial_form(struct html *h, const char *value);
static void both(struct html *h, enum vt key);

/* What the page has after the result: another number's form, then the footer. */
static void page_tail(struct html *h, const struct req *r, const char *typed) {
  HTML_LIT(h, "<h2>");
  both(h, VT_CHECK_ANOTHER);
  HTML_LIT(h, "</h2>");
  serial_form(h, typed);
  layout_end(h, r);
}

void h_verify_init(void) {
  if (NULL != vt_texts[0][0]) {
    return;
  }
  for (size_t l = 0; l < 2; l++) {
    for (size_t i = 0; i < VT__MAX; i++) {
      vt_texts[l][i] = i18n(0 == l ? "id" : "en", vt_keys[i]);
      struct html *h = html_new();
      if (NULL != h) {
        html_text(h, vt_texts[l][i]);
        vt_html[l][i] = html_take(h, &vt_html_len[l][i]);
      }
    }
  }
  snprintf(page_title, sizeof page_title, "%s / %s", vt_texts[0][VT_TITLE], vt_texts[1][VT_TITLE]);
  for (size_t l = 0; l < 2; l++) {
    struct req r;
    memset(&r, 0, sizeof r);
    r.lang = 0 == l ? "id" : "en";
    (void)layout_shell_make(&shells[l], r.lang, page_title, VERIFY_STYLESHEET);
    struct html *h = html_new();
    if (NULL != h) {
      page_tail(h, &r, NULL);
      page_end[l] = html_take(h, &page_end_len[l]);
    }
  }
}

/* The index of r's language in shells and page_end. */
static size_t lang_of(const struct req *r) {
  return 0 == strcmp(i18n_lang(r->lang), "en") ? 1 : 0;
}

/* The text of t in Indonesian (en false) or English. */
static const char *vt(bool en, enum vt t) {
  return vt_texts[en ? 1 : 0][t];
}

/* Appends the text of t as html_text would: its escaped form, made by html_text once. */
static void vt_text(struct html *h, bool en, enum vt t) {
  const char *text = vt(en, t);
  const char *escaped = vt_html[en ? 1 : 0][t];
  if (NULL != escaped) {
    html_raw_(h, escaped, vt_html_len[en ? 1 : 0][t]);
  } else {
    html_text(h, text);
  }
}

_Static_assert(VT_REASON_NOT_YET_VALID - VT_REASON_NONE == VERIFY_NOT_YET_VALID &&
                   VT_REASON_MALFORMED - VT_REASON_NONE == VERIFY_MALFORMED &&
                   VERIFY_NOT_YET_VALID + 1 == VERIFY_REASON__MAX,
               "reason texts follow enum verify_reason");

_Static_assert(VT_VERDICT_NOT_GENUINE - VT_VERDICT_GENUINE == CERT_NOT_GENUINE &&
                   VT_VERDICT_REVOKED - VT_VERDICT_GENUINE == CERT_REVOKED &&
                   VT_VERDICT_EXPIRED - VT_VERDICT_GENUINE == CERT_EXPIRED &&
                   VT_VERDICT_SUSPENDED - VT_VERDICT_GENUINE == CERT_SUSPENDED,
               "verdict texts follow enum cert_verdict");

/* The verdict in Indonesian (en false) or English ("verify.verdict.<name>"). */
static const char *verdict_text(bool en, enum cert_verdict v) {
  return vt(en, (enum vt)(VT_VERDICT_GENUINE + (int)v));
}

/* The text of a reason (VT_REASON_NONE for none). */
static enum vt reason_vt(enum verify_reason r) {
  return (enum vt)(VT_REASON_NONE + (int)r);
}

static const char *const form_names[] = {[VERIFY_FORM_QR] = "qr",
                                         [VERIFY_FORM_CREDENTIAL] = "credential",
                                         [VERIFY_FORM_SERIAL] = "serial"};

/* The outcome as JSON text (malloc'd, *len bytes), or NULL when out of memory. */
static char *outcome_json(const struct verify_result *o, size_t *len) {
  struct jtext b = {0};
  bool not_genuine = CERT_NOT_GENUINE == o->v.verdict;
  const struct verify_answer a = {.v = &o->v,
                                  .form = form_names[o->form],
                                  .verdict_id = verdict_text(false, o->v.verdict),
                                  .verdict_en = verdict_text(true, o->v.verdict),
                                  .revoked_ms = o->status_ms,
                                  .revoked_reason = o->status_reason,
                                  .reason_code = verify_reason_code(o->reason),
                                  .reason_id = vt(false, reason_vt(o->reason)),
                                  .reason_en = vt(true, reason_vt(o->reason)),
                                  .logged = o->logged,
                                  .log_index = o->log_index,
                                  .logged_ms = o->logged_ms,
                                  /* a forgery names no register links */
                                  .recertifies = not_genuine ? NULL : o->recertifies,
                                  .renewed_by = not_genuine ? NULL : o->renewed_by};
  verify_json_write(&b, &a);
  if (!jt_done(&b)) {
    free(b.s);
    return NULL;
  }
  *len = b.len;
  return b.s;
}

static int reply_outcome_json(struct req *r, const struct verify_result *o) {
  size_t len = 0;
  char *text = outcome_json(o, &len);
  if (NULL == text) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_bytes_owned(r, 200, "application/json; charset=utf-8", text, len);
}

/* The verification page speaks Indonesian and English at once, whatever the visitor's
 * language: an employer abroad and a local one read the same page. Writes the catalogue
 * text of key in Indonesian, then in English marked lang="en". */
static void both(struct html *h, enum vt key) {
  vt_text(h, false, key);
  HTML_LIT(h, " <span lang=\"en\">/ ");
  vt_text(h, true, key);
  HTML_LIT(h, "</span>");
}

static void row(struct html *h, enum vt key, const char *value) {
  HTML_LIT(h, "<dt>");
  both(h, key);
  HTML_LIT(h, "</dt><dd>");
  html_text(h, value);
  HTML_LIT(h, "</dd>");
}

static void page_begin(struct html *h, struct req *r) {
  layout_shell_begin(h, r, &shells[lang_of(r)], page_title, VERIFY_STYLESHEET);
}

static void serial_form(struct html *h, const char *value) {
  HTML_LIT(h, "<form method=\"get\" action=\"/verify\" class=\"verify-form\">"
              "<label for=\"serial\">");
  both(h, VT_NUMBER_LABEL);
  /* A text field as every other (full width on a phone); serials are upper case. */
  HTML_LIT(h, "</label><input type=\"text\" id=\"serial\" name=\"serial\" autocomplete=\"off\" "
              "autocapitalize=\"characters\" spellcheck=\"false\" "
              "placeholder=\"UJK-XXXX-XXXX-XXXX-XXXX-X\" maxlength=\"64\"");
  html_attr(h, "value", value);
  HTML_LIT(h, "> <button type=\"submit\">");
  both(h, VT_CHECK);
  HTML_LIT(h, "</button></form>");
}

/* Both languages of a catalogue paragraph, each line its own. */
static void explain(struct html *h, enum vt key) {
  HTML_LIT(h, "<p>");
  vt_text(h, false, key);
  HTML_LIT(h, "<br><span lang=\"en\">");
  vt_text(h, true, key);
  HTML_LIT(h, "</span></p>");
}

/* The banner's icon: a different shape for each verdict, so that it is never told by colour
 * alone (inline SVG: no font needs the glyph). */
static void verdict_icon(struct html *h, const char *kind) {
  HTML_LIT(h, "<svg class=\"verdict-icon\" viewBox=\"0 0 24 24\" width=\"40\" height=\"40\" "
              "aria-hidden=\"true\" focusable=\"false\">");
  if (0 == strcmp(kind, "genuine")) { /* a check mark in a circle */
    HTML_LIT(h, "<circle cx=\"12\" cy=\"12\" r=\"11\"/><path d=\"M6 12.5l4 4 8-9\" fill=\"none\" "
                "stroke-width=\"2.6\"/>");
  } else if (0 == strcmp(kind, "expired")) { /* an hourglass */
    HTML_LIT(h, "<path d=\"M5 2h14v2l-5 8 5 8v2H5v-2l5-8-5-8z\"/>");
  } else if (0 == strcmp(kind, "revoked")) { /* a circle struck through */
    HTML_LIT(h, "<circle cx=\"12\" cy=\"12\" r=\"9.5\" fill=\"none\" stroke-width=\"3\"/>"
                "<path d=\"M5.5 5.5l13 13\" stroke-width=\"3\"/>");
  } else if (0 == strcmp(kind, "suspended")) { /* pause bars */
    HTML_LIT(h, "<rect x=\"5\" y=\"3\" width=\"5\" height=\"18\"/>"
                "<rect x=\"14\" y=\"3\" width=\"5\" height=\"18\"/>");
  } else if (0 == strcmp(kind, "invalid")) { /* a question mark */
    HTML_LIT(h, "<path d=\"M8 8a4 4 0 1 1 5.5 3.7c-1 .4-1.5 1.1-1.5 2.3v1\" fill=\"none\" "
                "stroke-width=\"2.8\"/><circle cx=\"12\" cy=\"20\" r=\"1.8\"/>");
  } else { /* not genuine: a cross in a warning triangle */
    HTML_LIT(h, "<path d=\"M12 1l11 21H1z\"/><path d=\"M9 11l6 6M15 11l-6 6\" "
                "class=\"verdict-icon-inner\" stroke-width=\"2.4\"/>");
  }
  HTML_LIT(h, "</svg>");
}

/* A catalogue text with {date} and {reason}, in both languages. */
static void explain_status(struct html *h, enum vt key, const struct verify_result *o) {
  char when[16];
  verify_date_text(when, sizeof when, o->status_ms / 1000);
  HTML_LIT(h, "<p>");
  html_text_sub(h, vt(false, key), "date", when, "reason", o->status_reason, NULL);
  HTML_LIT(h, "<br><span lang=\"en\">");
  html_text_sub(h, vt(true, key), "date", when, "reason", o->status_reason, NULL);
  HTML_LIT(h, "</span></p>");
}

/* A certificate that must not be accepted may be reported to the LSP: a link to the
 * complaint form with the category filled in and, for a certificate of the register (revoked
 * or suspended), its number. A forgery's number is what the forger wrote: not filled in. */
static void report_link(struct html *h, const struct verify_result *o) {
  static const char base[] = "/pengaduan?category=certificate";
  char href[96];
  memcpy(href, base, sizeof base);
  if (o->v.claims_valid && CERT_NOT_GENUINE != o->v.verdict &&
      0 == cert_serial_parse(NULL, NULL, o->v.claims.serial) &&
      !pager_add_param(href, sizeof href, "about", o->v.claims.serial)) {
    memcpy(href, base, sizeof base); /* cut: the link without the number */
  }
  HTML_LIT(h, "<p class=\"verdict-report\"><a");
  html_attr_url(h, "href", href);
  HTML_LIT(h, ">");
  vt_text(h, false, VT_REPORT);
  HTML_LIT(h, " <span lang=\"en\">/ ");
  vt_text(h, true, VT_REPORT);
  HTML_LIT(h, "</span></a></p>");
}

/* The banner: the verdict as the page's first heading, its icon, and why. */
static void verdict_banner(struct html *h, const struct verify_result *o) {
  /* Only a typed number can be mistyped; a malformed QR token or credential is not genuine. */
  bool invalid = VERIFY_MALFORMED == o->reason && VERIFY_FORM_SERIAL == o->form;
  const char *kind = invalid ? "invalid" : cert_verdict_name(o->v.verdict);
  enum vt verdict =
      invalid ? VT_VERDICT_INVALID : (enum vt)(VT_VERDICT_GENUINE + (int)o->v.verdict);
  html_fmt(h, "<section class=\"verdict verdict-%s\" role=\"status\" aria-labelledby=\"verdict\">",
           kind);
  HTML_LIT(h, "<h1 id=\"verdict\" class=\"verdict-text\">");
  verdict_icon(h, kind);
  HTML_LIT(h, "<span>");
  vt_text(h, false, verdict);
  HTML_LIT(h, " <span lang=\"en\">/ ");
  vt_text(h, true, verdict);
  HTML_LIT(h, "</span></span></h1>");
  if (invalid) {
    explain(h, VT_EXPLAIN_INVALID);
  } else if (CERT_REVOKED == o->v.verdict) {
    explain_status(h, VT_EXPLAIN_REVOKED, o);
  } else if (CERT_SUSPENDED == o->v.verdict) {
    explain_status(h, VT_EXPLAIN_SUSPENDED, o);
  } else if (CERT_EXPIRED == o->v.verdict) {
    explain(h, VT_EXPLAIN_EXPIRED);
  } else if (CERT_NOT_GENUINE == o->v.verdict) {
    explain(h, VT_EXPLAIN_NOT_GENUINE);
  } else {
    explain(h, VT_EXPLAIN_GENUINE);
  }
  if (VERIFY_REASON_NONE != o->reason) {
    HTML_LIT(h, "<p class=\"verdict-reason\">");
    vt_text(h, false, reason_vt(o->reason));
    HTML_LIT(h, "<br><span lang=\"en\">");
    vt_text(h, true, reason_vt(o->reason));
    HTML_LIT(h, "</span></p>");
  }
  if (!invalid && (CERT_NOT_GENUINE == o->v.verdict || CERT_REVOKED == o->v.verdict ||
                   CERT_SUSPENDED == o->v.verdict)) {
    report_link(h, o);
  }
  if (o->logged && CERT_NOT_GENUINE != o->v.verdict) {
    char index[24];
    snprintf(index, sizeof index, "%llu", (unsigned long long)o->log_index);
    HTML_LIT(h, "<p class=\"verdict-log\">");
    html_text_sub(h, vt(false, VT_LOGGED), "index", index, NULL);
    HTML_LIT(h, "<br><span lang=\"en\">");
    html_text_sub(h, vt(true, VT_LOGGED), "index", index, NULL);
    HTML_LIT(h, "</span></p>");
  }
  HTML_LIT(h, "</section>");
}

/* A row naming another certificate, with the link to its verification. */
static void serial_row(struct html *h, enum vt key, const char *serial) {
  char href[64];
  snprintf(href, sizeof href, "/verify?serial=%s", serial);
  HTML_LIT(h, "<dt>");
  both(h, key);
  HTML_LIT(h, "</dt><dd><a");
  html_attr_url(h, "href", href);
  html_fmt(h, " class=\"%s\">", VT_RECERTIFIES == key ? "recertifies" : "renewed-by");
  html_text(h, serial);
  HTML_LIT(h, "</a></dd>");
}

/* The certificate's claims; "valid until" only when it is neither revoked nor suspended;
 * the certificate it renews and the one that renewed it. */
static void claims_list(struct html *h, const struct verify_result *o) {
  const struct cert_claims *c = &o->v.claims;
  char d1[16], d2[16], line[400];
  verify_date_text(d1, sizeof d1, c->issued);
  cert_valid_until_text(d2, sizeof d2, c->expires);
  HTML_LIT(h, "<dl class=\"cert-claims facts\">");
  row(h, VT_FIELD_NAME, c->holder);
  row(h, VT_FIELD_NUMBER, c->serial);
  snprintf(line, sizeof line, "%s%s%s%s", c->subsector_name, c->subsector_name[0] ? " (" : "",
           c->subsector, c->subsector_name[0] ? ")" : "");
  row(h, VT_FIELD_SUBSECTOR, line);
  snprintf(line, sizeof line, "%s%s%s%s", c->scheme_title, c->scheme_title[0] ? " (" : "",
           c->scheme_id, c->scheme_title[0] ? ")" : "");
  row(h, VT_FIELD_SCHEME, line);
  row(h, VT_FIELD_ISSUED, d1);
  if (CERT_REVOKED != o->v.verdict && CERT_SUSPENDED != o->v.verdict) {
    row(h, VT_FIELD_EXPIRES, d2);
  }
  if (c->issuer_name[0]) {
    row(h, VT_FIELD_ISSUER, c->issuer_name);
  }
  row(h, VT_FIELD_KID, c->kid);
  if (o->recertifies[0]) {
    serial_row(h, VT_RECERTIFIES, o->recertifies);
  }
  if (o->renewed_by[0]) {
    serial_row(h, VT_RENEWED_BY, o->renewed_by);
  }
  HTML_LIT(h, "</dl>");
  if (c->nunits > 0) {
    HTML_LIT(h, "<h2>");
    both(h, VT_UNITS);
    /* In the wrapper every table has: words and codes are not broken mid-word there. */
    HTML_LIT(h, "</h2><div class=\"table-wrap\"><table class=\"units\"><thead><tr><th "
                "scope=\"col\">");
    both(h, VT_UNIT_CODE);
    HTML_LIT(h, "</th><th scope=\"col\">");
    both(h, VT_UNIT_TITLE);
    HTML_LIT(h, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < c->nunits; i++) {
      HTML_LIT(h, "<tr><td>");
      html_text(h, c->units[i].code);
      HTML_LIT(h, "</td><td>");
      html_text(h, c->units[i].title);
      HTML_LIT(h, "</td></tr>");
    }
    HTML_LIT(h, "</tbody></table></div>");
  }
}

static int outcome_page(struct req *r, const struct verify_result *o, const char *typed) {
  struct html *h = html_new();
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  page_begin(h, r);
  verdict_banner(h, o);
  /* A forgery's claims are not shown: they are what the forger wanted read. */
  if (o->v.claims_valid && CERT_NOT_GENUINE != o->v.verdict) {
    claims_list(h, o);
  }
  size_t l = lang_of(r);
  if (NULL == typed && NULL != page_end[l]) {
    html_raw_(h, page_end[l], page_end_len[l]);
  } else {
    page_tail(h, r, typed);
  }
  reply_header(r, "Cache-Control", "no-store");
  return reply_html(r, 200, h);
}

/* The verification page is for people first (a phone camera opens it; so may a plain
 * HTTP client): HTML unless the client asks for JSON before (or without) HTML. */
static bool verify_wants_json(const struct req *r) {
  const char *accept = req_header(r, "Accept");
  const char *j = NULL == accept ? NULL : strstr(accept, "application/json");
  const char *h = NULL == accept ? NULL : strstr(accept, "text/html");
  return NULL != j && (NULL == h || j < h);
}

static int reply_outcome(struct req *r, const struct verify_result *o, const char *typed) {
  if (verify_wants_json(r)) {
    reply_header(r, "Cache-Control", "no-store");
    return reply_outcome_json(r, o);
  }
  return outcome_page(r, o, typed);
}

/* Verifies text in form and answers (JSON when json, else as the client prefers). */
static int answer(struct req *r, enum verify_form form, const char *text, const char *typed,
                  bool json) {
  struct verify_result *o = verify_result_new();
  if (NULL == o) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  int rc = verify_certificate(o, r->svc, form, text, strlen(text), r->now_ms, r->request_id);
  int ret;
  if (0 != rc) {
    ret = reply_store_error(r, rc, __func__);
  } else if (json) {
    ret = reply_outcome_json(r, o);
  } else {
    ret = reply_outcome(r, o, typed);
  }
  free(o);
  return ret;
}

int h_verify_serial_page(struct req *r, const char *serial) {
  return answer(r, VERIFY_FORM_SERIAL, serial, NULL, false);
}

int h_verify_qr(struct req *r) {
  return answer(r, VERIFY_FORM_QR, r->params[0], NULL, false);
}

/* Typing serials reveals holders' names, so look-ups by serial are counted per client
 * address; a signed QR token or credential carries its own claims and is not limited. */
static enum ratelimit_rc throttle_serial_lookup(struct req *r) {
  char key[128];
  snprintf(key, sizeof key, "verify-serial:ip:%s", r->client_ip);
  return ratelimit_hit(r, key, r->svc->cfg->verify_lookups_per_hour, 3600);
}

int h_verify_page(struct req *r) {
  const char *serial = req_query(r, "serial");
  if (NULL == serial || '\0' == serial[0]) {
    struct html *h = html_new();
    if (NULL == h) {
      return reply_error(r, ERR_INTERNAL, NULL);
    }
    page_begin(h, r);
    HTML_LIT(h, "<h1>");
    both(h, VT_TITLE);
    HTML_LIT(h, "</h1>");
    explain(h, VT_INTRO);
    serial_form(h, NULL);
    layout_end(h, r);
    return reply_html(r, 200, h);
  }
  if (RATELIMIT_OK != throttle_serial_lookup(r)) {
    return 0;
  }
  return answer(r, VERIFY_FORM_SERIAL, serial, serial, false);
}

int h_verify_api(struct req *r) {
  const json_t *cred = json_object_get(r->json, "credential");
  const char *credential = json_string_value(cred);
  const char *token = json_string_value(json_object_get(r->json, "token"));
  const char *serial = json_string_value(json_object_get(r->json, "serial"));
  int given = (NULL != credential || json_is_object(cred)) + (NULL != token) + (NULL != serial);
  if (!json_is_object(r->json) || 1 != given) {
    return reply_error(r, ERR_INVALID_FIELD,
                       "Send exactly one of \"credential\" (a JWT string or a JSON-LD "
                       "object), \"token\" or \"serial\" (strings).");
  }
  if (NULL != serial && RATELIMIT_OK != throttle_serial_lookup(r)) {
    return 0;
  }
  if (json_is_object(cred)) {
    /* The JSON-LD form: verified from its text; the verifier parses it again. */
    char *text = json_compact(cred, false);
    int ret = NULL == text ? reply_error(r, ERR_INTERNAL, NULL)
                           : answer(r, VERIFY_FORM_CREDENTIAL, text, NULL, true);
    free(text);
    return ret;
  }
  if (NULL != credential) {
    return answer(r, VERIFY_FORM_CREDENTIAL, credential, NULL, true);
  }
  if (NULL != token) {
    return answer(r, VERIFY_FORM_QR, token, NULL, true);
  }
  return answer(r, VERIFY_FORM_SERIAL, serial, NULL, true);
}
