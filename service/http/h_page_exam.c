/*
 * The exam pages: the page before the clock starts and the start itself, the exam page
 * (every item of the form as a fieldset, the saved answers and flags filled in), the
 * no-JavaScript save (answers, typed numbers read by the core's numeric_parse, a flag), the
 * review screen with the timer and the confirmed submit. Items are rendered from the candidate view
 * of the form, which carries no keys, so nothing secret can reach the page. exam.js enhances the
 * page through the JSON API (per-answer saves, offline queue, countdown).
 *
 * The state changes (start, save, submit) are the attempts layer's (common/attempts.h), as
 * for the JSON API: retake policy, deadline plus save grace, scoring at submit. This file
 * parses the forms, calls the layer and renders its outcome.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/attempts.h"
#include "common/catalog.h"
#include "http/presented.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "http/page_time.h"
#include "http/parse.h"
#include "store/store.h"
#include "ujikom/clock.h"
#include "ujikom/exam_form.h"
#include "ujikom/numeric.h"
#include "ujikom/score.h"
#include "ujikom/timefmt.h"
#include "ujikom/utf8.h"

/* The exam and review pages' script (also fetched ahead by the page before the clock starts). */
#define EXAM_SCRIPT "static/exam.js"

/* A positive decimal id from a path segment, or 0 (ids start at 1). */
static int64_t path_id(const char *s) {
  int64_t id = 0;
  return parse_id(s, &id) ? id : 0;
}

static int not_found(struct req *r) {
  return layout_message_page(r, 404, "page.not_found", "page.not_found_text");
}

/* Answers an outcome of the attempts layer that is not ATTEMPTS_OK (and not a refusal the
 * page explains itself). */
static int attempts_failed(struct req *r, enum attempts_rc rc) {
  switch (rc) {
  case ATTEMPTS_NOT_FOUND:
    return not_found(r);
  case ATTEMPTS_EXAM_VERSION_MISSING:
    return reply_error(r, ERR_EXAM_VERSION_MISSING, NULL);
  case ATTEMPTS_BUSY:
    return reply_error(r, ERR_BUSY, NULL);
  case ATTEMPTS_NO_CATALOG:
  case ATTEMPTS_UNAVAILABLE:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  default:
    return reply_error(r, ERR_INTERNAL, NULL);
  }
}

/* The caller's attempt `id` (closed at its deadline first when overdue). Returns 0, or -1
 * after replying (404 for missing and for someone else's alike). */
static int own_attempt_id(struct req *r, int64_t id, struct store_attempt *out) {
  enum attempts_rc rc = attempts_get_own(out, r->svc, r->user->id, id, false, r->now_ms);
  if (ATTEMPTS_OK != rc) {
    attempts_failed(r, rc);
    return -1;
  }
  return 0;
}

/* The caller's attempt named in the path, as own_attempt_id(). */
static int own_attempt(struct req *r, struct store_attempt *out) {
  return own_attempt_id(r, path_id(r->params[0]), out);
}

/* The attempt's form (attempts_form). 0, or -1 after replying. */
static int attempt_form(struct req *r, const struct store_attempt *a, struct exam_form **out) {
  enum attempts_rc rc = attempts_form(out, r->svc, a);
  if (ATTEMPTS_OK != rc) {
    attempts_failed(r, rc);
    return -1;
  }
  return 0;
}

/* A hint paragraph: the catalogue's text for key. */
static void hint(struct html *h, const struct req *r, const char *key) {
  HTML_LIT(h, "<p class=\"hint\">");
  html_text(h, L(r, key));
  HTML_LIT(h, "</p>");
}

struct exam_view {
  int64_t attempt_id;
  bool open;             /* answers may be saved */
  bool has_evidence;     /* the form has an evidence item (files: upload.js) */
  int64_t deadline_ms;   /* server deadline */
  int64_t remaining_s;   /* seconds left at now (server time) */
  const json_t *form;    /* the candidate view of the form */
  const json_t *answers; /* item id -> saved value */
  const json_t *errors;  /* item id -> message, from a failed no-JS save; may be NULL */
  const json_t *typed;   /* item id -> text typed that was refused (shown back); may be NULL */
  const json_t *flags;   /* item id -> true for the items flagged for review; may be NULL */
  enum time_zone zone;   /* the times' zone (the test site's, else the candidate's) */
  bool saved_notice;     /* after a successful no-JS save */
};

/* What a refused no-JS save shows back: item id -> message, item id -> text typed. */
struct exam_refusal {
  const json_t *errors, *typed;
};

/* What every item renderer gets: the candidate view's item, the saved answer, the item's
 * id and type, its field name ("q7") and its number on the page. */
struct item_ctx {
  const json_t *item, *answer;
  const char *id, *type, *name;
  size_t n;
  const char *typed; /* text typed that was refused, shown back instead of answer; or NULL */
  bool invalid;      /* the item's answer was refused: the error paragraph is "e-<id>" */
  int64_t attempt_id;
};

/* Single and multiple choice: radio buttons or check boxes. */
static void render_choices(struct html *h, const struct req *r, const struct item_ctx *c) {
  const json_t *answer = c->answer, *options = json_object_get(c->item, "options"), *opt;
  const char *name = c->name;
  size_t i;
  bool multi = 0 == strcmp(c->type, "multiple");
  if (multi) { /* radio buttons say "one" by themselves */
    hint(h, r, "exam.choose_many");
  }
  json_array_foreach(options, i, opt) {
    const char *oid = json_string_value(json_object_get(opt, "id"));
    if (NULL == oid) {
      continue;
    }
    bool checked = false;
    if (multi && json_is_array(answer)) {
      size_t k;
      const json_t *a;
      json_array_foreach(answer, k, a) checked =
          checked || (json_is_string(a) && 0 == strcmp(json_string_value(a), oid));
    } else if (json_is_string(answer)) {
      checked = 0 == strcmp(json_string_value(answer), oid);
    }
    HTML_LIT(h, "<label><input");
    html_attr(h, "type", multi ? "checkbox" : "radio");
    html_attr(h, "name", name);
    html_attr(h, "value", oid);
    if (checked) {
      HTML_LIT(h, " checked");
    }
    HTML_LIT(h, "> ");
    html_text(h, json_string_value(json_object_get(opt, "text")));
    HTML_LIT(h, "</label>");
  }
}

/* True/false: two radio buttons. */
static void render_truefalse(struct html *h, const struct req *r, const struct item_ctx *c) {
  const json_t *answer = c->answer;
  const char *name = c->name;
  static const char *const vals[] = {"true", "false"};
  for (int k = 0; k < 2; k++) {
    bool checked = json_is_boolean(answer) && (0 == k) == json_is_true(answer);
    HTML_LIT(h, "<label><input type=\"radio\"");
    html_attr(h, "name", name);
    html_attr(h, "value", vals[k]);
    if (checked) {
      HTML_LIT(h, " checked");
    }
    HTML_LIT(h, "> ");
    html_text(h, L(r, 0 == k ? "exam.true" : "exam.false"));
    HTML_LIT(h, "</label>");
  }
}

/* Numeric and short answers: one text field (numeric with its hint and unit). */
static void render_text_input(struct html *h, const struct req *r, const struct item_ctx *c) {
  const json_t *item = c->item, *answer = c->answer;
  const char *id = c->id, *name = c->name;
  bool numeric = 0 == strcmp(c->type, "numeric");
  char value[64] = "";
  if (json_is_number(answer) && 0 == numeric_format(value, sizeof(value), json_number_value(answer),
                                                    0 != strcmp(r->lang, "en"))) {
    snprintf(value, sizeof(value), "%.15g", json_number_value(answer));
  }
  html_fmt(h, "<label for=\"in-%s\">", id);
  html_text(h, L(r, "exam.your_answer"));
  HTML_LIT(h, "</label>");
  if (numeric) {
    html_fmt(h, "<p class=\"hint\" id=\"h-%s\">", id);
    html_text(h, L(r, "exam.numeric_hint"));
    const char *unit = json_string_value(json_object_get(item, "unit"));
    if (NULL != unit) {
      HTML_LIT(h, " ");
      html_text_sub(h, L(r, "exam.numeric_unit"), "unit", unit, NULL);
    }
    HTML_LIT(h, "</p>");
  }
  HTML_LIT(h, "<input type=\"text\" autocomplete=\"off\"");
  html_fmt(h, " id=\"in-%s\"", id);
  html_attr(h, "name", name);
  if (c->invalid) {
    HTML_LIT(h, " aria-invalid=\"true\"");
  }
  if (numeric) {
    HTML_LIT(h, " inputmode=\"decimal\" maxlength=\"40\"");
    html_fmt(h, " aria-describedby=\"h-%s%s%s\"", id, c->invalid ? " e-" : "",
             c->invalid ? id : "");
    html_attr(h, "value", NULL != c->typed ? c->typed : value);
  } else {
    HTML_LIT(h, " maxlength=\"1000\"");
    html_attr(h, "value", NULL != c->typed ? c->typed : json_string_value(answer));
  }
  HTML_LIT(h, ">");
}

/* What an open or evidence item is marked on: its rubric criteria. */
static void render_rubric_list(struct html *h, const struct req *r, const json_t *item) {
  size_t i;
  const json_t *crit;
  hint(h, r, "exam.rubric_intro");
  HTML_LIT(h, "<ul>");
  json_array_foreach(json_object_get(item, "rubric"), i, crit) {
    HTML_LIT(h, "<li>");
    html_text(h, json_string_value(json_object_get(crit, "text")));
    HTML_LIT(h, "</li>");
  }
  HTML_LIT(h, "</ul>");
}

/* Open answers: the rubric, then a text area. */
static void render_open(struct html *h, const struct req *r, const struct item_ctx *c) {
  const json_t *item = c->item, *answer = c->answer;
  const char *id = c->id, *name = c->name;
  render_rubric_list(h, r, item);
  char in_id[160];
  snprintf(in_id, sizeof(in_id), "in-%s", id);
  html_labelled(h, in_id, L(r, "exam.your_answer"), "<textarea maxlength=\"20000\" rows=\"8\"",
                name);
  HTML_LIT(h, ">");
  html_text(h, json_string_value(answer));
  HTML_LIT(h, "</textarea>");
}

/* Ordering: a position select for every option. */
static void render_ordering(struct html *h, const struct req *r, const struct item_ctx *c) {
  const json_t *item = c->item, *answer = c->answer;
  const char *id = c->id;
  const json_t *options = json_object_get(item, "options"), *opt;
  size_t i, n = c->n;
  size_t nopt = json_array_size(options);
  hint(h, r, "exam.ordering_hint");
  HTML_LIT(h, "<ul class=\"order-list\">");
  json_array_foreach(options, i, opt) {
    const char *oid = json_string_value(json_object_get(opt, "id"));
    if (NULL == oid) {
      continue;
    }
    size_t pos = 0;
    if (json_is_array(answer)) {
      size_t k;
      const json_t *a;
      json_array_foreach(answer, k, a) if (json_is_string(a) &&
                                           0 == strcmp(json_string_value(a), oid)) pos = k + 1;
    }
    char sel_name[64];
    snprintf(sel_name, sizeof(sel_name), "q%zu.%s", n, oid);
    html_fmt(h, "<li><label for=\"o-%s-%s\">", id, oid);
    html_text(h, json_string_value(json_object_get(opt, "text")));
    HTML_LIT(h, "</label><select");
    html_fmt(h, " id=\"o-%s-%s\"", id, oid);
    html_attr(h, "name", sel_name);
    html_attr(h, "data-option", oid);
    HTML_LIT(h, "><option value=\"\">");
    html_text(h, L(r, "exam.position"));
    HTML_LIT(h, "</option>");
    for (size_t p = 1; p <= nopt; p++) {
      html_fmt(h, "<option value=\"%zu\"", p);
      if (p == pos) {
        HTML_LIT(h, " selected");
      }
      html_fmt(h, ">%zu</option>", p);
    }
    HTML_LIT(h, "</select></li>");
  }
  HTML_LIT(h, "</ul>");
}

/* Evidence: the rubric, what the item takes, the files handed in so far (each a link to the
 * file as stored), and the picker that upload.js drives (uploads need the script: the page
 * says so without it). */
static void render_evidence(struct html *h, const struct req *r, const struct item_ctx *c) {
  const json_t *item = c->item, *f;
  size_t i;
  char files[24], mb[24], accept[160] = "", kinds[160] = "";
  render_rubric_list(h, r, item);
  json_array_foreach(json_object_get(item, "accept"), i, f) {
    static const char *const mime[][2] = {{"image", "image/*"},
                                          {"pdf", "application/pdf"},
                                          {"audio", "audio/*"},
                                          {"video", "video/*"}};
    for (size_t k = 0; k < sizeof mime / sizeof mime[0]; k++) {
      if (0 == strcmp(mime[k][0], json_string_value(f))) {
        size_t at = strlen(accept), kat = strlen(kinds);
        snprintf(accept + at, sizeof accept - at, "%s%s", 0 == at ? "" : ",", mime[k][1]);
        char key[48];
        snprintf(key, sizeof key, "exam.accept_%s", mime[k][0]);
        snprintf(kinds + kat, sizeof kinds - kat, "%s%s", 0 == kat ? "" : ", ", L(r, key));
      }
    }
  }
  snprintf(files, sizeof files, "%lld",
           (long long)json_integer_value(json_object_get(item, "max_files")));
  snprintf(mb, sizeof mb, "%lld", (long long)json_integer_value(json_object_get(item, "max_mb")));
  HTML_LIT(h, "<p class=\"hint\">");
  html_text_sub(
      h, LN(r, "exam.evidence_limits", json_integer_value(json_object_get(item, "max_files"))),
      "kinds", kinds, "files", files, "mb", mb, NULL);
  HTML_LIT(h, "</p><ul class=\"evidence-list\">");
  json_array_foreach(c->answer, i, f) {
    const char *sha = json_string_value(json_object_get(f, "sha256"));
    char url[160];
    if (NULL == sha) {
      continue;
    }
    snprintf(url, sizeof url, "/api/attempts/%lld/evidence/%s", (long long)c->attempt_id, sha);
    HTML_LIT(h, "<li><a");
    html_attr_url(h, "href", url);
    HTML_LIT(h, " target=\"_blank\" rel=\"noopener\">");
    const char *name = json_string_value(json_object_get(f, "name"));
    html_text(h, name);
    html_fmt(h, "</a> <code class=\"sha256\">%s</code>", sha);
    layout_file_remove(h, r, sha, NULL != name ? name : sha, "exam.evidence_remove",
                       "exam.evidence_remove_label");
    HTML_LIT(h, "</li>");
  }
  /* A file handed in is removed with DELETE …/answers/ITEM/files/SHA256 until submission. */
  char remove_url[160];
  snprintf(remove_url, sizeof remove_url, "/api/attempts/%lld/answers/%s/files/",
           (long long)c->attempt_id, c->id);
  HTML_LIT(h, "</ul><div class=\"evidence-upload\"");
  html_attr(h, "data-item", c->id);
  html_attr(h, "data-remove", remove_url);
  html_attr(h, "data-remove-text", L(r, "exam.evidence_remove"));
  html_attr(h, "data-remove-label", L(r, "exam.evidence_remove_label"));
  html_attr(h, "data-max-mb", mb);
  html_attr(h, "data-max-files", files);
  html_fmt(h, "><label for=\"f-%s\">", c->id);
  html_text(h, L(r, "exam.evidence_pick"));
  html_fmt(h, "</label><input type=\"file\" id=\"f-%s\" multiple", c->id);
  html_attr(h, "accept", accept);
  HTML_LIT(h, "><noscript><p class=\"hint\">");
  html_text(h, L(r, "exam.evidence_noscript"));
  HTML_LIT(h, "</p></noscript></div>");
}

static const struct {
  const char *type;
  void (*render)(struct html *h, const struct req *r, const struct item_ctx *c);
} item_renderers[] = {
    {"evidence", render_evidence},   {"single", render_choices},     {"multiple", render_choices},
    {"truefalse", render_truefalse}, {"numeric", render_text_input}, {"short", render_text_input},
    {"open", render_open},           {"ordering", render_ordering},
};

/* Renders one item's inputs from the candidate view (never the exam itself, so no key can
 * reach the page). */
static void render_item(struct html *h, const struct req *r, const struct exam_view *v,
                        const json_t *item, size_t n, size_t total) {
  const char *id = json_string_value(json_object_get(item, "id"));
  const char *type = json_string_value(json_object_get(item, "type"));
  if (NULL == id || NULL == type) {
    return;
  }
  const json_t *answer = json_object_get(v->answers, id);
  const char *error = NULL != v->errors ? json_string_value(json_object_get(v->errors, id)) : NULL;
  const char *typed = NULL != v->typed ? json_string_value(json_object_get(v->typed, id)) : NULL;
  bool is_flagged = NULL != v->flags && NULL != json_object_get(v->flags, id);
  char name[32]; /* fields are named by position ("q7", "q7.c"): short pages */
  snprintf(name, sizeof(name), "q%zu", n);
  char nbuf[24], tbuf[24], pbuf[24];
  snprintf(nbuf, sizeof(nbuf), "%zu", n);
  snprintf(tbuf, sizeof(tbuf), "%zu", total);
  snprintf(pbuf, sizeof(pbuf), "%lld",
           (long long)json_integer_value(json_object_get(item, "points")));
  bool answered = NULL != answer && !json_is_null(answer);

  HTML_LIT(h, "<fieldset class=\"item\"");
  html_fmt(h, " id=\"item-%s\"", id);
  html_attr(h, "data-type", type);
  if (is_flagged) {
    HTML_LIT(h, " data-flagged");
  }
  /* The prompt is part of the legend, so it is announced with every control of the item. */
  HTML_LIT(h, "><legend><span class=\"qn\">");
  html_text_sub(h, L(r, "exam.question"), "n", nbuf, "total", tbuf, NULL);
  HTML_LIT(h, " (");
  html_text_sub(h, LN(r, "exam.points", json_integer_value(json_object_get(item, "points"))), "n",
                pbuf, NULL);
  HTML_LIT(h, ")</span><span class=\"prompt\">");
  html_text(h, json_string_value(json_object_get(item, "prompt")));
  HTML_LIT(h, "</span></legend>");
  if (NULL != error) {
    html_fmt(h, "<p class=\"notice err\" role=\"alert\" id=\"e-%s\">", id);
    html_text(h, error);
    HTML_LIT(h, "</p>");
  }

  const struct item_ctx c = {item, answer, id, type, name, n, typed, NULL != error, v->attempt_id};
  for (size_t k = 0; k < sizeof item_renderers / sizeof item_renderers[0]; k++) {
    if (0 == strcmp(type, item_renderers[k].type)) {
      item_renderers[k].render(h, r, &c);
      break;
    }
  }

  /* Flag for review without the script: the save form's button, which saves the answers and
   * flips the flag on the server. exam.js puts a check box in its place. */
  if (is_flagged) {
    HTML_LIT(h, "<button name=unflag");
  } else {
    HTML_LIT(h, "<button name=flag");
  }
  html_fmt(h, " value=%zu>", n); /* the position, as the fields are named */
  html_text(h, L(r, is_flagged ? "exam.unflag" : "exam.flag"));
  HTML_LIT(h, "</button>");
  /* exam.js makes the state a live region. */
  /* A saved answer says so; an unanswered item's state paragraph is the script's (it says
   * "not answered"): bytes on every exam page. */
  if (answered) {
    HTML_LIT(h, "<p class=save-state data-state=saved>");
    html_text(h, L(r, "exam.state_saved"));
    HTML_LIT(h, "</p>");
  }
  HTML_LIT(h, "</fieldset>");
}

/* Opens the element exam.js works in (#exam): the attempt, its time and state, the CSRF
 * token, the script's texts and, when upload_asset is given, where the upload script is.
 * The caller closes it. */
static void exam_root(struct html *h, struct req *r, int64_t attempt_id, int64_t remaining_s,
                      int64_t deadline_ms, bool open, const char *upload_asset) {
  HTML_LIT(h, "<div id=\"exam\"");
  html_fmt(h,
           " data-attempt=\"%lld\" data-remaining=\"%lld\" data-deadline-ms=\"%lld\""
           " data-server-now-ms=\"%lld\"",
           (long long)attempt_id, (long long)remaining_s, (long long)deadline_ms,
           (long long)r->now_ms);
  html_attr(h, "data-status", open ? "open" : "closed");
  char csrf[SESSION_CSRF_LEN + 1];
  html_attr(h, "data-csrf", presented_csrf(r, csrf));
  char upload_js[256];
  if (NULL != upload_asset && layout_asset_url(upload_js, sizeof upload_js, upload_asset)) {
    html_attr(h, "data-upload-js", upload_js);
  }
  HTML_LIT(h, ">");
  /* The script's texts, named without their "exam.js_" prefix (bytes on every exam page). */
  json_t *strings = i18n_subset(r->lang, "exam.js_"), *named = json_object();
  const char *key;
  json_t *text;
  json_object_foreach(strings, key, text) {
    json_object_set(named, key + strlen("exam.js_"), text);
  }
  if (NULL != named) {
    html_json_script(h, "exam-strings", named);
  }
  json_decref(named);
  json_decref(strings);
}

/* The sticky bar with the time left (counted down by exam.js) and the deadline in zone, then
 * the offline and error banners. */
static void timer_bar(struct html *h, struct req *r, int64_t deadline_ms, int64_t remaining_s,
                      enum time_zone zone) {
  char deadline[48], minutes[24];
  page_time(deadline, sizeof(deadline), deadline_ms, zone, false);
  snprintf(minutes, sizeof(minutes), "%lld", (long long)((remaining_s + 59) / 60));
  HTML_LIT(h, "<div class=\"exam-bar\"><span id=\"timer\" class=\"timer\" role=\"timer\">");
  html_text_sub(h, LN(r, "exam.remaining_static", (remaining_s + 59) / 60), "minutes", minutes,
                NULL);
  HTML_LIT(h, "</span><span class=\"hint\">");
  html_text_sub(h, L(r, "exam.deadline"), "time", deadline, NULL);
  HTML_LIT(h, "</span></div>");
  HTML_LIT(h, "<div id=\"offline-banner\" class=\"banner offline\" role=\"status\" hidden>");
  html_text(h, L(r, "exam.offline"));
  HTML_LIT(h, "</div><div id=\"error-banner\" class=\"banner error\" role=\"alert\" hidden></div>");
}

static void render_exam(struct html *h, struct req *r, const struct exam_view *v) {
  bool en = 0 == strcmp(r->lang, "en");
  bool open = v->open;
  const char *title = json_string_value(json_object_get(v->form, en ? "title_en" : "title"));
  if (NULL == title) {
    title = json_string_value(json_object_get(v->form, "title"));
  }
  exam_root(h, r, v->attempt_id, v->remaining_s, v->deadline_ms, open,
            open && v->has_evidence ? "static/upload.js" : NULL);
  HTML_LIT(h, "<h1>");
  html_text_sub(h, L(r, "exam.title"), "title", title, NULL);
  HTML_LIT(h, "</h1>");
  timer_bar(h, r, v->deadline_ms, v->remaining_s, v->zone);
  if (!open) {
    HTML_LIT(h, "<p class=\"notice warn\">");
    html_text(h, L(r, "exam.closed"));
    HTML_LIT(h, " <a href=\"/me\">");
    html_text(h, L(r, "exam.go_dashboard"));
    HTML_LIT(h, "</a></p></div>");
    return;
  }
  if (v->saved_notice) {
    HTML_LIT(h, "<p class=\"notice ok\" role=\"status\">");
    html_text(h, L(r, "exam.saved_notice"));
    HTML_LIT(h, "</p>");
  }
  if (NULL != v->errors && json_object_size(v->errors) > 0) {
    HTML_LIT(h, "<p class=\"notice err\" role=\"alert\">");
    html_text(h, L(r, "exam.save_errors"));
    HTML_LIT(h, "</p>");
  }
  HTML_LIT(h, "<p>");
  html_text(h, L(r, "exam.intro"));
  HTML_LIT(h, "</p>");
  html_fmt(h, "<form id=\"exam-form\" method=\"post\" action=\"/attempts/%lld/save\" novalidate>",
           (long long)v->attempt_id);
  layout_csrf_field(h, r);
  /* The default button (Enter in a field): a plain save, before the items' flag buttons. */
  HTML_LIT(h, "<button hidden></button>");
  size_t total = 0;
  const json_t *unit, *item;
  size_t u, i;
  json_array_foreach(json_object_get(v->form, "units"), u, unit) total +=
      json_array_size(json_object_get(unit, "items"));
  size_t n = 0;
  json_array_foreach(json_object_get(v->form, "units"), u, unit) {
    const char *utitle = json_string_value(json_object_get(unit, en ? "title_en" : "title"));
    if (NULL == utitle) {
      utitle = json_string_value(json_object_get(unit, "title"));
    }
    html_fmt(h, "<section class=\"unit\" aria-labelledby=\"unit-%zu\"><h2", u);
    html_fmt(h, " id=\"unit-%zu\">", u);
    html_text_sub(h, L(r, "exam.unit"), "code", json_string_value(json_object_get(unit, "code")),
                  "title", utitle, NULL);
    HTML_LIT(h, "</h2>");
    if (0 == json_array_size(json_object_get(unit, "items"))) {
      /* An observation unit (FR.IA.01): nothing to answer here. */
      html_fmt(h, "<p class=\"hint\">%s</p>", L(r, "exam.unit_observed"));
    }
    json_array_foreach(json_object_get(unit, "items"), i, item) {
      render_item(h, r, v, item, ++n, total);
    }
    HTML_LIT(h, "</section>");
  }
  HTML_LIT(h, "<div class=\"item-foot\"><button type=\"submit\" name=\"go\" value=\"save\" "
              "class=\"secondary\">");
  html_text(h, L(r, "exam.save_all"));
  HTML_LIT(h, "</button><button type=\"submit\" name=\"go\" value=\"review\">");
  html_text(h, L(r, "exam.to_review"));
  HTML_LIT(h, "</button></div></form></div>");
}
/* A link to an item on the exam page, labelled with its number and the start of its prompt. */
static void item_link(struct html *h, const struct req *r, int64_t attempt_id, const char *id,
                      size_t n, size_t total, const char *prompt) {
  char nbuf[24], tbuf[24];
  snprintf(nbuf, sizeof(nbuf), "%zu", n);
  snprintf(tbuf, sizeof(tbuf), "%zu", total);
  HTML_LIT(h, "<li>");
  html_fmt(h, "<a href=\"/attempts/%lld#item-%s\">", (long long)attempt_id, id);
  html_text_sub(h, L(r, "exam.question"), "n", nbuf, "total", tbuf, NULL);
  HTML_LIT(h, "</a> — ");
  /* The first 80 bytes of the prompt, cut at a UTF-8 boundary. */
  size_t len = NULL != prompt ? strlen(prompt) : 0;
  size_t cut = utf8_cut(prompt, len, 80);
  html_textn(h, prompt, cut);
  if (cut < len) {
    HTML_LIT(h, "…");
  }
  HTML_LIT(h, "</li>");
}

/* True when flags (comma-separated item ids from the query) names id. */
static bool flagged(const char *flags, const char *id) {
  if (NULL == flags) {
    return false;
  }
  size_t idlen = strlen(id);
  for (const char *p = flags; NULL != p && '\0' != *p;) {
    const char *comma = strchr(p, ',');
    size_t len = NULL != comma ? (size_t)(comma - p) : strlen(p);
    if (len == idlen && 0 == strncmp(p, id, len)) {
      return true;
    }
    p = NULL != comma ? comma + 1 : NULL;
  }
  return false;
}

static void render_review(struct html *h, const struct req *r, int64_t attempt_id,
                          const json_t *form, const json_t *answers, const json_t *flag_set,
                          const char *flags, bool confirm_missing) {
  size_t total = 0, answered = 0;
  const json_t *unit, *item;
  size_t u, i;
  json_array_foreach(json_object_get(form, "units"), u, unit) {
    json_array_foreach(json_object_get(unit, "items"), i, item) {
      const json_t *a = json_object_get(answers, json_string_value(json_object_get(item, "id")));
      total++;
      if (NULL != a && !json_is_null(a)) {
        answered++;
      }
    }
  }
  char nbuf[24], tbuf[24];
  snprintf(nbuf, sizeof(nbuf), "%zu", answered);
  snprintf(tbuf, sizeof(tbuf), "%zu", total);
  HTML_LIT(h, "<p>");
  html_text_sub(h, L(r, "exam.review_answered"), "n", nbuf, "total", tbuf, NULL);
  HTML_LIT(h, "</p>");
  for (int pass = 0; pass < 2; pass++) {
    size_t n = 0, listed = 0;
    json_array_foreach(json_object_get(form, "units"), u, unit) {
      json_array_foreach(json_object_get(unit, "items"), i, item) {
        const char *id = json_string_value(json_object_get(item, "id"));
        n++;
        if (NULL == id) {
          continue;
        }
        const json_t *a = json_object_get(answers, id);
        bool show = 0 == pass ? (NULL == a || json_is_null(a))
                              : NULL != json_object_get(flag_set, id) || flagged(flags, id);
        if (!show) {
          continue;
        }
        if (0 == listed++) {
          HTML_LIT(h, "<h2>");
          html_text(h, L(r, 0 == pass ? "exam.review_unanswered" : "exam.review_flagged"));
          HTML_LIT(h, "</h2><ul class=\"review-list\">");
        }
        item_link(h, r, attempt_id, id, n, total,
                  json_string_value(json_object_get(item, "prompt")));
      }
    }
    if (listed > 0) {
      HTML_LIT(h, "</ul>");
    } else if (0 == pass) {
      HTML_LIT(h, "<p class=\"notice ok\">");
      html_text(h, L(r, "exam.review_all_answered"));
      HTML_LIT(h, "</p>");
    }
  }
  html_fmt(h, "<p><a class=\"button secondary\" href=\"/attempts/%lld\">", (long long)attempt_id);
  html_text(h, L(r, "exam.review_back"));
  HTML_LIT(h, "</a></p>");
  html_fmt(h, "<form method=\"post\" class=\"card\" action=\"/attempts/%lld/submit\">",
           (long long)attempt_id);
  layout_csrf_field(h, r);
  if (confirm_missing) {
    HTML_LIT(h, "<p class=\"notice err\" role=\"alert\" id=\"confirm-error\">");
    html_text(h, L(r, "exam.confirm_required"));
    HTML_LIT(h, "</p>");
  }
  HTML_LIT(h, "<label class=\"option\"><input type=\"checkbox\" id=\"confirm\" name=\"confirm\" "
              "value=\"yes\" required> ");
  html_text(h, L(r, "exam.confirm_label"));
  HTML_LIT(h, "</label><p><button type=\"submit\">");
  html_text(h, L(r, "exam.submit"));
  HTML_LIT(h, "</button></p></form>");
}

/* Shows an error page for a refused action (409 and the like) with the catalogue's text for
 * the registry error, falling back to detail. */
static int refuse(struct req *r, unsigned status, const char *error_name, const char *detail) {
  struct html *h = layout_error_html(r, status, error_name, detail);
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return layout_reply(r, status, h);
}

/* ------------------------------------------------------------------ start */

static int redirect_attempt(struct req *r, int64_t id) {
  char where[64];
  snprintf(where, sizeof(where), "/attempts/%" PRId64, id);
  return reply_redirect(r, where);
}

/* The refusal of a start as the pre-start page says it, with the date when there is one. */
static void start_refusal(struct html *h, struct req *r, enum attempts_rc rc,
                          const struct attempts_started *st, enum time_zone zone) {
  const char *key = NULL;
  switch (rc) {
  case ATTEMPTS_LIMIT:
    key = "exam.pre_limit";
    break;
  case ATTEMPTS_ALREADY_COMPETENT:
    key = "exam.pre_competent";
    break;
  case ATTEMPTS_AWAITING_REVIEW:
    key = "exam.pre_awaiting";
    break;
  case ATTEMPTS_COOLDOWN:
    key = "exam.pre_cooldown";
    break;
  case ATTEMPTS_NOT_ELIGIBLE:
    key = "exam.pre_not_eligible";
    break;
  case ATTEMPTS_WINDOW_NOT_OPEN:
    key = "exam.pre_window_not_open";
    break;
  case ATTEMPTS_WINDOW_CLOSED:
    key = "exam.pre_window_closed";
    break;
  case ATTEMPTS_SESSION_CODE:
    key = "exam.pre_session_code_wrong";
    break;
  default:
    key = "page.error";
    break;
  }
  char when[48];
  int64_t at_ms = ATTEMPTS_WINDOW_NOT_OPEN == rc ? st->window_opens_ms
                  : ATTEMPTS_WINDOW_CLOSED == rc ? st->window_closes_ms
                                                 : st->retry_at_ms;
  page_time(when, sizeof(when), at_ms, zone, false);
  HTML_LIT(h, "<p class=\"notice warn\" role=\"status\" id=\"start-refused\">");
  html_text_sub(h, L(r, key), "time", when, NULL);
  if (ATTEMPTS_NOT_ELIGIBLE == rc) {
    /* What to do next: the application (FR.APL.01) this exam asks for first. */
    HTML_LIT(h, " <a href=\"/exams/");
    html_text(h, r->params[0]);
    HTML_LIT(h, "/application\">");
    html_text(h, L(r, "apl.go_application"));
    HTML_LIT(h, "</a></p>");
    return;
  }
  HTML_LIT(h, " <a href=\"/me\">");
  html_text(h, L(r, "exam.go_dashboard"));
  HTML_LIT(h, "</a></p>");
}

/* A fact of the pre-start page: <dt>label</dt><dd>text</dd>. */
static void fact(struct html *h, const struct req *r, const char *label_key, const char *text) {
  HTML_LIT(h, "<dt>");
  html_text(h, L(r, label_key));
  HTML_LIT(h, "</dt><dd>");
  html_text(h, text);
  HTML_LIT(h, "</dd>");
}

/* The page before the clock starts: what the exam is (units with their cut scores, duration,
 * number of items), its rules and retake policy, and the button that starts it — or why it
 * cannot start now, with the date. */
static int prestart_page(struct req *r, const struct exam *x, unsigned status, enum attempts_rc rc,
                         const struct attempts_started *st) {
  bool en = 0 == strcmp(r->lang, "en");
  const char *title = en && NULL != x->title_en ? x->title_en : x->title;
  enum time_zone zone = page_zone_for(page_zone(r), x);
  struct html *h = html_new();
  if (NULL == h) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  layout_begin(h, r, L(r, "exam.pre_title"));
  HTML_LIT(h, "<h1>");
  html_text_sub(h, L(r, "exam.pre_heading"), "title", title, NULL);
  HTML_LIT(h, "</h1>");
  if (ATTEMPTS_OK != rc) {
    start_refusal(h, r, rc, st, zone);
  }
  size_t nitems = 0;
  for (size_t u = 0; u < x->nunits; u++) {
    for (size_t p = 0; p < x->units[u].npools; p++) {
      nitems += (size_t)x->units[u].pools[p].draw;
    }
  }
  char buf[64], buf2[64];
  HTML_LIT(h, "<dl class=\"facts\">");
  fact(h, r, "exam.pre_scheme", x->scheme);
  snprintf(buf, sizeof(buf), "%ld", x->duration_minutes);
  HTML_LIT(h, "<dt>");
  html_text(h, L(r, "exam.pre_duration"));
  HTML_LIT(h, "</dt><dd>");
  html_text_sub(h, L(r, "home.duration"), "minutes", buf, NULL);
  HTML_LIT(h, "</dd>");
  snprintf(buf, sizeof(buf), "%zu", nitems);
  fact(h, r, "exam.pre_items", buf);
  page_time(buf2, sizeof(buf2), r->now_ms + (int64_t)x->duration_minutes * 60000, zone, false);
  fact(h, r, "exam.pre_deadline_if_now", buf2);
  if (x->has_time_zone) {
    fact(h, r, "exam.pre_site_zone", time_zone_name(x->time_zone));
  }
  HTML_LIT(h, "<dt>");
  html_text(h, L(r, "exam.pre_attempts"));
  HTML_LIT(h, "</dt><dd>");
  snprintf(buf, sizeof(buf), "%zu", st->used + 1);
  snprintf(buf2, sizeof(buf2), "%ld", x->max_attempts);
  html_text_sub(h, L(r, "exam.pre_attempt_of"), "n", buf, "max", buf2, NULL);
  HTML_LIT(h, " ");
  snprintf(buf, sizeof(buf), "%ld", x->cooldown_days);
  html_text_sub(h, LN(r, "exam.pre_cooldown_rule", x->cooldown_days), "days", buf, NULL);
  HTML_LIT(h, "</dd></dl><h2>");
  html_text(h, L(r, "exam.pre_units"));
  HTML_LIT(h, "</h2><ul>");
  for (size_t u = 0; u < x->nunits; u++) {
    const struct exam_unit *unit = &x->units[u];
    snprintf(buf, sizeof(buf), "%ld", unit->cut_score);
    HTML_LIT(h, "<li>");
    html_text_sub(h, L(r, exam_unit_is_observed(unit) ? "exam.pre_unit_observed" : "exam.pre_unit"),
                  "code", unit->code, "title",
                  en && NULL != unit->title_en ? unit->title_en : unit->title, "cut", buf, NULL);
    HTML_LIT(h, "</li>");
  }
  HTML_LIT(h, "</ul><h2>");
  html_text(h, L(r, "exam.pre_rules"));
  HTML_LIT(h, "</h2><ul>");
  static const char *const rules[] = {"exam.pre_rule_clock", "exam.pre_rule_save",
                                      "exam.pre_rule_flag", "exam.pre_rule_submit"};
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
    html_fmt(h, "<li>%s</li>", L(r, rules[i]));
  }
  HTML_LIT(h, "</ul>");
  if (ATTEMPTS_OK == rc || ATTEMPTS_SESSION_CODE == rc) {
    html_fmt(h, "<form method=\"post\" class=\"card\" action=\"/exams/%s/start\">", x->id);
    layout_csrf_field(h, r);
    if (st->code_required && 0 == r->user->scope_schedule_id) {
      /* The schedule's session code, shown at the TUK on the day (a check-in code stands for
       * it). */
      html_fmt(h,
               "<p><label for=\"session_code\">%s</label> <input id=\"session_code\" "
               "name=\"session_code\" required autocomplete=\"off\" maxlength=\"32\"></p>",
               L(r, "exam.pre_session_code"));
    }
    html_fmt(h, "<p>%s</p><p><button type=\"submit\">%s</button> <a href=\"/\">%s</a></p></form>",
             L(r, "exam.pre_confirm_text"), L(r, "exam.pre_confirm"), L(r, "exam.pre_not_now"));
    /* The exam page's script is fetched now, while the clock does not run yet, so that the
     * exam page itself brings only its HTML (its style sheet is this page's too). */
    layout_prefetch_script(h, EXAM_SCRIPT);
  }
  layout_end(h, r);
  return layout_reply(r, status, h);
}

int h_page_exam_prestart(struct req *r) {
  struct attempts_started st;
  enum attempts_rc rc =
      r->user->scope_schedule_id > 0
          ? attempts_start_checked_in(&st, r->svc, r->user->id, r->params[0],
                                      r->user->scope_schedule_id, false, r->now_ms)
          : attempts_start_check(&st, r->svc, r->user->id, r->params[0], r->now_ms);
  const struct exam *x =
      NULL != r->svc->catalog ? catalog_current(r->svc->catalog, r->params[0]) : NULL;
  if (ATTEMPTS_EXAM_NOT_FOUND == rc || (ATTEMPTS_OK == rc && NULL == x)) {
    return not_found(r);
  }
  if (ATTEMPTS_OK == rc && st.id > 0) {
    return redirect_attempt(r, st.id); /* the clock already runs: straight back to it */
  }
  switch (rc) {
  case ATTEMPTS_OK:
  case ATTEMPTS_LIMIT:
  case ATTEMPTS_ALREADY_COMPETENT:
  case ATTEMPTS_AWAITING_REVIEW:
  case ATTEMPTS_COOLDOWN:
  case ATTEMPTS_NOT_ELIGIBLE:
  case ATTEMPTS_WINDOW_NOT_OPEN:
  case ATTEMPTS_WINDOW_CLOSED:
    return NULL != x ? prestart_page(r, x, 200, rc, &st) : not_found(r);
  default:
    return attempts_failed(r, rc);
  }
}

int h_page_exam_start(struct req *r) {
  /* The API's start: retake policy, form draw, or the open attempt resumed. */
  struct attempts_started st;
  /* A check-in session starts from its schedule; its code stands for the session code. */
  enum attempts_rc rc = r->user->scope_schedule_id > 0
                            ? attempts_start_checked_in(&st, r->svc, r->user->id, r->params[0],
                                                        r->user->scope_schedule_id, true, r->now_ms)
                            : attempts_start_coded(&st, r->svc, r->user->id, r->params[0],
                                                   req_form(r, "session_code"), r->now_ms);
  const struct exam *x =
      NULL != r->svc->catalog ? catalog_current(r->svc->catalog, r->params[0]) : NULL;
  switch (rc) {
  case ATTEMPTS_OK:
    return redirect_attempt(r, st.id);
  case ATTEMPTS_EXAM_NOT_FOUND:
    return not_found(r);
  case ATTEMPTS_LIMIT:
  case ATTEMPTS_ALREADY_COMPETENT:
  case ATTEMPTS_AWAITING_REVIEW:
  case ATTEMPTS_COOLDOWN:
  case ATTEMPTS_NOT_ELIGIBLE:
  case ATTEMPTS_WINDOW_NOT_OPEN:
  case ATTEMPTS_WINDOW_CLOSED:
  case ATTEMPTS_SESSION_CODE:
    /* Refused: the pre-start page says why, with the date a retake may start. */
    return NULL != x ? prestart_page(r, x, ATTEMPTS_NOT_ELIGIBLE == rc ? 403 : 409, rc, &st)
                     : not_found(r);
  case ATTEMPTS_EXAM_VERSION_MISSING:
    return reply_error(r, ERR_INTERNAL, NULL);
  default:
    return attempts_failed(r, rc);
  }
}

/* ------------------------------------------------------------------ the exam page */

/* What the exam and review pages are built from: the attempt's form, its candidate view,
 * the saved answers (unless the page shows others) and the page being written. */
/* Whether form draws an evidence item (the page then loads the upload script). */
static bool form_has_evidence(const struct exam_form *form) {
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      if (EXAM_ITEM_EVIDENCE == form->units[u].items[i].item->type) {
        return true;
      }
    }
  }
  return false;
}

struct page {
  struct exam_form *form;
  json_t *view;
  json_t *answers;
  json_t *flags; /* item id -> true: flagged for review */
  struct html *h;
};

static void page_free(struct page *p) {
  html_free(p->h);
  json_decref(p->view);
  json_decref(p->answers);
  json_decref(p->flags);
  exam_form_free(p->form);
  memset(p, 0, sizeof *p);
}

/* Loads p for attempt a, with the saved answers when with_answers: 0, or -1 after answering
 * (nothing is left to free). */
static int page_load(struct req *r, const struct store_attempt *a, bool with_answers,
                     struct page *p) {
  memset(p, 0, sizeof *p);
  if (0 != attempt_form(r, a, &p->form)) {
    return -1;
  }
  enum attempts_rc rc =
      with_answers ? attempts_answers_json(&p->answers, r->svc, a->id) : ATTEMPTS_OK;
  if (ATTEMPTS_OK == rc) {
    rc = attempts_flags_json(&p->flags, r->svc, a->id);
  }
  if (ATTEMPTS_OK != rc) {
    page_free(p);
    attempts_failed(r, rc);
    return -1;
  }
  p->view = exam_form_candidate_json(p->form);
  p->h = NULL != p->view ? html_new() : NULL;
  if (NULL == p->h) {
    page_free(p);
    reply_error(r, ERR_INTERNAL, NULL);
    return -1;
  }
  return 0;
}

/* Ends p's page and answers with it (status); frees p. */
static int page_send(struct req *r, struct page *p, unsigned status) {
  struct html *h = p->h;
  p->h = NULL;
  layout_end(h, r);
  page_free(p);
  return layout_reply(r, status, h);
}

/* Builds the candidate view and the saved answers and renders the page with status. */
static int exam_page(struct req *r, const struct store_attempt *a, unsigned status,
                     const json_t *answers_override, const struct exam_refusal *refused,
                     bool saved) {
  struct page p;
  if (0 != page_load(r, a, NULL == answers_override, &p)) {
    return 0;
  }
  struct exam_view v = {.attempt_id = a->id,
                        .open = attempts_is_open(a),
                        .deadline_ms = a->deadline_ms,
                        .remaining_s = attempts_remaining_s(a, r->now_ms),
                        .form = p.view,
                        .answers = NULL != answers_override ? answers_override : p.answers,
                        .errors = NULL != refused ? refused->errors : NULL,
                        .typed = NULL != refused ? refused->typed : NULL,
                        .flags = p.flags,
                        .zone = page_zone_for(page_zone(r), p.form->exam),
                        .saved_notice = saved,
                        .has_evidence = form_has_evidence(p.form)};
  bool en = 0 == strcmp(r->lang, "en");
  const char *title = json_string_value(json_object_get(p.view, en ? "title_en" : "title"));
  char page_title[300];
  snprintf(page_title, sizeof(page_title), "%s", NULL != title ? title : a->exam_id);
  layout_begin_script(p.h, r, page_title, EXAM_SCRIPT);
  if (v.open && v.has_evidence) {
    /* the upload script's texts; exam.js loads the script itself once an evidence item is
     * touched or an upload waits to be resumed, so a first visit does not pay for it */
    json_t *strings = i18n_subset(r->lang, "upload.");
    if (NULL != strings) {
      html_json_script(p.h, "upload-strings", strings);
    }
    json_decref(strings);
  }
  render_exam(p.h, r, &v);
  return page_send(r, &p, status);
}

int h_page_attempt(struct req *r) {
  struct store_attempt a;
  if (0 != own_attempt(r, &a)) {
    return 0;
  }
  const char *saved = req_query(r, "saved");
  int ret = exam_page(r, &a, 200, NULL, NULL, NULL != saved && 0 == strcmp(saved, "1"));
  store_attempt_clear(&a);
  return ret;
}

/* ------------------------------------------------------------------ no-JavaScript save */

/* Every value of a repeated form field. */
static size_t form_values(const struct kv_list *kv, const char *name, const char **out,
                          size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < kv->count && n < max; i++) {
    if (0 == strcmp(kv->items[i].name, name)) {
      out[n++] = kv->items[i].value;
    }
  }
  return n;
}

static bool blank(const char *s) {
  for (; NULL != s && '\0' != *s; s++) {
    if (' ' != *s && '\t' != *s && '\r' != *s && '\n' != *s) {
      return false;
    }
  }
  return true;
}

/* The catalogue key of why a typed number was refused. */
static const char *number_err_key(enum numeric_rc rc) {
  switch (rc) {
  case NUMERIC_AMBIGUOUS:
    return "exam.js_number_ambiguous";
  case NUMERIC_SEPARATORS:
    return "exam.js_number_separators";
  case NUMERIC_TOO_LONG:
    return "exam.js_number_too_long";
  default:
    return "exam.js_number_not_digits";
  }
}

/* The answer the form fields give for one item: a new JSON value (json null = no answer),
 * or NULL with *err_key set when the fields cannot be an answer (and *typed the text typed,
 * when it is worth showing back). */
static json_t *answer_from_fields(const struct kv_list *kv, const struct form_item *fi,
                                  size_t position, const char **err_key, const char **typed) {
  const struct exam_item *it = fi->item;
  char name[64];
  const char *vals[16];
  snprintf(name, sizeof(name), "q%zu", position);
  size_t n = form_values(kv, name, vals, sizeof(vals) / sizeof(vals[0]));
  switch (it->type) {
  case EXAM_ITEM_SINGLE:
    return 0 == n || blank(vals[0]) ? json_null() : json_string(vals[0]);
  case EXAM_ITEM_MULTIPLE: {
    if (0 == n) {
      return json_null();
    }
    json_t *arr = json_array();
    for (size_t i = 0; NULL != arr && i < n; i++) {
      json_array_append_new(arr, json_string(vals[i]));
    }
    return arr;
  }
  case EXAM_ITEM_TRUEFALSE:
    if (0 == n || blank(vals[0])) {
      return json_null();
    }
    if (0 == strcmp(vals[0], "true") || 0 == strcmp(vals[0], "false")) {
      return json_boolean(0 == strcmp(vals[0], "true"));
    }
    *err_key = "err.bad_answer";
    return NULL;
  case EXAM_ITEM_NUMERIC: {
    if (0 == n || blank(vals[0])) {
      return json_null();
    }
    /* The core's one reader of typed numbers ("30.000", "2,5"); what it refuses is shown
     * back as typed, marked invalid with its reason. */
    double x = 0.0;
    enum numeric_rc nrc = numeric_parse(&x, vals[0], strlen(vals[0]), score_item_whole(it));
    if (NUMERIC_OK != nrc) {
      *err_key = number_err_key(nrc);
      *typed = vals[0];
      return NULL;
    }
    return json_real(x);
  }
  case EXAM_ITEM_SHORT:
  case EXAM_ITEM_OPEN:
    return 0 == n || blank(vals[0]) ? json_null() : json_string(vals[0]);
  case EXAM_ITEM_ORDERING: {
    /* Positions 1..k per option; all empty = no answer; else a complete permutation. */
    size_t k = fi->noptions;
    const char *by_pos[16] = {0};
    size_t filled = 0;
    if (k > 16) {
      *err_key = "err.bad_answer";
      return NULL;
    }
    for (size_t o = 0; o < k; o++) {
      const char *pv[1];
      snprintf(name, sizeof(name), "q%zu.%s", position, fi->options[o]->id);
      if (0 == form_values(kv, name, pv, 1) || blank(pv[0])) {
        continue;
      }
      char *end = NULL;
      long pos = strtol(pv[0], &end, 10);
      if ('\0' != *end || pos < 1 || (size_t)pos > k || NULL != by_pos[pos - 1]) {
        *err_key = "exam.err_order";
        return NULL;
      }
      by_pos[pos - 1] = fi->options[o]->id;
      filled++;
    }
    if (0 == filled) {
      return json_null();
    }
    if (filled != k) {
      *err_key = "exam.err_order";
      return NULL;
    }
    json_t *arr = json_array();
    for (size_t p = 0; NULL != arr && p < k; p++) {
      json_array_append_new(arr, json_string(by_pos[p]));
    }
    return arr;
  }
  case EXAM_ITEM_EVIDENCE: /* files come through the upload API alone */
    break;
  }
  *err_key = "err.bad_answer";
  return NULL;
}

/* The item at position (1-based, in page order) of form, or NULL. */
static const struct form_item *item_at(const struct exam_form *form, int64_t position) {
  for (size_t u = 0; u < form->nunits && position > 0; u++) {
    if ((size_t)position <= form->units[u].nitems) {
      return &form->units[u].items[position - 1];
    }
    position -= (int64_t)form->units[u].nitems;
  }
  return NULL;
}

/* The answers the form changes: item ids (borrowed) and their JSON texts (owned). */
struct changed_answers {
  const char **items;
  char **values;
  size_t n;
};

int h_page_attempt_save(struct req *r) {
  struct store_attempt a;
  struct exam_form *form = NULL;
  struct kv_list kv = {0};
  json_t *answers = NULL, *errors = NULL, *typed = NULL;
  struct changed_answers sc = {0};
  int ret = 0;
  /* Judged by when the form's body completed (now), not by when the head arrived. */
  r->now_ms = clock_wall_ms();
  if (0 != own_attempt(r, &a)) {
    return 0;
  }
  enum attempts_rc rc = attempts_accepts_answers(&a);
  if (ATTEMPTS_OK != rc) {
    ret = refuse(r, 409, ATTEMPTS_DEADLINE == rc ? "attempt_deadline" : "attempt_closed", NULL);
    goto cleanup;
  }
  if (0 != attempt_form(r, &a, &form)) {
    goto cleanup;
  }
  if (PARSE_OK != parse_urlencoded(&kv, NULL != r->body ? r->body : "", r->body_len,
                                   (size_t)r->svc->cfg->form_max_fields)) {
    ret = refuse(r, 400, "bad_request", NULL);
    goto cleanup;
  }
  rc = attempts_answers_json(&answers, r->svc, a.id);
  errors = json_object();
  typed = json_object();
  size_t total = exam_form_item_count(form);
  sc.items = calloc(total + 1, sizeof(*sc.items));
  sc.values = calloc(total + 1, sizeof(*sc.values));
  if (ATTEMPTS_OK != rc || NULL == errors || NULL == typed || NULL == sc.items ||
      NULL == sc.values) {
    ret = ATTEMPTS_OK != rc ? attempts_failed(r, rc) : reply_error(r, ERR_INTERNAL, NULL);
    goto cleanup;
  }
  size_t position = 0; /* 1-based, as the page numbers the fields */
  for (size_t u = 0; u < form->nunits; u++) {
    for (size_t i = 0; i < form->units[u].nitems; i++) {
      const struct form_item *fi = &form->units[u].items[i];
      const char *id = fi->item->id;
      const char *err_key = NULL, *typed_text = NULL;
      char reason[160];
      if (EXAM_ITEM_EVIDENCE == fi->item->type) { /* files come through the upload API */
        ++position;
        continue;
      }
      json_t *value = answer_from_fields(&kv, fi, ++position, &err_key, &typed_text);
      if (NULL == value) {
        json_object_set_new(errors, id,
                            json_string(L(r, NULL != err_key ? err_key : "err.bad_answer")));
        if (NULL != typed_text) {
          json_object_set_new(typed, id, json_string(typed_text));
        }
        continue;
      }
      const json_t *stored = json_object_get(answers, id);
      bool same =
          (NULL == stored && json_is_null(value)) || (NULL != stored && json_equal(stored, value));
      char *text = NULL;
      if (!same && ATTEMPTS_OK !=
                       attempts_answer_text(&text, NULL, fi->item, value, reason, sizeof(reason))) {
        json_object_set_new(errors, id, json_string(L(r, "err.bad_answer")));
      } else if (!same) {
        sc.items[sc.n] = id;
        sc.values[sc.n++] = text;
      }
      json_decref(value);
    }
  }
  rc = attempts_save_many(r->svc, a.id, sc.items, sc.values, sc.n, r->now_ms);
  if (ATTEMPTS_DEADLINE == rc || ATTEMPTS_CLOSED == rc) {
    ret = refuse(r, 409, "attempt_deadline", NULL);
    goto cleanup;
  }
  if (ATTEMPTS_OK != rc) {
    ret = attempts_failed(r, rc);
    goto cleanup;
  }
  /* The no-JS flag button (the item's position, as fields are named): the answers are saved
   * above, then the flag flips. */
  const char *flag_pos = req_form(r, "flag"), *unflag_pos = req_form(r, "unflag");
  const char *flag_item = NULL;
  if (NULL != flag_pos || NULL != unflag_pos) {
    int64_t pos = 0;
    const struct form_item *fi =
        parse_id(NULL != flag_pos ? flag_pos : unflag_pos, &pos) ? item_at(form, pos) : NULL;
    flag_item = NULL != fi ? fi->item->id : "";
    rc = NULL == fi
             ? ATTEMPTS_ITEM_NOT_IN_FORM
             : attempts_flag(r->svc, r->user->id, a.id, flag_item, NULL != flag_pos, r->now_ms);
    if (ATTEMPTS_ITEM_NOT_IN_FORM == rc) {
      ret = refuse(r, 400, "item_not_in_form", NULL);
      goto cleanup;
    }
    if (ATTEMPTS_OK != rc) {
      ret = ATTEMPTS_DEADLINE == rc || ATTEMPTS_CLOSED == rc
                ? refuse(r, 409, "attempt_deadline", NULL)
                : attempts_failed(r, rc);
      goto cleanup;
    }
  }
  if (json_object_size(errors) > 0) {
    int64_t id = a.id;
    store_attempt_clear(&a);
    if (0 == own_attempt_id(r, id, &a)) {
      const struct exam_refusal refused = {errors, typed};
      ret = exam_page(r, &a, 400, NULL, &refused, false);
    }
    goto cleanup;
  }
  const char *go = req_form(r, "go");
  char where[192];
  if (NULL != go && 0 == strcmp(go, "review")) {
    snprintf(where, sizeof(where), "/attempts/%" PRId64 "/review", a.id);
  } else if (NULL != flag_item) {
    snprintf(where, sizeof(where), "/attempts/%" PRId64 "?saved=1#item-%s", a.id, flag_item);
  } else {
    snprintf(where, sizeof(where), "/attempts/%" PRId64 "?saved=1", a.id);
  }
  ret = reply_redirect(r, where);
cleanup:
  for (size_t i = 0; NULL != sc.values && i < sc.n; i++) {
    free(sc.values[i]);
  }
  free(sc.values);
  free(sc.items);
  json_decref(answers);
  json_decref(errors);
  json_decref(typed);
  kv_list_free(&kv);
  exam_form_free(form);
  store_attempt_clear(&a);
  return ret;
}

/* ------------------------------------------------------------------ review and submit */

/* Where a closed attempt is shown: the candidate's page, or for a check-in session (which
 * reaches only this attempt) the attempt itself. */
static void closed_page(char *out, size_t len, const struct req *r, int64_t id) {
  if (r->user->scope_schedule_id > 0) {
    snprintf(out, len, "/attempts/%" PRId64, id);
  } else {
    snprintf(out, len, "/me");
  }
}

static int review_page(struct req *r, const struct store_attempt *a, unsigned status,
                       bool confirm_missing) {
  struct page p;
  if (0 != page_load(r, a, true, &p)) {
    return 0;
  }
  /* The heading, then the time left: the clock still runs while the answers are reviewed. */
  layout_begin_script(p.h, r, L(r, "exam.review_title"), EXAM_SCRIPT);
  exam_root(p.h, r, a->id, attempts_remaining_s(a, r->now_ms), a->deadline_ms, true, NULL);
  HTML_LIT(p.h, "<h1>");
  html_text(p.h, L(r, "exam.review_title"));
  HTML_LIT(p.h, "</h1>");
  timer_bar(p.h, r, a->deadline_ms, attempts_remaining_s(a, r->now_ms),
            page_zone_for(page_zone(r), p.form->exam));
  HTML_LIT(p.h, "</div>");
  render_review(p.h, r, a->id, p.view, p.answers, p.flags, req_query(r, "flags"), confirm_missing);
  return page_send(r, &p, status);
}

int h_page_attempt_review(struct req *r) {
  struct store_attempt a;
  if (0 != own_attempt(r, &a)) {
    return 0;
  }
  char closed[64];
  closed_page(closed, sizeof closed, r, a.id);
  int ret = attempts_is_open(&a) ? review_page(r, &a, 200, false) : reply_redirect(r, closed);
  store_attempt_clear(&a);
  return ret;
}

int h_page_attempt_submit(struct req *r) {
  struct store_attempt a;
  int ret = 0;
  r->now_ms = clock_wall_ms(); /* as a save: the time the body completed */
  if (0 != own_attempt(r, &a)) {
    return 0;
  }
  char where[96];
  snprintf(where, sizeof(where), "/me?submitted=%" PRId64 "#attempt-%" PRId64, a.id, a.id);
  if (r->user->scope_schedule_id > 0) {
    closed_page(where, sizeof where, r, a.id);
  }
  if (!attempts_is_open(&a)) {
    ret = reply_redirect(r, where);
    goto cleanup;
  }
  const char *confirm = req_form(r, "confirm");
  if (NULL == confirm || 0 != strcmp(confirm, "yes")) {
    ret = review_page(r, &a, 400, true);
    goto cleanup;
  }
  /* The API's submit: scores, commits, and issues the certificate on K. */
  enum attempts_rc rc = attempts_finish(r->svc, a.id, r->now_ms, true);
  if (ATTEMPTS_EXAM_VERSION_MISSING == rc) {
    rc = ATTEMPTS_INTERNAL;
  }
  ret = ATTEMPTS_OK == rc ? reply_redirect(r, where) : attempts_failed(r, rc);
cleanup:
  store_attempt_clear(&a);
  return ret;
}
