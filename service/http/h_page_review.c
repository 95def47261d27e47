/*
 * Assessor pages: the queue of attempts awaiting review, and the review sheet of one
 * attempt — every answer beside its key (or rubric), the points the scorer gave, rubric
 * point inputs for open items, unit outcomes with override reasons, overall decision and
 * feedback. What the sheet shows and who may decide come from the reviews module; the
 * decision form acts through the reviews API (see layout_api_form).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "common/reviews.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "store/store.h"
#include "ujikom/exam_form.h"
#include "ujikom/score.h"

/* A positive decimal id from a path segment, or 0 (ids start at 1). */
static int64_t path_id(const char *s) {
  int64_t id = 0;
  return parse_id(s, &id) ? id : 0;
}

static const char *exam_title(const struct req *r, const char *exam_id, const char *version) {
  const struct exam *x = NULL;
  if (NULL != r->svc->catalog && NULL != version) {
    x = catalog_version(r->svc->catalog, version);
  }
  if (NULL == x && NULL != r->svc->catalog) {
    x = catalog_current(r->svc->catalog, exam_id);
  }
  if (NULL == x) {
    return exam_id;
  }
  return 0 == strcmp(r->lang, "en") && NULL != x->title_en ? x->title_en : x->title;
}

/* ------------------------------------------------------------------ the queue */

int h_page_review_queue(struct req *r) {
  struct store_rd *rd = NULL;
  struct reviews_queue_entry *q = NULL;
  struct reviews_err err;
  size_t n = 0;
  /* The page lists the whole queue (no viewer filter), as it always has. */
  enum reviews_rc qrc = reviews_queue(&q, &n, r->svc, NULL, NULL, NULL, r->now_ms, &err);
  if (REVIEWS_STORE_FAILED == qrc) {
    return layout_store_error(r, err.store_rc);
  }
  if (REVIEWS_OK != qrc) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK != rc) {
    free(q);
    return layout_store_error(r, rc);
  }
  struct html *h = layout_page_new(r, "review.queue_title", NULL);
  if (NULL == h) {
    store_rd_end(rd);
    reviews_queue_free(q, n);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  html_fmt(h, "<p>%s</p>", L(r, "review.queue_lead"));
  if (0 == n) {
    html_fmt(h, "<p class=\"notice\">%s</p>", L(r, "review.queue_empty"));
  } else {
    static const char *const cols[] = {"review.candidate", "review.exam", "review.waiting_since",
                                       "review.holder"};
    layout_table_begin(h, r, true, cols, sizeof(cols) / sizeof(cols[0]));
    for (size_t i = 0; i < n; i++) {
      struct store_user cand, holder;
      memset(&cand, 0, sizeof(cand));
      memset(&holder, 0, sizeof(holder));
      if (STORE_OK != store_user_by_id(rd, &cand, q[i].candidate_id)) {
        snprintf(cand.name, sizeof(cand.name), "#%" PRId64, q[i].candidate_id);
      }
      bool held = q[i].holder_id > 0;
      if (held && STORE_OK != store_user_by_id(rd, &holder, q[i].holder_id)) {
        snprintf(holder.name, sizeof(holder.name), "#%" PRId64, q[i].holder_id);
      }
      char since[40];
      layout_format_time(since, sizeof(since), q[i].since_ms);
      html_fmt(h, "<tr><td><a href=\"/review/%lld\">", (long long)q[i].attempt_id);
      html_fmt(h, "%s #%lld</a>", L(r, "review.open_sheet"), (long long)q[i].attempt_id);
      if (q[i].appeal_id > 0) {
        html_fmt(h, " <span class=\"badge pending\">%s</span>", L(r, "review.appeal"));
      }
      HTML_LIT(h, "</td><td>");
      html_text(h, cand.name);
      HTML_LIT(h, "</td><td>");
      html_text(h, exam_title(r, q[i].exam_id, NULL));
      HTML_LIT(h, "</td><td>");
      html_text(h, since);
      HTML_LIT(h, "</td><td>");
      html_text(h, held ? holder.name : L(r, "review.nobody"));
      HTML_LIT(h, "</td></tr>");
      memset(cand.password_hash, 0, sizeof(cand.password_hash));
      memset(holder.password_hash, 0, sizeof(holder.password_hash));
    }
    HTML_LIT(h, "</tbody></table></div>");
  }
  store_rd_end(rd);
  reviews_queue_free(q, n);
  layout_end(h, r);
  return layout_reply(r, 200, h);
}

/* ------------------------------------------------------------------ the review sheet */

static void option_text(struct html *h, const struct exam_item *it, const char *id) {
  const struct exam_option *o = exam_item_option(it, id);
  html_text(h, NULL != o ? o->text : id);
}

/* Options as a list, numbered for an ordering item: the ids in the JSON array answer, or the
 * item's key (with the key's class) when answer is NULL. */
static void option_list(struct html *h, const struct exam_item *it, const json_t *answer) {
  bool ordered = EXAM_ITEM_ORDERING == it->type;
  size_t n = NULL == answer ? it->nkey_ids : json_array_size(answer);
  if (ordered) {
    HTML_LIT(h, "<ol");
  } else {
    HTML_LIT(h, "<ul");
  }
  if (NULL == answer) {
    HTML_LIT(h, " class=\"key\"");
  }
  HTML_LIT(h, ">");
  for (size_t k = 0; k < n; k++) {
    HTML_LIT(h, "<li>");
    option_text(h, it,
                NULL == answer ? it->key_ids[k] : json_string_value(json_array_get(answer, k)));
    HTML_LIT(h, "</li>");
  }
  if (ordered) {
    HTML_LIT(h, "</ol>");
  } else {
    HTML_LIT(h, "</ul>");
  }
}

/* The candidate's answer in words. */
static void render_answer(struct html *h, const struct req *r, const struct exam_item *it,
                          const json_t *v) {
  if (NULL == v || json_is_null(v)) {
    html_fmt(h, "<em>%s</em>", L(r, "review.no_answer"));
    return;
  }
  char num[64];
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
    option_text(h, it, json_string_value(v));
    break;
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    option_list(h, it, v);
    break;
  case EXAM_ITEM_TRUEFALSE:
    html_text(h, L(r, json_is_true(v) ? "exam.true" : "exam.false"));
    break;
  case EXAM_ITEM_NUMERIC:
    snprintf(num, sizeof(num), "%.15g", json_number_value(v));
    html_text(h, num);
    if (NULL != it->key_unit) {
      html_fmt(h, " %s", it->key_unit);
    }
    break;
  case EXAM_ITEM_SHORT:
  case EXAM_ITEM_OPEN:
    HTML_LIT(h, "<span class=\"prompt\">");
    html_text(h, json_string_value(v));
    HTML_LIT(h, "</span>");
    break;
  }
}

/* The key in words (open items show their rubric instead). */
static void render_key(struct html *h, const struct req *r, const struct exam_item *it) {
  char num[96];
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
  case EXAM_ITEM_MULTIPLE:
  case EXAM_ITEM_ORDERING:
    option_list(h, it, NULL);
    break;
  case EXAM_ITEM_TRUEFALSE:
    HTML_LIT(h, "<span class=\"key\">");
    html_text(h, L(r, it->key_bool ? "exam.true" : "exam.false"));
    HTML_LIT(h, "</span>");
    break;
  case EXAM_ITEM_NUMERIC:
    snprintf(num, sizeof(num), "%.15g ± %.15g", it->key_value, it->key_tolerance);
    HTML_LIT(h, "<span class=\"key\">");
    html_text(h, num);
    if (NULL != it->key_unit) {
      html_fmt(h, " %s", it->key_unit);
    }
    HTML_LIT(h, "</span>");
    break;
  case EXAM_ITEM_SHORT:
    HTML_LIT(h, "<span class=\"key\">");
    for (size_t k = 0; k < it->naccepted; k++) {
      if (k > 0) {
        HTML_LIT(h, " / ");
      }
      html_text(h, it->accepted[k]);
    }
    HTML_LIT(h, "</span>");
    break;
  case EXAM_ITEM_OPEN:
    break;
  }
}

/* Rubric inputs for an open item, pre-filled from the current decision's marks. */
static void render_rubric(struct html *h, const struct req *r, const struct exam_item *it,
                          const json_t *marks, bool editable) {
  const json_t *given = json_object_get(json_object_get(marks, it->id), "criteria");
  static const char *const cols[] = {"review.criterion", "review.max", "review.given"};
  html_fmt(h, "<div class=\"table-wrap\"><table class=\"rubric\"><caption>%s</caption>",
           L(r, "review.rubric"));
  HTML_LIT(h, "<thead><tr>");
  layout_th(h, r, cols, sizeof(cols) / sizeof(cols[0]));
  HTML_LIT(h, "</tr></thead><tbody>");
  for (size_t c = 0; c < it->nrubric; c++) {
    const struct exam_criterion *cr = &it->rubric[c];
    char field[200], fid[200], value[24] = "";
    snprintf(field, sizeof(field), "#items/%s/criteria/%s", it->id, cr->id);
    snprintf(fid, sizeof(fid), "m-%s-%s", it->id, cr->id);
    const json_t *g = json_object_get(given, cr->id);
    if (json_is_integer(g)) {
      snprintf(value, sizeof(value), "%lld", (long long)json_integer_value(g));
    }
    HTML_LIT(h, "<tr><td>");
    html_fmt(h, "<label for=\"%s\">", fid);
    html_text(h, cr->text);
    html_fmt(h, "</label></td><td>%ld</td><td><input type=\"number\" min=\"0\" step=\"1\"",
             cr->max_points);
    html_fmt(h, " max=\"%ld\" data-max=\"%ld\"", cr->max_points, cr->max_points);
    html_attr(h, "id", fid);
    html_attr(h, "name", field);
    html_attr(h, "value", value);
    if (editable) {
      HTML_LIT(h, " required");
    } else {
      HTML_LIT(h, " disabled");
    }
    HTML_LIT(h, "></td></tr>");
  }
  HTML_LIT(h, "</tbody></table></div>");
  char field[200], fid[200];
  snprintf(field, sizeof(field), "items/%s/comment", it->id);
  snprintf(fid, sizeof(fid), "c-%s", it->id);
  html_labelled(h, fid, L(r, "review.comment"), "<input type=\"text\" maxlength=\"2000\"", field);
  html_attr(h, "value",
            json_string_value(json_object_get(json_object_get(marks, it->id), "comment")));
  if (!editable) {
    HTML_LIT(h, " disabled");
  }
  HTML_LIT(h, ">");
}

static const struct score_item_result *item_result(const struct score_unit_result *ur,
                                                   const char *id) {
  for (size_t k = 0; NULL != ur && k < ur->nitems; k++) {
    if (0 == strcmp(ur->items[k].item_id, id)) {
      return &ur->items[k];
    }
  }
  return NULL;
}

static void render_claim(struct html *h, const struct req *r, const struct reviews_sheet *s) {
  char until[40];
  const struct store_claim *claim = s->has_claim ? &s->claim : NULL;
  bool live = reviews_claim_is_live(claim, r->now_ms);
  bool mine = reviews_claim_is_mine(claim, r->user->id, r->now_ms);
  if (live) {
    layout_format_time(until, sizeof(until), s->claim.expires_ms);
    HTML_LIT(h, "<p class=\"notice\">");
    html_text_sub(h, L(r, mine ? "review.claimed_by_you" : "review.claimed_by_other"), "time",
                  until, NULL);
    HTML_LIT(h, "</p>");
  }
  if (ROLE_ASSESSOR != r->user->role || (live && !mine)) {
    return;
  }
  char action[64], api[80], next[64];
  snprintf(action, sizeof(action), "/review/%" PRId64 "/claim", s->att.id);
  snprintf(api, sizeof(api), "/api/reviews/%" PRId64 "/claim", s->att.id);
  snprintf(next, sizeof(next), "/review/%" PRId64, s->att.id);
  if (!live) {
    HTML_LIT(h, "<p>");
    html_text(h, L(r, "review.claim_first"));
    HTML_LIT(h, "</p>");
  }
  layout_api_form(h, r, action, api, next);
  HTML_LIT(h, "<button type=\"submit\" class=\"secondary\">");
  html_text(h, L(r, "review.claim"));
  HTML_LIT(h, "</button></form>");
}

/* The sheet's heading, the candidate and exam, and the current decision. */
static void render_sheet_head(struct html *h, const struct req *r, const struct reviews_sheet *s,
                              const struct store_decision *dec) {
  char idbuf[24];
  snprintf(idbuf, sizeof(idbuf), "%" PRId64, s->att.id);
  HTML_LIT(h, "<h1>");
  html_text_sub(h, L(r, "review.sheet_title"), "id", idbuf, NULL);
  HTML_LIT(h, "</h1>");
  const char *done = req_query(r, "done");
  if (NULL != done && 0 == strcmp(done, "1") && NULL != dec) {
    html_fmt(h, "<p class=\"notice ok\" role=\"status\">%s</p>", L(r, "review.done"));
  }
  html_fmt(h, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
           L(r, "review.candidate"), s->candidate.name, L(r, "review.exam"),
           exam_title(r, s->att.exam_id, s->att.exam_version));
  if (NULL != dec) {
    char when[40], by[24];
    layout_format_time(when, sizeof(when), dec->decided_ms);
    snprintf(by, sizeof(by), "%" PRId64, dec->decided_by);
    HTML_LIT(h, "<p class=\"notice\">");
    html_text_sub(h, L(r, "review.decided"), "overall",
                  L(r, VERDICT_K == dec->overall ? "result.K" : "result.BK"), "by", by, "time",
                  when, NULL);
    HTML_LIT(h, "</p>");
  }
}

/* One item: the prompt, the answer beside the key (or the rubric), the points. number is
 * its position on the form. */
static void render_item(struct html *h, const struct req *r, const struct reviews_sheet *s,
                        const struct exam_item *it, const struct score_item_result *ir,
                        size_t number, bool editable) {
  char nbuf[24], tbuf[24], earned[32], possible[32];
  snprintf(nbuf, sizeof(nbuf), "%zu", number);
  snprintf(tbuf, sizeof(tbuf), "%zu", exam_form_item_count(s->form));
  snprintf(earned, sizeof(earned), "%.4g", NULL != ir ? ir->earned : 0.0);
  snprintf(possible, sizeof(possible), "%ld", it->points);
  HTML_LIT(h, "<div class=\"review-item\"><h3>");
  html_text_sub(h, L(r, "exam.question"), "n", nbuf, "total", tbuf, NULL);
  html_fmt(h, " <span class=\"hint\">%s · %s</span></h3>", it->id,
           layout_item_type_text(r, it->type));
  html_fmt(h, "<p class=\"prompt\">%s</p><dl class=\"facts\"><dt>%s</dt><dd>", it->prompt,
           L(r, "review.answer"));
  render_answer(h, r, it, json_object_get(s->answers, it->id));
  HTML_LIT(h, "</dd>");
  if (!exam_item_is_open(it)) {
    html_fmt(h, "<dt>%s</dt><dd>", L(r, "review.key"));
    render_key(h, r, it);
    HTML_LIT(h, "</dd>");
  }
  HTML_LIT(h, "</dl><p>");
  html_text_sub(h, L(r, "review.points"), "earned", NULL != ir && ir->pending ? "—" : earned,
                "possible", possible, NULL);
  HTML_LIT(h, "</p>");
  if (NULL != it->explanation) {
    html_fmt(h, "<details><summary>%s</summary><p>%s</p></details>", L(r, "review.explanation"),
             it->explanation);
  }
  if (exam_item_is_open(it)) {
    render_rubric(h, r, it, s->marks, editable);
  }
  HTML_LIT(h, "</div>");
}

/* The outcome select and override reason of unit u (an editable sheet only). */
static void render_unit_outcome(struct html *h, const struct req *r, const struct form_unit *fu,
                                const struct score_unit_result *ur, size_t u) {
  const char *automatic = layout_verdict_text(r, NULL != ur ? ur->verdict : VERDICT_PENDING);
  char field[160], fid[160];
  snprintf(field, sizeof(field), "units/%s/outcome", fu->unit->code);
  snprintf(fid, sizeof(fid), "u-%zu", u);
  html_fmt(h, "<label for=\"%s\">", fid);
  html_text_sub(h, L(r, "review.unit_outcome"), "code", fu->unit->code, NULL);
  HTML_LIT(h, "</label><select class=\"unit-outcome\"");
  html_attr(h, "id", fid);
  html_attr(h, "name", field);
  HTML_LIT(h, "><option value=\"\">");
  html_text_sub(h, L(r, "review.automatic"), "verdict", automatic, NULL);
  HTML_LIT(h, "</option><option value=\"K\">");
  html_text(h, L(r, "result.K"));
  HTML_LIT(h, "</option><option value=\"BK\">");
  html_text(h, L(r, "result.BK"));
  HTML_LIT(h, "</option></select>");
  snprintf(field, sizeof(field), "units/%s/reason", fu->unit->code);
  snprintf(fid, sizeof(fid), "ur-%zu", u);
  html_labelled(h, fid, L(r, "review.reason"),
                "<input type=\"text\" class=\"override-reason\" maxlength=\"500\"", field);
  HTML_LIT(h, ">");
}

/* The overall outcome, the feedback and (for an administrator) the reason; ends the form. */
static void render_decision_end(struct html *h, const struct req *r,
                                const struct store_decision *dec, bool admin_can) {
  html_fmt(h,
           "<section class=\"card\"><label for=\"overall\">%s</label><select id=\"overall\" "
           "name=\"overall\" required><option value=\"\">—</option><option value=\"K\">%s</option>"
           "<option value=\"BK\">%s</option></select>",
           L(r, "review.overall"), L(r, "result.K"), L(r, "result.BK"));
  html_fmt(h, "<label for=\"feedback\">%s</label><p class=\"hint\" id=\"feedback-hint\">%s",
           L(r, "review.feedback"), L(r, "review.feedback_hint"));
  HTML_LIT(h, "</p><textarea id=\"feedback\" name=\"feedback\" maxlength=\"5000\" "
              "aria-describedby=\"feedback-hint\">");
  if (NULL != dec) {
    html_text(h, dec->feedback);
  }
  HTML_LIT(h, "</textarea>");
  if (admin_can) {
    HTML_LIT(h, "<label for=\"reason\">");
    html_text(h, L(r, "review.admin_reason"));
    HTML_LIT(h, "</label><input type=\"text\" id=\"reason\" name=\"reason\" maxlength=\"500\" "
                "required>");
  }
  HTML_LIT(h, "<p><button type=\"submit\">");
  html_text(h, L(r, "review.decide"));
  HTML_LIT(h, "</button></p></section></div></form>");
}

static void render_sheet(struct html *h, const struct req *r, const struct reviews_sheet *s) {
  const struct store_decision *dec = reviews_sheet_current(s);
  bool en = 0 == strcmp(r->lang, "en");
  render_sheet_head(h, r, s, dec);
  render_claim(h, r, s);
  enum reviews_editor editor = reviews_sheet_editor(s, r->user->id, ROLE_ASSESSOR == r->user->role,
                                                    ROLE_ADMIN == r->user->role, r->now_ms);
  bool admin_can = REVIEWS_EDIT_ADMIN == editor;
  bool editable = REVIEWS_EDIT_NONE != editor;
  char action[80], api[96], next[80];
  snprintf(next, sizeof(next), "/review/%" PRId64 "?done=1", s->att.id);
  if (admin_can) {
    snprintf(action, sizeof(action), "/admin/attempts/%" PRId64 "/decision", s->att.id);
    snprintf(api, sizeof(api), "/api/admin/attempts/%" PRId64 "/decision", s->att.id);
  } else {
    snprintf(action, sizeof(action), "/review/%" PRId64 "/decision", s->att.id);
    snprintf(api, sizeof(api), "/api/reviews/%" PRId64 "/decision", s->att.id);
  }
  if (editable) {
    layout_api_form(h, r, action, api, next);
    /* the class marks the decision form for people and tests alike */
    HTML_LIT(h, "<div class=\"decision\">");
  }
  size_t number = 0;
  for (size_t u = 0; u < s->form->nunits; u++) {
    const struct form_unit *fu = &s->form->units[u];
    const struct score_unit_result *ur = u < s->score->nunits ? &s->score->units[u] : NULL;
    const char *title = en && NULL != fu->unit->title_en ? fu->unit->title_en : fu->unit->title;
    html_fmt(h, "<section class=\"card\"><h2>%s — ", fu->unit->code);
    html_text(h, title);
    HTML_LIT(h, "</h2>");
    for (size_t i = 0; i < fu->nitems; i++) {
      const struct exam_item *it = fu->items[i].item;
      render_item(h, r, s, it, item_result(ur, it->id), ++number, editable);
    }
    if (editable) {
      render_unit_outcome(h, r, fu, ur, u);
    }
    HTML_LIT(h, "</section>");
  }
  if (editable) {
    render_decision_end(h, r, dec, admin_can);
  }
}

int h_page_review(struct req *r) {
  struct reviews_sheet s;
  struct reviews_err err;
  int64_t id = path_id(r->params[0]);
  if (0 == id) {
    return layout_message_page(r, 404, "page.not_found", "page.not_found_text");
  }
  if (NULL == r->svc->catalog) {
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  }
  switch (reviews_sheet_load(&s, r->svc, id, r->user->id, &err)) {
  case REVIEWS_OK:
    break;
  case REVIEWS_NOT_FOUND:
    return layout_message_page(r, 404, "page.not_found", "page.not_found_text");
  case REVIEWS_OWN_ATTEMPT:
    return layout_message_page(r, 403, "page.forbidden", "review.own_attempt");
  case REVIEWS_STILL_OPEN:
    return layout_message_page(r, 409, "page.forbidden", "review.still_open");
  case REVIEWS_STORE_FAILED:
    return layout_store_error(r, err.store_rc);
  case REVIEWS_EXAM_VERSION_MISSING:
  case REVIEWS_EXAM_VERSION_UNAVAILABLE:
    return reply_error(r, ERR_EXAM_VERSION_MISSING, NULL);
  default:
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  if (NULL == s.score) {
    reviews_sheet_free(&s);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  struct html *h = html_new();
  if (NULL == h) {
    reviews_sheet_free(&s);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  char title[64];
  snprintf(title, sizeof(title), "%s #%" PRId64, L(r, "review.open_sheet"), id);
  layout_begin_script(h, r, title, "static/staff.js");
  render_sheet(h, r, &s);
  layout_end(h, r);
  reviews_sheet_free(&s);
  return layout_reply(r, 200, h);
}
