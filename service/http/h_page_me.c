/*
 * The candidate's dashboard: their attempts with status and deadline, per-unit results
 * with the assessor's feedback (or "awaiting assessor review"), certificates with their
 * download and verification links, and the appeal form for decided attempts.
 * Also a staff member's second-factor page: enrolment (QR code and the secret as text), the
 * confirmation with a first code, the recovery codes shown once, and the state afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/attempts.h"
#include "common/catalog.h"
#include "common/second_factor.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "store/store.h"
#include "ujikom/cert_render.h"
#include "ujikom/timefmt.h"

#define ME_MAX_ATTEMPTS 50

/* The badge's class for each verdict. */
static const char *const badge_class[] = {[VERDICT_K] = "badge k",
                                          [VERDICT_BK] = "badge bk",
                                          [VERDICT_PENDING] = "badge pending",
                                          [VERDICT_NONE] = "badge pending"};

/* A list's heading (an <h2>, with the id unless NULL) and, when the list is empty (n 0),
 * the paragraph that says so, left open for the caller to add to and close. Returns
 * whether the list is empty. */
static bool list_heading(struct html *h, const struct req *r, const char *id, const char *title_key,
                         size_t n, const char *empty_key) {
  HTML_LIT(h, "<h2");
  html_attr(h, "id", id);
  HTML_LIT(h, ">");
  html_text(h, L(r, title_key));
  HTML_LIT(h, "</h2>");
  if (0 != n) {
    return false;
  }
  HTML_LIT(h, "<p>");
  html_text(h, L(r, empty_key));
  return true;
}

/* Per-unit table from the stored result JSON ({"units":[{code,title,percent,verdict}]}). */
static void render_units(struct html *h, const struct req *r, const json_t *result) {
  const json_t *units = json_object_get(result, "units");
  if (!json_is_array(units) || 0 == json_array_size(units)) {
    return;
  }
  bool en = 0 == strcmp(r->lang, "en");
  HTML_LIT(h, "<div class=\"table-wrap\"><table><caption>");
  html_text(h, L(r, "me.units"));
  HTML_LIT(h, "</caption><thead><tr><th scope=\"col\">");
  html_text(h, L(r, "me.unit_code"));
  HTML_LIT(h, "</th><th scope=\"col\">");
  html_text(h, L(r, "me.unit_title"));
  HTML_LIT(h, "</th><th scope=\"col\">");
  html_text(h, L(r, "me.unit_score"));
  HTML_LIT(h, "</th><th scope=\"col\">");
  html_text(h, L(r, "me.unit_outcome"));
  HTML_LIT(h, "</th></tr></thead><tbody>");
  size_t i;
  const json_t *u;
  json_array_foreach(units, i, u) {
    enum verdict verdict = VERDICT_NONE;
    if (!verdict_parse(json_string_value(json_object_get(u, "verdict")), &verdict)) {
      verdict = VERDICT_NONE;
    }
    const char *title = json_string_value(json_object_get(u, en ? "title_en" : "title"));
    if (NULL == title) {
      title = json_string_value(json_object_get(u, "title"));
    }
    HTML_LIT(h, "<tr><td>");
    html_text(h, json_string_value(json_object_get(u, "code")));
    HTML_LIT(h, "</td><td>");
    html_text(h, title);
    HTML_LIT(h, "</td><td>");
    const json_t *pct = json_object_get(u, "percent");
    if ((VERDICT_K == verdict || VERDICT_BK == verdict) && json_is_number(pct)) {
      html_fmt(h, "%lld%%", (long long)(json_number_value(pct) + 0.5));
    } else {
      HTML_LIT(h, "—");
    }
    HTML_LIT(h, "</td><td>");
    html_fmt(h, "<span class=\"%s\">", badge_class[verdict]);
    html_text(h, layout_verdict_text(r, verdict));
    HTML_LIT(h, "</span></td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div>");
}

/* One attempt: heading, status, deadline, result per unit, links. */
static void render_attempt(struct html *h, const struct req *r, const struct store_attempt *a,
                           const json_t *result) {
  bool en = 0 == strcmp(r->lang, "en");
  const struct exam *x = attempts_exam(r->svc, a);
  const char *title = a->exam_id;
  if (NULL != x) {
    title = en && NULL != x->title_en ? x->title_en : x->title;
  }
  char id[24];
  snprintf(id, sizeof(id), "%lld", (long long)a->id);
  html_fmt(h, "<section class=\"card\" id=\"attempt-%lld\"><h3>", (long long)a->id);
  html_text_sub(h, L(r, "me.attempt_heading"), "exam", title, "id", id, NULL);
  HTML_LIT(h, "</h3><dl class=\"facts\"><dt>");
  html_text(h, L(r, "page.status"));
  HTML_LIT(h, "</dt><dd>");
  html_text(h, layout_status_text(r, a->status));
  HTML_LIT(h, "</dd><dt>");
  char when[40];
  layout_format_time(when, sizeof(when), a->started_ms);
  html_text(h, L(r, "me.started"));
  HTML_LIT(h, "</dt><dd>");
  html_text(h, when);
  HTML_LIT(h, "</dd>");
  bool open = attempts_is_open(a);
  if (open) {
    layout_format_time(when, sizeof(when), a->deadline_ms);
    HTML_LIT(h, "<dt>");
    html_text(h, L(r, "me.deadline"));
    HTML_LIT(h, "</dt><dd>");
    html_text(h, when);
    HTML_LIT(h, "</dd>");
  }
  HTML_LIT(h, "<dt>");
  html_text(h, L(r, "me.result"));
  HTML_LIT(h, "</dt><dd>");
  html_fmt(h, "<span class=\"%s\">", badge_class[a->verdict]);
  html_text(h, open ? L(r, "result.open") : layout_verdict_text(r, a->verdict));
  HTML_LIT(h, "</span></dd></dl>");
  if (open) {
    html_fmt(h, "<p><a class=\"button\" href=\"/attempts/%lld\">", (long long)a->id);
    html_text(h, L(r, "me.continue"));
    HTML_LIT(h, "</a></p>");
    return;
  }
  if (VERDICT_BK == a->verdict) {
    HTML_LIT(h, "<p class=\"notice warn\">");
    html_text(h, L(r, "result.bk_note"));
    HTML_LIT(h, "</p>");
  }
  render_units(h, r, result);
  const char *feedback = json_string_value(json_object_get(result, "feedback"));
  if (NULL != feedback && '\0' != feedback[0]) {
    HTML_LIT(h, "<h4>");
    html_text(h, L(r, "me.feedback"));
    HTML_LIT(h, "</h4><p class=\"prompt\">");
    html_text(h, feedback);
    HTML_LIT(h, "</p>");
  }
}

static void render_certificates(struct html *h, const struct req *r, const struct store_cert *certs,
                                size_t n) {
  if (list_heading(h, r, "certificates", "me.certificates", n, "me.no_certificates")) {
    HTML_LIT(h, "</p>");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const struct store_cert *c = &certs[i];
    bool revoked = 0 == strcmp(c->status, STORE_CERT_REVOKED);
    bool suspended = 0 == strcmp(c->status, STORE_CERT_SUSPENDED);
    const struct exam *x =
        NULL != r->svc->catalog ? catalog_current(r->svc->catalog, c->exam_id) : NULL;
    bool en = 0 == strcmp(r->lang, "en");
    html_fmt(h, "<section class=\"card cert\" id=\"cert-%s\"><h3>", c->serial);
    html_text(h, NULL != x ? (en && NULL != x->title_en ? x->title_en : x->title) : c->exam_id);
    HTML_LIT(h, "</h3><dl class=\"facts\"><dt>");
    html_text(h, L(r, "me.cert_holder"));
    HTML_LIT(h, "</dt><dd class=\"holder\">"); /* as signed and printed on the PDF */
    html_text(h, c->holder);
    HTML_LIT(h, "</dd><dt>");
    html_text(h, L(r, "me.cert_serial"));
    HTML_LIT(h, "</dt><dd>");
    html_text(h, c->serial);
    HTML_LIT(h, "</dd><dt>");
    html_text(h, L(r, "me.cert_valid_until"));
    HTML_LIT(h, "</dt><dd>");
    char when[TIME_TEXT_SIZE];
    if (0 == time_format(when, sizeof(when), c->expires_s, TIME_DATE)) {
      snprintf(when, sizeof(when), "—");
    }
    html_text(h, when);
    HTML_LIT(h, "</dd><dt>");
    html_text(h, L(r, "page.status"));
    HTML_LIT(h, "</dt><dd>");
    if (revoked) {
      HTML_LIT(h, "<span class=\"badge revoked\">");
      html_text(h, L(r, "me.cert_revoked"));
      HTML_LIT(h, "</span> ");
      html_text(h, c->revoked_reason);
    } else if (suspended) {
      HTML_LIT(h, "<span class=\"badge revoked\">");
      html_text(h, L(r, "me.cert_suspended"));
      HTML_LIT(h, "</span> ");
      html_text(h, c->suspended_reason);
    } else {
      HTML_LIT(h, "<span class=\"badge k\">");
      html_text(h, L(r, "result.K"));
      HTML_LIT(h, "</span>");
    }
    HTML_LIT(h, "</dd></dl><ul class=\"links\">");
    if (!revoked && !suspended) { /* the PDF is handed out only while valid */
      html_fmt(h, "<li><a data-kind=\"pdf\" href=\"/api/certificates/%s/pdf\">", c->serial);
      html_text(h, L(r, "me.cert_pdf"));
      HTML_LIT(h, "</a></li>");
    }
    html_fmt(h, "<li><a data-kind=\"qr\" href=\"/api/certificates/%s/qr.png\">", c->serial);
    html_text(h, L(r, "me.cert_qr"));
    html_fmt(h, "</a></li><li><a data-kind=\"verify\" href=\"/verify?serial=%s\">", c->serial);
    html_text(h, L(r, "me.cert_verify"));
    HTML_LIT(h, "</a></li></ul></section>");
  }
}

static void render_appeal(struct html *h, const struct req *r, const struct store_attempt *a,
                          const struct store_appeal *appeal) {
  if (NULL != appeal) {
    HTML_LIT(h, "<p class=\"notice\">");
    html_text_sub(h, L(r, "me.appeal_status"), "status", layout_appeal_text(r, appeal->status),
                  NULL);
    HTML_LIT(h, "</p>");
    return;
  }
  char action[64], api[80], next[64];
  snprintf(action, sizeof(action), "/attempts/%lld/appeal", (long long)a->id);
  snprintf(api, sizeof(api), "/api/attempts/%lld/appeal", (long long)a->id);
  snprintf(next, sizeof(next), "/me#attempt-%lld", (long long)a->id);
  HTML_LIT(h, "<details><summary>");
  html_text(h, L(r, "me.appeal"));
  HTML_LIT(h, "</summary>");
  layout_api_form(h, r, action, api, next);
  html_fmt(h, "<label for=\"appeal-%lld\">", (long long)a->id);
  html_text(h, L(r, "me.appeal_reason"));
  html_fmt(h, "</label><p class=\"hint\" id=\"appeal-hint-%lld\">", (long long)a->id);
  html_text(h, L(r, "me.appeal_hint"));
  html_fmt(h, "</p><textarea required maxlength=\"2000\" name=\"reason\" id=\"appeal-%lld\"",
           (long long)a->id);
  html_fmt(h, " aria-describedby=\"appeal-hint-%lld\"></textarea><p><button type=\"submit\">",
           (long long)a->id);
  html_text(h, L(r, "me.appeal_submit"));
  HTML_LIT(h, "</button></p></form></details>");
}

/* A K attempt without a certificate yet (an all-objective exam): the button asks the
 * certificates API to issue it (idempotent). */
static void render_issue(struct html *h, const struct req *r, int64_t attempt_id) {
  char action[64], api[80];
  snprintf(action, sizeof(action), "/attempts/%lld/certificate", (long long)attempt_id);
  snprintf(api, sizeof(api), "/api/attempts/%lld/certificate", (long long)attempt_id);
  layout_api_form(h, r, action, api, "/me#certificates");
  HTML_LIT(h, "<button type=\"submit\">");
  html_text(h, L(r, "me.issue"));
  HTML_LIT(h, "</button></form>");
}

/* The stored result with the latest decision laid over it: unit outcomes, feedback. */
static json_t *merged_result(const struct store_attempt *full, const struct store_decision *d) {
  json_t *result = NULL != full->result ? json_loads(full->result, 0, NULL) : NULL;
  if (NULL == result) {
    result = json_object();
  }
  if (NULL == result || NULL == d) {
    return result;
  }
  json_t *units = NULL != d->units ? json_loads(d->units, 0, NULL) : NULL;
  size_t i;
  json_t *u;
  json_array_foreach(json_object_get(result, "units"), i, u) {
    const char *code = json_string_value(json_object_get(u, "code"));
    const json_t *decided = NULL != code ? json_object_get(units, code) : NULL;
    const char *outcome = json_string_value(json_object_get(decided, "outcome"));
    if (NULL == outcome) {
      outcome = json_string_value(decided);
    }
    if (NULL != outcome) {
      json_object_set_new(u, "verdict", json_string(outcome));
    }
  }
  json_decref(units);
  if (NULL != d->feedback) {
    json_object_set_new(result, "feedback", json_string(d->feedback));
  }
  return result;
}

int h_page_me(struct req *r) {
  struct store_rd *rd = NULL;
  struct store_attempt *list = NULL;
  struct store_cert *certs = NULL;
  size_t n = 0, ncerts = 0;
  struct html *h = NULL;
  int ret;
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK != rc) {
    return layout_store_error(r, rc);
  }
  rc = store_attempt_list_user(rd, &list, &n, r->user->id, NULL, ME_MAX_ATTEMPTS);
  if (STORE_OK == rc) {
    rc = store_cert_list(rd, &certs, &ncerts, r->user->id, 0, 100);
  }
  h = layout_page_open(r, rc, "me.title", "static/staff.js", &ret);
  if (NULL == h) {
    goto cleanup;
  }
  HTML_LIT(h, "<p>");
  html_text_sub(h, L(r, "me.welcome"), "name", r->user->name, NULL);
  HTML_LIT(h, "</p>");
  render_certificates(h, r, certs, ncerts);
  if (list_heading(h, r, NULL, "me.attempts", n, "me.no_attempts")) {
    HTML_LIT(h, " <a href=\"/\">");
    html_text(h, L(r, "nav.home"));
    HTML_LIT(h, "</a></p>");
  }
  for (size_t i = 0; i < n; i++) {
    const struct store_attempt *a = &list[i];
    struct store_attempt full;
    struct store_decision d;
    struct store_appeal appeal;
    memset(&full, 0, sizeof(full));
    memset(&d, 0, sizeof(d));
    memset(&appeal, 0, sizeof(appeal));
    bool open = attempts_is_open(a);
    int rc_full = open ? STORE_NONE : store_attempt_get(rd, &full, a->id);
    int rc_dec = open ? STORE_NONE : store_decision_latest(rd, &d, a->id);
    int rc_app = open ? STORE_NONE : store_appeal_for_attempt(rd, &appeal, a->id);
    if (rc_full < 0 || rc_dec < 0 || rc_app < 0) {
      store_attempt_clear(&full);
      store_decision_clear(&d);
      store_appeal_clear(&appeal);
      html_free(h);
      ret = layout_store_error(r, rc_full < 0 ? rc_full : rc_dec < 0 ? rc_dec : rc_app);
      goto cleanup;
    }
    json_t *result =
        STORE_OK == rc_full ? merged_result(&full, STORE_OK == rc_dec ? &d : NULL) : NULL;
    render_attempt(h, r, a, result);
    bool decided = attempts_decided(a);
    bool has_cert = false;
    for (size_t c = 0; c < ncerts; c++) {
      has_cert = has_cert || certs[c].attempt_id == a->id;
    }
    if (VERDICT_K == a->verdict && !has_cert) {
      render_issue(h, r, a->id);
    }
    if (decided) {
      render_appeal(h, r, a, STORE_OK == rc_app ? &appeal : NULL);
    }
    HTML_LIT(h, "</section>");
    json_decref(result);
    store_attempt_clear(&full);
    store_decision_clear(&d);
    store_appeal_clear(&appeal);
  }
  layout_end(h, r);
  ret = layout_reply(r, 200, h);
cleanup:
  store_rd_end(rd);
  store_attempt_list_free(list, n);
  store_cert_list_free(certs, ncerts);
  return ret;
}

/* --- the staff second factor --------------------------------------------------------- */

/* Opens the second-factor page with its heading and, when error_key is set, the error. */
static struct html *second_factor_page(const struct req *r, const char *error_key) {
  struct html *h = html_new();
  if (NULL == h) {
    return NULL;
  }
  layout_begin(h, r, L(r, "auth.twofa_title"));
  html_fmt(h, "<h1>%s</h1>", L(r, "auth.twofa_title"));
  if (NULL != error_key) {
    html_fmt(h, "<p class=\"notice err\" role=\"alert\">%s</p>", L(r, error_key));
  }
  return h;
}

/* A form with one button posting to action (and, with code_field, the code input). */
static void second_factor_form(struct html *h, const struct req *r, const char *action,
                               bool code_field, const char *submit_key) {
  html_fmt(h, "<form method=\"post\" action=\"%s\" class=\"card\">", action);
  layout_csrf_field(h, r);
  if (code_field) {
    html_fmt(h, "<label for=\"code\">%s</label>", L(r, "auth.twofa_code"));
    HTML_LIT(h, "<input required type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" "
                "autocomplete=\"one-time-code\" maxlength=\"16\">");
  }
  html_fmt(h, "<p><button type=\"submit\">%s</button></p></form>", L(r, submit_key));
}

/* Sends the page; second-factor pages carry secrets or codes and are never cached. */
static int second_factor_reply(struct req *r, struct html *h, unsigned status) {
  layout_end(h, r);
  reply_header(r, "Cache-Control", "no-store");
  return layout_reply(r, status, h);
}

/* The page for the account's state: enrolled (with recovery codes left), or the button that
 * begins an enrolment. */
static int second_factor_state_page(struct req *r, unsigned status, const char *error_key) {
  struct second_factor_status st;
  int store_rc = STORE_OK;
  if (SECOND_FACTOR_OK != second_factor_status_get(&st, r->svc, r->user->id, &store_rc)) {
    return layout_store_error(r, store_rc);
  }
  struct html *h = second_factor_page(r, error_key);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  if (SECOND_FACTOR_STATE_CONFIRMED == st.state) {
    html_fmt(h, "<p class=\"notice ok\">%s</p><p>", L(r, "auth.twofa_active"));
    char left[24];
    snprintf(left, sizeof left, "%lld", (long long)st.recovery_left);
    html_text_sub(h, L(r, "auth.twofa_codes_left"), "n", left, (const char *)NULL);
    html_fmt(h, "</p><p>%s</p>", L(r, "auth.twofa_reset_hint"));
  } else {
    if (second_factor_enforced(r->svc->cfg)) {
      html_fmt(h, "<p class=\"notice\">%s</p>", L(r, "auth.twofa_required"));
    }
    html_fmt(h, "<p>%s</p>", L(r, "auth.twofa_intro"));
    second_factor_form(h, r, "/account/2fa/enrol", false, "auth.twofa_begin");
  }
  return second_factor_reply(r, h, status);
}

int h_page_second_factor(struct req *r) {
  return second_factor_state_page(r, 200, NULL);
}

int h_page_second_factor_enrol(struct req *r) {
  struct second_factor_enrolment e;
  struct cert_qr qr = {0};
  char *svg = NULL;
  size_t svg_len = 0;
  int store_rc = STORE_OK;
  enum second_factor_rc rc =
      second_factor_enrol_begin(&e, r->svc, r->user->id, r->user->role, r->user->email, &store_rc);
  if (SECOND_FACTOR_ALREADY_ENROLLED == rc) {
    return second_factor_state_page(r, 409, NULL);
  }
  if (SECOND_FACTOR_STORE_FAILED == rc) {
    return layout_store_error(r, store_rc);
  }
  if (SECOND_FACTOR_OK != rc || 0 != cert_qr_encode(&qr, e.uri) ||
      0 != cert_qr_svg(&svg, &svg_len, &qr, L(r, "auth.twofa_qr_title"))) {
    cert_qr_free(&qr);
    second_factor_enrolment_clear(&e);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  cert_qr_free(&qr);
  struct html *h = second_factor_page(r, NULL);
  if (NULL != h) {
    html_fmt(h, "<p>%s</p><div class=\"qr\">", L(r, "auth.twofa_scan"));
    html_raw_(h, svg, svg_len);
    html_fmt(h, "</div><p>%s <code id=\"secret\">", L(r, "auth.twofa_manual"));
    html_text(h, e.secret_b32);
    HTML_LIT(h, "</code></p>");
    second_factor_form(h, r, "/account/2fa/confirm", true, "auth.twofa_confirm");
  }
  OPENSSL_cleanse(svg, svg_len);
  free(svg);
  second_factor_enrolment_clear(&e);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return second_factor_reply(r, h, 200);
}

int h_page_second_factor_confirm(struct req *r) {
  char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT_SIZE];
  const char *code = req_form(r, "code");
  int store_rc = STORE_OK;
  enum second_factor_rc rc =
      NULL == code || strlen(code) > TOTP_INPUT_MAX
          ? SECOND_FACTOR_BAD_CODE
          : second_factor_enrol_confirm(codes, r->svc, r->user->id, code, r->now_ms, &store_rc);
  if (SECOND_FACTOR_STORE_FAILED == rc) {
    return layout_store_error(r, store_rc);
  }
  if (SECOND_FACTOR_WRONG_CODE == rc || SECOND_FACTOR_BAD_CODE == rc ||
      SECOND_FACTOR_REPLAYED == rc) {
    return second_factor_state_page(r, 400, "auth.twofa_wrong_code");
  }
  if (SECOND_FACTOR_OK != rc) {
    return second_factor_state_page(r, 409, "auth.twofa_not_pending");
  }
  struct html *h = second_factor_page(r, NULL);
  if (NULL != h) {
    html_fmt(h, "<p class=\"notice ok\">%s</p><p>%s</p><ol class=\"recovery-codes\">",
             L(r, "auth.twofa_active"), L(r, "auth.twofa_codes_once"));
    for (size_t i = 0; i < TOTP_RECOVERY_COUNT; i++) {
      HTML_LIT(h, "<li><code>");
      html_text(h, codes[i]);
      HTML_LIT(h, "</code></li>");
    }
    HTML_LIT(h, "</ol>");
  }
  OPENSSL_cleanse(codes, sizeof codes);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return second_factor_reply(r, h, 200);
}
