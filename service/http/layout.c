/*
 * The shared page shell. All visible text comes from the catalogue; the only markup is
 * literal. Navigation depends on the role; the language switch is a plain link that works
 * without JavaScript and brings the user back to the same page.
 */
#include "http/layout.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/assets.h"
#include "http/presented.h"
#include "http/i18n.h"
#include "ujikom/device_kind.h"
#include "ujikom/timefmt.h"

const char *layout_t(const struct req *r, const char *key) {
  return i18n(NULL != r ? r->lang : NULL, key);
}

const char *layout_count(const struct req *r, const char *key, long long n) {
  return i18n_count(NULL != r ? r->lang : NULL, key, n);
}

const char *layout_label(const void *ctx, const char *key) {
  return layout_t((const struct req *)ctx, key);
}

/* The catalogue keys of the states, in the order of their enums. */
static const char *const status_keys[] = {[ATTEMPT_OPEN] = "me.status_open",
                                          [ATTEMPT_SUBMITTED] = "me.status_submitted",
                                          [ATTEMPT_CLOSED] = "me.status_closed"};
static const char *const verdict_keys[] = {[VERDICT_K] = "result.K",
                                           [VERDICT_BK] = "result.BK",
                                           [VERDICT_PENDING] = "result.PENDING",
                                           [VERDICT_NONE] = "result.open"};
static const char *const item_type_keys[] = {
    [EXAM_ITEM_SINGLE] = "exam.type_single",       [EXAM_ITEM_MULTIPLE] = "exam.type_multiple",
    [EXAM_ITEM_TRUEFALSE] = "exam.type_truefalse", [EXAM_ITEM_NUMERIC] = "exam.type_numeric",
    [EXAM_ITEM_SHORT] = "exam.type_short",         [EXAM_ITEM_ORDERING] = "exam.type_ordering",
    [EXAM_ITEM_OPEN] = "exam.type_open",           [EXAM_ITEM_EVIDENCE] = "exam.type_evidence"};
static const char *const appeal_keys[] = {[APPEAL_OPEN] = "me.appeal_open",
                                          [APPEAL_ASSIGNED] = "me.appeal_assigned",
                                          [APPEAL_DECIDED] = "me.appeal_decided"};

static const char *const complaint_category_keys[] = {
    [COMPLAINT_ASSESSMENT] = "complaint.category_assessment",
    [COMPLAINT_ASSESSOR] = "complaint.category_assessor",
    [COMPLAINT_CERTIFICATE] = "complaint.category_certificate",
    [COMPLAINT_EXAM_SYSTEM] = "complaint.category_exam_system",
    [COMPLAINT_SERVICE] = "complaint.category_service",
    [COMPLAINT_OTHER] = "complaint.category_other"};
static const char *const complaint_status_keys[] = {
    [COMPLAINT_RECEIVED] = "complaint.status_received",
    [COMPLAINT_IN_REVIEW] = "complaint.status_in_review",
    [COMPLAINT_CLOSED] = "complaint.status_closed"};
static const char *const complaint_outcome_keys[] = {
    [COMPLAINT_UPHELD] = "complaint.outcome_upheld",
    [COMPLAINT_NOT_UPHELD] = "complaint.outcome_not_upheld"};

/* keys[state]; a value outside the table (never made by the parsers) reads as the last. */
static const char *state_text(const struct req *r, const char *const *keys, size_t nkeys,
                              unsigned state) {
  return L(r, keys[state < nkeys ? state : nkeys - 1]);
}

void layout_device_text(struct html *h, const struct req *r, const char *code) {
  struct device_kind k;
  if (!device_kind_parse(code, &k) ||
      (DEVICE_BROWSER_UNKNOWN == k.browser && DEVICE_OS_UNKNOWN == k.os)) {
    html_text(h, L(r, "sessions.device_unknown"));
  } else if (DEVICE_OS_UNKNOWN == k.os) {
    html_text(h, device_browser_name(k.browser));
  } else if (DEVICE_BROWSER_UNKNOWN == k.browser) {
    html_text_sub(h, L(r, "sessions.device_other_on"), "os", device_os_name(k.os), NULL);
  } else {
    /* "Chrome di Android": product names around the one word of the language (a template
     * of placeholders alone would read like any sentence with "di" in it) */
    html_text(h, device_browser_name(k.browser));
    html_fmt(h, " %s ", L(r, "sessions.device_on"));
    html_text(h, device_os_name(k.os));
  }
}

const char *layout_role_text(const struct req *r, enum role role) {
  if (ROLE_ADMIN == role) {
    return L(r, "role.admin");
  }
  if (ROLE_ASSESSOR == role) {
    return L(r, "role.assessor");
  }
  return L(r, "role.candidate");
}

const char *layout_status_text(const struct req *r, enum attempt_status status) {
  return state_text(r, status_keys, sizeof(status_keys) / sizeof(status_keys[0]), status);
}

const char *layout_verdict_text(const struct req *r, enum verdict verdict) {
  return state_text(r, verdict_keys, sizeof(verdict_keys) / sizeof(verdict_keys[0]), verdict);
}

const char *layout_appeal_text(const struct req *r, enum appeal_status status) {
  return state_text(r, appeal_keys, sizeof(appeal_keys) / sizeof(appeal_keys[0]), status);
}

const char *layout_item_type_text(const struct req *r, enum exam_item_type type) {
  return state_text(r, item_type_keys, sizeof(item_type_keys) / sizeof(item_type_keys[0]), type);
}

const char *layout_complaint_category_text(const struct req *r, enum complaint_category category) {
  return state_text(r, complaint_category_keys,
                    sizeof complaint_category_keys / sizeof complaint_category_keys[0], category);
}

const char *layout_complaint_status_text(const struct req *r, enum complaint_status status) {
  return state_text(r, complaint_status_keys,
                    sizeof complaint_status_keys / sizeof complaint_status_keys[0], status);
}

const char *layout_complaint_outcome_text(const struct req *r, enum complaint_outcome outcome) {
  return state_text(r, complaint_outcome_keys,
                    sizeof complaint_outcome_keys / sizeof complaint_outcome_keys[0], outcome);
}

void layout_th(struct html *h, const struct req *r, const char *const *keys, size_t nkeys) {
  for (size_t i = 0; i < nkeys; i++) {
    html_fmt(h, "<th scope=\"col\">%s</th>", L(r, keys[i]));
  }
}

void layout_table_begin(struct html *h, const struct req *r, bool numbered, const char *const *keys,
                        size_t nkeys) {
  HTML_LIT(h, "<div class=\"table-wrap\"><table><thead><tr>");
  if (numbered) {
    HTML_LIT(h, "<th scope=\"col\">#</th>");
  }
  layout_th(h, r, keys, nkeys);
  HTML_LIT(h, "</tr></thead><tbody>");
}

void layout_stack_table_begin(struct html *h, const struct req *r, const char *caption_key,
                              const char *const *keys, size_t nkeys) {
  HTML_LIT(h, "<div class=\"table-wrap\"><table class=\"stack\" role=\"table\">");
  if (NULL != caption_key) {
    HTML_LIT(h, "<caption>");
    html_text(h, L(r, caption_key));
    HTML_LIT(h, "</caption>");
  }
  HTML_LIT(h, "<thead role=\"rowgroup\"><tr role=\"row\">");
  for (size_t i = 0; i < nkeys; i++) {
    HTML_LIT(h, "<th scope=\"col\" role=\"columnheader\">");
    html_text(h, L(r, keys[i]));
    HTML_LIT(h, "</th>");
  }
  HTML_LIT(h, "</tr></thead><tbody role=\"rowgroup\">");
}

void layout_stack_cell(struct html *h, const struct req *r, const char *key) {
  HTML_LIT(h, "<td role=\"cell\"");
  html_attr(h, "data-label", L(r, key));
  HTML_LIT(h, ">");
}

bool layout_asset_url(char *out, size_t outlen, const char *asset_path) {
  const struct asset *a = asset_find(asset_path);
  if (NULL == a) {
    return false;
  }
  char v[ASSET_VERSION_LEN + 1];
  asset_version(a, v);
  size_t plen = strlen(asset_path);
  if (plen + ASSET_VERSION_LEN + 5 > outlen) { /* "/", "?v=", NUL */
    return false;
  }
  out[0] = '/';
  memcpy(out + 1, asset_path, plen);
  memcpy(out + 1 + plen, "?v=", 3);
  memcpy(out + 4 + plen, v, ASSET_VERSION_LEN + 1);
  return true;
}

/* href is one of the literal local paths below: nothing in it needs escaping. */
static void nav_link(struct html *h, const struct req *r, const char *href, const char *key) {
  bool current = NULL != r->path && 0 == strcmp(r->path, href);
  HTML_LIT(h, "<li><a href=\"");
  html_raw_(h, href, strlen(href));
  if (current) {
    HTML_LIT(h, "\" aria-current=\"page\">");
  } else {
    HTML_LIT(h, "\">");
  }
  html_text(h, L(r, key));
  HTML_LIT(h, "</a></li>");
}

/* Bytes of a path kept as they are in the back link (unreserved, and '/'); bit c of
 * plain[c >> 6]. The others are percent-encoded. */
static const uint64_t plain_bytes[2] = {0x3ffe00000000000ull, 0x47fffffe87fffffeull};

/* The language switch up to its href's end: the link back to r's path in the other
 * language. */
static void lang_switch_href(struct html *h, const struct req *r) {
  const char *lang = i18n_lang(r->lang);
  bool en = 0 == strcmp(lang, "en");
  char href[1024];
  /* The back path is percent-encoded; h_lang checks it is local before use. */
  static const char to_id[] = "/lang?to=id&back=";
  static const char to_en[] = "/lang?to=en&back=";
  size_t n = sizeof(to_id) - 1;
  memcpy(href, en ? to_id : to_en, n);
  size_t pos = n;
  /* One pass encodes the path (up to the buffer) and checks, to its end, what
   * html_local_path checks: a path that is not local goes back to "/". */
  const char *path = r->path;
  bool local = NULL != path && '/' == path[0] && '/' != path[1] && '\\' != path[1];
  for (const char *p = local ? path : ""; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x20 || 0x7F == c || '\\' == c) {
      local = false;
      break;
    }
    if (pos + 4 >= sizeof(href)) {
      continue; /* cut, but still checked */
    }
    if (c < 128 && (plain_bytes[c >> 6] >> (c & 63)) & 1u) {
      href[pos++] = (char)c;
    } else {
      static const char hex[] = "0123456789ABCDEF";
      href[pos++] = '%';
      href[pos++] = hex[c >> 4];
      href[pos++] = hex[c & 15];
    }
  }
  if (!local) {
    pos = n;
    href[pos++] = '/';
  }
  href[pos] = '\0';
  /* What html_attr_url writes for this href, without its two passes over a path that may
   * be a long verification token: the href is a local path of unreserved bytes, '%', '?',
   * '=' and its one '&' (at n - 6, before "back="), which is the only byte to escape. */
  size_t amp = n - 6;
  HTML_LIT(h, "<a class=\"lang\" href=\"");
  html_raw_(h, href, amp);
  HTML_LIT(h, "&amp;");
  html_raw_(h, href + amp + 1, pos - amp - 1);
}

/* The language switch after its href: the same for every page in r's language. */
static void lang_switch_rest(struct html *h, const struct req *r) {
  bool en = 0 == strcmp(i18n_lang(r->lang), "en");
  HTML_LIT(h, "\"");
  html_attr(h, "lang", en ? "id" : "en");
  html_attr(h, "hreflang", en ? "id" : "en");
  HTML_LIT(h, ">");
  html_text(h, L(r, "layout.switch_language"));
  HTML_LIT(h, "</a>");
}

void layout_csrf_field(struct html *h, const struct req *r) {
  if (NULL == r->user) {
    return;
  }
  char csrf[SESSION_CSRF_LEN + 1];
  html_hidden(h, "csrf", presented_csrf(r, csrf));
}

void layout_post_form(struct html *h, const struct req *r, const char *action) {
  HTML_LIT(h, "<form method=\"post\"");
  html_attr_url(h, "action", action);
  HTML_LIT(h, ">");
  layout_csrf_field(h, r);
}

void layout_script_texts(struct html *h, const struct req *r, const char *const (*texts)[2],
                         size_t n) {
  for (size_t i = 0; i < n; i++) {
    html_attr_(h, texts[i][0], L(r, texts[i][1]));
  }
}

/* A <link> to the versioned asset: open is the tag up to its href ("<link rel=..."). */
static void asset_link(struct html *h, const char *open, const char *asset) {
  char url[256];
  if (!layout_asset_url(url, sizeof(url), asset)) {
    return;
  }
  html_raw_(h, open, strlen(open));
  html_attr_url(h, "href", url);
  HTML_LIT(h, ">");
}

void layout_stylesheet(struct html *h, const char *asset) {
  asset_link(h, "<link rel=\"stylesheet\"", asset);
}

void layout_prefetch_script(struct html *h, const char *asset) {
  asset_link(h, "<link rel=\"prefetch\" as=\"script\"", asset);
}

void layout_script(struct html *h, const char *asset) {
  char url[256];
  if (NULL == asset || !layout_asset_url(url, sizeof(url), asset)) {
    return;
  }
  HTML_LIT(h, "<script defer");
  html_attr_url(h, "src", url);
  HTML_LIT(h, "></script>");
}

static void lang_switch(struct html *h, const struct req *r) {
  lang_switch_href(h, r);
  lang_switch_rest(h, r);
}

/* The shell up to and including the navigation: everything before the language switch. */
static void begin_head(struct html *h, const struct req *r, const char *title,
                       const char *extra_script) {
  const char *lang = i18n_lang(r->lang);
  HTML_LIT(h, "<!DOCTYPE html>\n<html");
  html_attr(h, "lang", lang);
  HTML_LIT(h, "><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
              /* The site-wide Referrer-Policy is no-referrer, under which browsers send
               * "Origin: null" on same-site POST/PUT, and the origin checks refuse every form
               * and save. same-origin keeps referrers from leaving the site and lets
               * same-origin requests carry their real Origin. */
              "<meta name=\"referrer\" content=\"same-origin\">"
              "<title>");
  html_text(h, title);
  HTML_LIT(h, " — ");
  html_text(h, L(r, "site.name"));
  HTML_LIT(h, "</title>");
  layout_stylesheet(h, "static/app.css");
  if (NULL != r->user && ROLE_CANDIDATE != r->user->role) {
    layout_stylesheet(h, "static/staff.css");
  }
  layout_script(h, extra_script);
  HTML_LIT(h, "</head><body><a class=\"skip\" href=\"#main\">");
  html_text(h, L(r, "layout.skip"));
  HTML_LIT(h, "</a><header class=\"site\"><div class=\"wrap bar\"><a class=\"brand\" "
              "href=\"/\">");
  html_text(h, L(r, "site.name"));
  HTML_LIT(h, "</a><nav");
  html_attr(h, "aria-label", L(r, "layout.nav_label"));
  HTML_LIT(h, "><ul>");
  nav_link(h, r, "/", "nav.home");
  if (NULL == r->user) {
    nav_link(h, r, "/verify", "nav.verify");
    nav_link(h, r, "/login", "nav.login");
    nav_link(h, r, "/register", "nav.register");
  } else {
    if (ROLE_CANDIDATE == r->user->role) {
      nav_link(h, r, "/me", "nav.me");
    }
    if (0 != (r->user->role & ROLE_STAFF)) {
      nav_link(h, r, "/review", "nav.review");
      nav_link(h, r, "/admin/schedules", "nav.schedules");
    }
    if (ROLE_ADMIN == r->user->role) {
      nav_link(h, r, "/admin", "nav.admin");
    }
    if (0 != (r->user->role & ROLE_STAFF)) {
      nav_link(h, r, "/account/2fa", "nav.second_factor");
    }
    nav_link(h, r, "/verify", "nav.verify");
    HTML_LIT(h, "<li><form class=\"inline\" method=\"post\" action=\"/logout\">");
    layout_csrf_field(h, r);
    HTML_LIT(h, "<button type=\"submit\" class=\"link\">");
    html_text(h, L(r, "nav.logout"));
    HTML_LIT(h, "</button></form></li>");
  }
  HTML_LIT(h, "</ul></nav>");
}

/* The shell after the language switch, up to and including <main id="main">. */
static void begin_tail(struct html *h, const struct req *r) {
  HTML_LIT(h, "</div>");
  if (NULL != r->user) {
    HTML_LIT(h, "<div class=\"wrap who\">");
    html_text_sub(h, L(r, "layout.signed_in_as"), "name", r->user->name, "role",
                  layout_role_text(r, r->user->role), NULL);
    HTML_LIT(h, "</div>");
  }
  HTML_LIT(h, "</header><main id=\"main\" class=\"wrap\" tabindex=\"-1\">");
}

void layout_begin_script(struct html *h, const struct req *r, const char *title,
                         const char *extra_script) {
  begin_head(h, r, title, extra_script);
  lang_switch(h, r);
  begin_tail(h, r);
}

/* The links of the navigation an anonymous visitor sees (nav_link marks the current one). */
static bool anonymous_nav_path(const char *path) {
  static const char *const paths[] = {"/", "/verify", "/login", "/register"};
  for (size_t i = 0; NULL != path && i < sizeof paths / sizeof paths[0]; i++) {
    if (0 == strcmp(path, paths[i])) {
      return true;
    }
  }
  return false;
}

int layout_shell_make(struct layout_shell *s, const char *lang, const char *title,
                      const char *stylesheet) {
  struct req r;
  memset(&r, 0, sizeof r);
  memset(s, 0, sizeof *s);
  r.lang = lang;
  struct html *head = html_new(), *tail = html_new();
  if (NULL != head && NULL != tail) {
    begin_head(head, &r, title, NULL);
    lang_switch_rest(tail, &r);
    begin_tail(tail, &r);
    layout_stylesheet(tail, stylesheet);
    s->head = html_take(head, &s->head_len);
    s->tail = html_take(tail, &s->tail_len);
    head = tail = NULL;
  }
  html_free(head);
  html_free(tail);
  if (NULL == s->head || NULL == s->tail) {
    layout_shell_free(s);
    return -1;
  }
  return 0;
}

void layout_shell_free(struct layout_shell *s) {
  free(s->head);
  free(s->tail);
  memset(s, 0, sizeof *s);
}

void layout_shell_begin(struct html *h, const struct req *r, const struct layout_shell *s,
                        const char *title, const char *stylesheet) {
  if (NULL == s->head || NULL != r->user || anonymous_nav_path(r->path)) {
    layout_begin(h, r, title);
    layout_stylesheet(h, stylesheet);
    return;
  }
  html_raw_(h, s->head, s->head_len);
  lang_switch_href(h, r);
  html_raw_(h, s->tail, s->tail_len);
}

struct html *layout_page_new(const struct req *r, const char *title_key, const char *script) {
  return layout_page_new_text(r, L(r, title_key), script);
}

struct html *layout_page_new_text(const struct req *r, const char *title, const char *script) {
  struct html *h = html_new();
  if (NULL == h) {
    return NULL;
  }
  layout_begin_script(h, r, title, script);
  HTML_LIT(h, "<h1>");
  html_text(h, title);
  HTML_LIT(h, "</h1>");
  layout_notice(h, r);
  return h;
}

void layout_begin(struct html *h, const struct req *r, const char *title) {
  layout_begin_script(h, r, title, NULL);
}

void layout_end(struct html *h, const struct req *r) {
  HTML_LIT(h, "</main><footer class=\"site\"><div class=\"wrap\"><p>");
  html_text(h, L(r, "layout.footer"));
  HTML_LIT(h, "</p><p><a href=\"/verify\">");
  html_text(h, L(r, "layout.footer_verify"));
  HTML_LIT(h, "</a> · <a href=\"/pengaduan\" id=\"footer-complaint\">");
  html_text(h, L(r, "layout.footer_complaint"));
  HTML_LIT(h, "</a></p></div></footer></body></html>\n");
}

struct html *layout_error_html(const struct req *r, unsigned status, const char *error_name,
                               const char *message) {
  struct html *h = html_new();
  if (NULL == h) {
    return NULL;
  }
  const char *title_key = "page.error";
  if (404 == status) {
    title_key = "page.not_found";
  } else if (401 == status || 403 == status) {
    title_key = "page.forbidden";
  } else if (status >= 400 && status < 500) {
    title_key = "page.invalid";
  }
  char key[96];
  const char *text = message;
  if (NULL != error_name) {
    int n = snprintf(key, sizeof(key), "err.%s", error_name);
    if (n > 0 && (size_t)n < sizeof(key) && i18n_has(r->lang, key)) {
      text = L(r, key);
    }
  }
  layout_begin(h, r, L(r, title_key));
  html_fmt(h, "<h1>%s</h1><p class=\"notice err\" role=\"alert\">%s</p><ul>", L(r, title_key),
           text);
  bool form_page = NULL != r->path && NULL != r->method && 0 == strcmp(r->method, "POST") &&
                   (0 == strcmp(r->path, "/login") || 0 == strcmp(r->path, "/register"));
  if (form_page) {
    HTML_LIT(h, "<li><a");
    html_attr_url(h, "href", r->path);
    HTML_LIT(h, ">");
    html_text(h, L(r, "page.try_again"));
    HTML_LIT(h, "</a></li>");
  }
  if (NULL != r->user && ROLE_CANDIDATE == r->user->role) {
    html_fmt(h, "<li><a href=\"/me\">%s</a></li>", L(r, "nav.me"));
  }
  html_fmt(h, "<li><a href=\"/\">%s</a></li></ul>", L(r, "layout.back_home"));
  layout_end(h, r);
  return h;
}

/* The opening of an API form; with_next: it also carries its next page for the form route's
 * redirect (LAYOUT_FORM_NEXT). */
static void api_form(struct html *h, const struct req *r, const char *action, const char *api,
                     const char *next, bool with_next) {
  HTML_LIT(h, "<form method=\"post\"");
  html_attr_url(h, "action", action);
  html_attr_url(h, "data-api", api);
  html_attr_url(h, "data-next", next);
  HTML_LIT(h, ">");
  layout_csrf_field(h, r);
  if (with_next && NULL != next) {
    HTML_LIT(h, "<input type=\"hidden\" name=\"" LAYOUT_FORM_NEXT "\"");
    html_attr(h, "value", next);
    HTML_LIT(h, ">");
  }
  HTML_LIT(h, "<p class=\"form-error notice err\" role=\"alert\" tabindex=\"-1\" hidden");
  html_attr(h, "data-prefix", L(r, "page.action_failed"));
  html_attr(h, "data-offline", L(r, "page.action_offline"));
  HTML_LIT(h, "></p>");
}

void layout_api_form(struct html *h, const struct req *r, const char *action, const char *api,
                     const char *next) {
  api_form(h, r, action, api, next, false);
}

void layout_action_form(struct html *h, const struct req *r, const char *action, const char *api,
                        const char *next) {
  api_form(h, r, action, api, next, true);
}

void layout_file_remove(struct html *h, const struct req *r, const char *sha256, const char *name,
                        const char *text_key, const char *label_key) {
  html_fmt(h, " <button type=\"button\" class=\"file-remove\" data-sha=\"%s\" aria-label=\"",
           sha256);
  html_text_sub(h, layout_t(r, label_key), "name", name, NULL); /* escapes quotes too */
  html_fmt(h, "\">%s</button>", layout_t(r, text_key));
}

void layout_notice(struct html *h, const struct req *r) {
  const char *code = req_query(r, "notice");
  char key[48];
  size_t n = NULL == code ? 0 : strlen(code);
  if (0 == n || n > 32 || n != strspn(code, "abcdefghijklmnopqrstuvwxyz_0123456789")) {
    return;
  }
  snprintf(key, sizeof key, "notice.%s", code);
  if (!i18n_has(r->lang, key)) {
    return;
  }
  html_fmt(h, "<p class=\"notice ok\" role=\"status\" tabindex=\"-1\" id=\"notice\">%s</p>",
           L(r, key));
}
