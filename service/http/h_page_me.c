/*
 * The candidate's dashboard: their attempts as the attempts rules see them now (one past its
 * deadline is finished), each with the candidate's own count at its exam, per-unit results
 * with their pass marks, the assessor's feedback and per-item comments (or "awaiting
 * assessor review"), the appeal deadline and form (BK, within the period) and the retake
 * date; certificates with their download and verification links; the submit notice and the
 * choice of time zone, in which every time here is shown.
 * Also a staff member's second-factor page: enrolment (QR code and the secret as text), the
 * confirmation with a first code, the recovery codes shown once, and the state afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/attempts.h"
#include "common/observation.h"
#include "common/catalog.h"
#include "common/prefs.h"
#include "common/reviews.h"
#include "common/second_factor.h"
#include "common/schedule.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/parse.h"
#include "http/page_time.h"
#include "store/store.h"
#include "store/store_complaints.h"
#include "ujikom/cert_render.h"
#include "ujikom/exam_form.h"
#include "ujikom/utf8.h"
#include "ujikom/timefmt.h"

#define ME_MAX_ATTEMPTS 50
/* The newest complaints of the candidate's own listed on the dashboard. */
#define ME_MAX_COMPLAINTS 20

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

/* Per-unit table from the stored result JSON ({"units":[{code,title,percent,verdict}]}),
 * stacking its rows on a narrow screen (layout_stack_table_begin). */
static void render_units(struct html *h, const struct req *r, const json_t *result) {
  static const char *const cols[] = {"me.unit_code", "me.unit_title", "me.unit_score",
                                     "me.unit_cut", "me.unit_outcome"};
  const json_t *units = json_object_get(result, "units");
  if (!json_is_array(units) || 0 == json_array_size(units)) {
    return;
  }
  bool en = 0 == strcmp(r->lang, "en");
  layout_stack_table_begin(h, r, "me.units", cols, sizeof cols / sizeof cols[0]);
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
    HTML_LIT(h, "<tr role=\"row\">");
    layout_stack_cell(h, r, cols[0]);
    html_text(h, json_string_value(json_object_get(u, "code")));
    HTML_LIT(h, "</td>");
    layout_stack_cell(h, r, cols[1]);
    html_text(h, title);
    HTML_LIT(h, "</td>");
    layout_stack_cell(h, r, cols[2]);
    const json_t *pct = json_object_get(u, "percent");
    bool observed_unit = json_is_string(json_object_get(u, "assessment"));
    if (observed_unit && (VERDICT_K == verdict || VERDICT_BK == verdict)) {
      /* An observation unit: KUKs observed of its KUKs, not a score. */
      char got[24], all[24];
      snprintf(got, sizeof got, "%lld", (long long)json_number_value(json_object_get(u, "earned")));
      snprintf(all, sizeof all, "%lld",
               (long long)json_integer_value(json_object_get(u, "possible")));
      html_text_sub(h, L(r, "me.unit_observed"), "observed", got, "total", all, NULL);
    } else if ((VERDICT_K == verdict || VERDICT_BK == verdict) && json_is_number(pct)) {
      html_fmt(h, "%lld%%", (long long)(json_number_value(pct) + 0.5));
    } else {
      HTML_LIT(h, "—");
    }
    HTML_LIT(h, "</td>");
    layout_stack_cell(h, r, cols[3]);
    const json_t *cut = json_object_get(u, "cut_score");
    if (json_is_integer(cut)) {
      html_fmt(h, "%lld%%", (long long)json_integer_value(cut));
    } else {
      HTML_LIT(h, "—");
    }
    HTML_LIT(h, "</td>");
    layout_stack_cell(h, r, cols[4]);
    /* One box for the badge and the reason: a stacked cell's value is one grid item. */
    html_fmt(h, "<span class=\"unit-outcome\"><span class=\"%s\">", badge_class[verdict]);
    html_text(h, layout_verdict_text(r, verdict));
    HTML_LIT(h, "</span>");
    const char *reason = json_string_value(json_object_get(u, "reason"));
    if (NULL != reason) {
      HTML_LIT(h, "<span class=\"hint unit-reason\">");
      html_text_sub(h, L(r, "me.unit_reason"), "reason", reason, NULL);
      HTML_LIT(h, "</span>");
    }
    HTML_LIT(h, "</span></td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div>");
}

/* What the dashboard shows of one attempt beside the attempt itself. */
struct attempt_view {
  const struct store_attempt *a;
  const json_t *result; /* the stored result with the latest decision laid over it */
  size_t ordinal;       /* the candidate's own count at this exam: "percobaan ke-3" */
  enum time_zone zone;  /* every time in the reader's zone */
};

/* One attempt: heading, status, times, result per unit with cut scores, feedback. An attempt
 * still open past its deadline is finished as the candidate lives it (the attempts rule,
 * attempts_time_up): no "continue", its result follows. */
static void render_attempt(struct html *h, const struct req *r, const struct attempt_view *v) {
  const struct store_attempt *a = v->a;
  const json_t *result = v->result;
  bool en = 0 == strcmp(r->lang, "en");
  const struct exam *x = attempts_exam(r->svc, a);
  const char *title = a->exam_id;
  if (NULL != x) {
    title = en && NULL != x->title_en ? x->title_en : x->title;
  }
  char nth[24];
  snprintf(nth, sizeof(nth), "%zu", v->ordinal);
  html_fmt(h, "<section class=\"card\" id=\"attempt-%lld\"><h3>", (long long)a->id);
  html_text_sub(h, L(r, "me.attempt_heading"), "exam", title, "n", nth, NULL);
  bool time_up = attempts_time_up(a, r->now_ms);
  bool open = attempts_is_open(a) && !time_up;
  HTML_LIT(h, "</h3><dl class=\"facts\"><dt>");
  html_text(h, L(r, "page.status"));
  HTML_LIT(h, "</dt><dd>");
  html_text(h, time_up ? L(r, "me.status_time_up") : layout_status_text(r, a->status));
  HTML_LIT(h, "</dd><dt>");
  char when[48];
  page_time(when, sizeof(when), a->started_ms, v->zone, false);
  html_text(h, L(r, "me.started"));
  HTML_LIT(h, "</dt><dd>");
  html_text(h, when);
  HTML_LIT(h, "</dd><dt>");
  page_time(when, sizeof(when), open || time_up ? a->deadline_ms : a->finished_ms, v->zone, false);
  html_text(h, L(r, open || time_up ? "me.deadline" : "me.finished"));
  HTML_LIT(h, "</dt><dd>");
  html_text(h, when);
  HTML_LIT(h, "</dd><dt>");
  html_text(h, L(r, "me.result"));
  HTML_LIT(h, "</dt><dd>");
  html_fmt(h, "<span class=\"%s\">", badge_class[attempts_is_open(a) ? VERDICT_NONE : a->verdict]);
  html_text(h, open      ? L(r, "result.open")
               : time_up ? L(r, "me.result_soon")
                         : layout_verdict_text(r, a->verdict));
  HTML_LIT(h, "</span></dd></dl>");
  if (open) {
    html_fmt(h, "<p><a class=\"button\" href=\"/attempts/%lld\">", (long long)a->id);
    html_text(h, L(r, "me.continue"));
    HTML_LIT(h, "</a></p>");
    /* Resuming (after a log-in on another device, say): the exam page's script is fetched
     * ahead, as the pre-start page does, so that the exam page brings only its HTML. */
    layout_prefetch_script(h, "static/exam.js");
    return;
  }
  if (time_up) {
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

/* The assessor's comment on each item (the decision's marks: item id -> {"comment"}), each
 * under the start of its question. */
static void render_item_comments(struct html *h, const struct req *r, struct svc *svc,
                                 const struct store_attempt *a, const char *marks_text) {
  json_t *marks = NULL != marks_text ? json_loads(marks_text, 0, NULL) : NULL;
  struct exam_form *form = NULL;
  const char *item_id;
  json_t *m;
  size_t shown = 0;
  json_object_foreach(marks, item_id, m) {
    const char *comment = json_string_value(json_object_get(m, "comment"));
    if (NULL == comment || '\0' == comment[0]) {
      continue;
    }
    if (0 == shown++) {
      if (ATTEMPTS_OK != attempts_form(&form, svc, a)) {
        form = NULL;
      }
      HTML_LIT(h, "<h4>");
      html_text(h, L(r, "me.item_comments"));
      HTML_LIT(h, "</h4><ul class=\"comments\">");
    }
    const struct form_item *fi = NULL != form ? exam_form_find_item(form, item_id) : NULL;
    const char *prompt = NULL != fi ? fi->item->prompt : item_id;
    size_t len = strlen(prompt), cut = utf8_cut(prompt, len, 80);
    HTML_LIT(h, "<li><strong>");
    html_textn(h, prompt, cut);
    if (cut < len) {
      HTML_LIT(h, "…");
    }
    HTML_LIT(h, "</strong><br>");
    html_text(h, comment);
    HTML_LIT(h, "</li>");
  }
  if (shown > 0) {
    HTML_LIT(h, "</ul>");
  }
  exam_form_free(form);
  json_decref(marks);
}

static void render_certificates(struct html *h, struct req *r, const struct store_cert *certs,
                                size_t n, const struct store_recert *recerts, size_t nrecerts,
                                enum time_zone zone) {
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
    page_time(when, sizeof(when), c->expires_s * 1000, zone, true);
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
    HTML_LIT(h, "</dd></dl>");
    h_recert_card(h, r, c, recerts, nrecerts, zone);
    HTML_LIT(h, "<ul class=\"links\">");
    if (!revoked && !suspended) { /* the PDF is handed out only while valid */
      html_fmt(h, "<li><a data-kind=\"pdf\" href=\"/api/certificates/%s/pdf\">", c->serial);
      html_text(h, L(r, "me.cert_pdf"));
      HTML_LIT(h, "</a></li>");
    }
    /* the proof of issuance stays true whatever happened since (the log records that too) */
    html_fmt(h, "<li><a data-kind=\"log-proof\" href=\"/api/certificates/%s/log-proof\">",
             c->serial);
    html_text(h, L(r, "me.cert_log_proof"));
    html_fmt(h, "</a></li><li><a data-kind=\"qr\" href=\"/api/certificates/%s/qr.png\">",
             c->serial);
    html_text(h, L(r, "me.cert_qr"));
    html_fmt(h, "</a></li><li><a data-kind=\"verify\" href=\"/verify?serial=%s\">", c->serial);
    html_text(h, L(r, "me.cert_verify"));
    HTML_LIT(h, "</a></li>");
    h_share_delivery(h, r, c, zone);
    HTML_LIT(h, "</section>");
  }
}

/* The appeal: its status once filed; else, on a BK result, the end of the appeal period (in
 * the reader's zone) and, while it runs, the form. A K result has nothing to appeal. */
static void render_appeal(struct html *h, const struct req *r, const struct store_attempt *a,
                          const struct reviews_feedback *f, enum time_zone zone) {
  if (f->has_appeal) {
    HTML_LIT(h, "<p class=\"notice\">");
    html_text_sub(h, L(r, "me.appeal_status"), "status", layout_appeal_text(r, f->appeal.status),
                  NULL);
    HTML_LIT(h, "</p>");
    return;
  }
  if (VERDICT_BK != f->verdict) {
    return;
  }
  char until[48];
  page_time(until, sizeof(until), f->appeal_until_ms, zone, false);
  bool within = r->now_ms <= f->appeal_until_ms;
  HTML_LIT(h, "<p class=\"appeal-until\">");
  html_text_sub(h, L(r, within ? "me.appeal_until" : "me.appeal_over"), "time", until, NULL);
  HTML_LIT(h, "</p>");
  if (!within) {
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
    /* Why the assessor's outcome differs from the automatic one (required when it does). */
    json_t *reason = json_object_get(decided, "reason");
    if (json_is_string(reason) && json_string_length(reason) > 0) {
      json_object_set(u, "reason", reason);
    }
  }
  json_decref(units);
  if (NULL != d->feedback) {
    json_object_set_new(result, "feedback", json_string(d->feedback));
  }
  return result;
}

/* After a BK result, the newest at its exam: when a retake may start (the retake policy's
 * own answer, attempts_start_check), in the reader's zone, with the way there. */
static void render_retake(struct html *h, struct req *r, const char *exam_id, enum time_zone zone) {
  struct attempts_started st;
  enum attempts_rc rc = attempts_start_check(&st, r->svc, r->user->id, exam_id, r->now_ms);
  char when[48];
  HTML_LIT(h, "<p class=\"retake\">");
  if (ATTEMPTS_COOLDOWN == rc) {
    page_time(when, sizeof(when), st.retry_at_ms, zone, false);
    html_text_sub(h, L(r, "me.retake_from"), "time", when, NULL);
  } else if (ATTEMPTS_OK == rc) {
    html_fmt(h, "<a href=\"/exams/%s/start\">", exam_id);
    html_text(h, L(r, "me.retake_now"));
    HTML_LIT(h, "</a>");
  } else if (ATTEMPTS_LIMIT == rc) {
    html_text(h, L(r, "me.retake_none"));
  }
  HTML_LIT(h, "</p>");
}

/* The notice a redirect to /me asks for: ?submitted=<attempt> after a submit, ?zone=1 after
 * the time zone was saved. */
static void render_notices(struct html *h, struct req *r) {
  const char *submitted = req_query(r, "submitted"), *zone = req_query(r, "zone");
  int64_t id = 0;
  if (NULL != submitted && parse_id(submitted, &id)) {
    HTML_LIT(h, "<p class=\"notice ok\" role=\"status\" id=\"submitted-notice\">");
    html_text(h, L(r, "me.submitted_notice"));
    html_fmt(h, " <a href=\"#attempt-%lld\">", (long long)id);
    html_text(h, L(r, "me.submitted_see"));
    HTML_LIT(h, "</a></p>");
  }
  const char *share = req_query(r, "share");
  const char *key = NULL != zone && 0 == strcmp(zone, "1")         ? "me.time_zone_saved"
                    : NULL != share && 0 == strcmp(share, "made")  ? "me.share_made"
                    : NULL != share && 0 == strcmp(share, "ended") ? "me.share_ended"
                                                                   : NULL;
  if (NULL != key) {
    HTML_LIT(h, "<p class=\"notice ok\" role=\"status\">");
    html_text(h, L(r, key));
    HTML_LIT(h, "</p>");
  }
}

/* What the assessor observed at the test site, KUK by KUK, with their notes (decided
 * attempts with observation units; nothing when there are none or they cannot be read). */
static void render_observations(struct html *h, const struct req *r,
                                const struct store_attempt *a) {
  struct observation_err oerr;
  json_t *obs = NULL;
  const char *code;
  json_t *list;
  if (OBSERVATION_OK !=
      observation_feedback(&obs, r->svc, attempts_exam(r->svc, a), a->id, &oerr)) {
    return;
  }
  json_object_foreach(obs, code, list) {
    if (0 == json_array_size(list)) {
      continue;
    }
    HTML_LIT(h, "<h4>");
    html_text_sub(h, L(r, "me.observation_title"), "code", code, NULL);
    HTML_LIT(h, "</h4><ul class=\"observations\">");
    size_t i;
    json_t *k;
    json_array_foreach(list, i, k) {
      const char *notes = json_string_value(json_object_get(k, "notes"));
      HTML_LIT(h, "<li><strong>");
      html_text(h, json_string_value(json_object_get(k, "kuk")));
      HTML_LIT(h, "</strong> ");
      html_text(h, json_string_value(json_object_get(k, "text")));
      html_fmt(h, " — %s",
               json_is_true(json_object_get(k, "observed")) ? L(r, "obs.observed")
                                                            : L(r, "obs.not_observed"));
      if (NULL != notes && '\0' != notes[0]) {
        HTML_LIT(h, ". ");
        html_text(h, notes);
      }
      HTML_LIT(h, "</li>");
    }
    HTML_LIT(h, "</ul>");
  }
  json_decref(obs);
}

/* One attempt of the list (newest first; i its place): read in full once finished, with the
 * decision, appeal and retake, and rendered. 0, or a store code after which nothing more
 * can be read. */
static int me_attempt(struct html *h, struct req *r, const struct store_attempt *list, size_t n,
                      size_t i, const struct store_cert *certs, size_t ncerts,
                      enum time_zone zone) {
  const struct store_attempt *a = &list[i];
  struct store_attempt full;
  struct reviews_feedback f;
  struct reviews_err err;
  bool finished = !attempts_is_open(a);
  bool decided = attempts_decided(a);
  memset(&full, 0, sizeof(full));
  memset(&f, 0, sizeof(f));
  enum attempts_rc arc = finished
                             ? attempts_get_own(&full, r->svc, r->user->id, a->id, false, r->now_ms)
                             : ATTEMPTS_OK;
  enum reviews_rc rrc =
      decided ? reviews_feedback(&f, r->svc, a->id, r->user->id, &err) : REVIEWS_NOT_DECIDED;
  if (ATTEMPTS_OK != arc || (decided && REVIEWS_OK != rrc)) {
    store_attempt_clear(&full);
    if (REVIEWS_OK == rrc) {
      reviews_feedback_clear(&f);
    }
    return ATTEMPTS_BUSY == arc ? STORE_BUSY : STORE_UNAVAILABLE;
  }
  size_t ordinal = 0; /* the candidate's own count at this exam */
  for (size_t k = i; k < n; k++) {
    ordinal += 0 == strcmp(list[k].exam_id, a->exam_id);
  }
  bool newest_at_exam = true;
  for (size_t k = 0; k < i; k++) {
    newest_at_exam = newest_at_exam && 0 != strcmp(list[k].exam_id, a->exam_id);
  }
  json_t *result =
      finished ? merged_result(&full, decided && f.has_decision ? &f.decision : NULL) : NULL;
  /* An exam held at a test site with a zone of its own shows its times in that zone. */
  zone = page_zone_for(zone, attempts_exam(r->svc, a));
  const struct attempt_view v = {a, result, ordinal, zone};
  render_attempt(h, r, &v);
  if (decided && f.has_decision) {
    render_item_comments(h, r, r->svc, a, f.decision.marks);
    render_observations(h, r, a);
  }
  bool has_cert = false;
  for (size_t c = 0; c < ncerts; c++) {
    has_cert = has_cert || certs[c].attempt_id == a->id;
  }
  if (VERDICT_K == a->verdict && !has_cert) {
    render_issue(h, r, a->id);
  }
  if (decided) {
    render_appeal(h, r, a, &f, zone);
  }
  if (VERDICT_BK == a->verdict && newest_at_exam) {
    render_retake(h, r, a->exam_id, zone);
  }
  HTML_LIT(h, "</section>");
  json_decref(result);
  store_attempt_clear(&full);
  if (decided) {
    reviews_feedback_clear(&f);
  }
  return 0;
}

/* The account's own settings: the password, the e-mail address and the sign-in sessions
 * (staff find them on their second-factor page, the candidate on the dashboard). */
static void render_account_links(struct html *h, const struct req *r) {
  HTML_LIT(h, "<p class=\"account-links\"><a href=\"/account/password\">");
  html_text(h, L(r, "auth.change_title"));
  HTML_LIT(h, "</a> · <a href=\"/account/email\">");
  html_text(h, L(r, "email.title"));
  HTML_LIT(h, "</a> · <a href=\"/account/sessions\">");
  html_text(h, L(r, "sessions.title"));
  HTML_LIT(h, "</a></p>");
}

/* How many other devices the dashboard names at most. */
#define ME_OTHER_DEVICES_SHOWN 3

/* When the account is also signed in elsewhere: how many other devices, the kinds of the
 * most recently used, and the way to sign them out — so that a test site's computer left
 * signed in is seen on the phone at home, also where the LSP sends no mail. */
static void render_other_sessions(struct html *h, const struct req *r,
                                  const struct store_session_info *list, size_t n) {
  size_t others = 0;
  for (size_t i = 0; i < n; i++) {
    others += list[i].current ? 0 : 1;
  }
  if (0 == others) {
    return;
  }
  char count[24];
  snprintf(count, sizeof count, "%zu", others);
  HTML_LIT(h, "<p class=\"notice\" id=\"other-sessions\">");
  html_text_sub(h, LN(r, "me.other_sessions", (long long)others), "n", count, NULL);
  HTML_LIT(h, " ");
  for (size_t i = 0, shown = 0; i < n && shown < ME_OTHER_DEVICES_SHOWN; i++) {
    if (!list[i].current) {
      if (shown++ > 0) {
        HTML_LIT(h, ", ");
      }
      layout_device_text(h, r, list[i].device);
    }
  }
  html_fmt(h, "%s. <a href=\"/account/sessions\">%s</a></p>",
           others > ME_OTHER_DEVICES_SHOWN ? ", …" : "", L(r, "me.other_sessions_link"));
}

/* The account holder's copy of their data (GET /api/me/data, common/personal_data.h). */
static void render_personal_data(struct html *h, struct req *r) {
  HTML_LIT(h, "<h2 id=\"personal-data\">");
  html_text(h, L(r, "me.data_title"));
  HTML_LIT(h, "</h2><p>");
  html_text(h, L(r, "me.data_text"));
  HTML_LIT(h, "</p><p><a href=\"/api/me/data\" download>");
  html_text(h, L(r, "me.data_download"));
  HTML_LIT(h, "</a></p>");
}

/* The candidate's test schedules: where and when, in the TUK's zone, with the way to the
 * exam's start page (which admits them only inside the window). */
static void render_schedules(struct html *h, const struct req *r) {
  struct store_schedule *list = NULL;
  size_t n = 0;
  int store_rc = STORE_OK;
  if (SCHEDULE_OK != schedule_list_candidate(&list, &n, r->svc, r->user->id, &store_rc) || 0 == n) {
    store_schedule_list_free(list, n);
    return;
  }
  html_fmt(h, "<h2 id=\"schedules\">%s</h2><ul class=\"schedules\">", L(r, "me.schedules"));
  for (size_t i = 0; i < n; i++) {
    json_t *j = schedule_to_json(&list[i], false);
    char window[96];
    snprintf(window, sizeof window, "%s – %s", json_string_value(json_object_get(j, "opens_local")),
             json_string_value(json_object_get(j, "closes_local")));
    html_fmt(h, "<li id=\"schedule-%lld\">", (long long)list[i].id);
    html_text_sub(h, L(r, "me.schedule_line"), "title", list[i].title, "tuk", list[i].tuk_name,
                  "date", list[i].exam_date, "window", window, NULL);
    HTML_LIT(h, " <a");
    char href[96];
    snprintf(href, sizeof href, "/exams/%s/start", list[i].exam_id);
    html_attr_url(h, "href", href);
    HTML_LIT(h, ">");
    html_text(h, L(r, "me.schedule_start"));
    HTML_LIT(h, "</a></li>");
    json_decref(j);
  }
  HTML_LIT(h, "</ul>");
  store_schedule_list_free(list, n);
}

int h_page_me(struct req *r) {
  struct store_rd *rd = NULL;
  struct store_attempt *list = NULL;
  struct store_cert *certs = NULL;
  struct store_recert *recerts = NULL; /* the reminders' and links' state */
  struct store_complaint *complaints = NULL;
  struct store_session_info *sessions = NULL; /* where else the account is signed in */
  size_t n = 0, ncerts = 0, nrecerts = 0, ncomplaints = 0, nsessions = 0;
  struct html *h = NULL;
  int ret;
  /* Listed by the attempts rules: an overdue attempt is closed on sight, whatever the sweep. */
  enum attempts_rc arc =
      attempts_list_own(&list, &n, r->svc, r->user->id, ME_MAX_ATTEMPTS, r->now_ms);
  int rc = ATTEMPTS_OK == arc ? STORE_OK : ATTEMPTS_BUSY == arc ? STORE_BUSY : STORE_UNAVAILABLE;
  if (STORE_OK == rc) {
    rc = store_rd_begin(r->svc->store, &rd);
  }
  if (STORE_OK == rc) {
    const struct store_cert_query mine = {.user_id = r->user->id};
    bool more = false; /* a holder of more than 100 certificates sees the newest 100 */
    rc = store_cert_list(rd, &certs, &ncerts, &mine, 100, &more);
    if (STORE_OK == rc && ncerts > 0) {
      rc = store_recert_list_user(rd, &recerts, &nrecerts, r->user->id, 100);
    }
    if (STORE_OK == rc) { /* their complaints, in the same snapshot: one query more */
      rc = store_complaint_list_by_user(rd, &complaints, &ncomplaints, r->user->id,
                                        ME_MAX_COMPLAINTS);
    }
    if (STORE_OK == rc) { /* and where else it is signed in */
      rc = store_user_sessions(rd, &sessions, &nsessions, r->user->id, r->user->session_hash,
                               r->now_ms, AUTH_SESSIONS_MAX);
    }
    store_rd_end(rd);
  }
  enum time_zone zone = page_zone(r);
  h = layout_page_open(r, rc, "me.title", "static/staff.js", &ret);
  if (NULL == h) {
    goto cleanup;
  }
  render_notices(h, r);
  HTML_LIT(h, "<p>");
  html_text_sub(h, L(r, "me.welcome"), "name", r->user->name, NULL);
  HTML_LIT(h, "</p>");
  page_zone_form(h, r, zone, NULL);
  render_schedules(h, r);
  render_other_sessions(h, r, sessions, nsessions);
  render_account_links(h, r);
  render_certificates(h, r, certs, ncerts, recerts, nrecerts, zone);
  h_complaints_me_section(h, r, complaints, ncomplaints, zone);
  if (list_heading(h, r, NULL, "me.attempts", n, "me.no_attempts")) {
    HTML_LIT(h, " <a href=\"/\">");
    html_text(h, L(r, "nav.home"));
    HTML_LIT(h, "</a></p>");
  }
  for (size_t i = 0; i < n; i++) {
    rc = me_attempt(h, r, list, n, i, certs, ncerts, zone);
    if (0 != rc) {
      html_free(h);
      ret = layout_store_error(r, rc);
      goto cleanup;
    }
  }
  render_personal_data(h, r);
  layout_end(h, r);
  ret = layout_reply(r, 200, h);
cleanup:
  store_attempt_list_free(list, n);
  store_cert_list_free(certs, ncerts);
  free(recerts);
  store_complaint_list_free(complaints, ncomplaints);
  free(sessions);
  return ret;
}

/* A staff page's form names its own page to come back to: a local path of plain visible
 * ASCII (it goes into Location as it is), else the candidate's dashboard. */
static const char *zone_back(const struct req *r) {
  const char *back = req_form(r, "back");
  if (NULL == back || !html_local_path(back) || strlen(back) > 200) {
    return NULL;
  }
  for (const char *p = back; '\0' != *p; p++) {
    if (*p <= 0x20 || *p >= 0x7F || '%' == *p) {
      return NULL;
    }
  }
  return back;
}

/* POST /me/time-zone: the time zone every time on the reader's pages is shown in. */
int h_page_me_time_zone(struct req *r) {
  enum prefs_rc rc = prefs_set_time_zone(r->svc, r->user->id, req_form(r, "time_zone"));
  const char *back = zone_back(r);
  switch (rc) {
  case PREFS_OK:
    return reply_redirect(r, NULL != back ? back : "/me?zone=1");
  case PREFS_BAD_ZONE:
    return layout_message_page(r, 400, "page.invalid", "me.time_zone_invalid");
  case PREFS_BUSY:
    return reply_error(r, ERR_BUSY, NULL);
  default:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  }
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
    render_account_links(h, r);
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
  auth_notice(r, r->user->id, ACCOUNT_NOTICE_SECOND_FACTOR_ON);
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
