/*
 * The observation sheet page (FR.IA.01) for the assessor's tablet: per KUK of each
 * observation unit observed / not observed and notes, one small form each. Without
 * JavaScript each form posts to its page route, which forwards it to the JSON API. With
 * static/observe.js every save is first queued on the device and then sent, so the sheet
 * keeps working while the test site's connection drops (the API orders saves by the time
 * they were recorded and ignores repeats, so the queue may be replayed safely).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/observation.h"
#include "http/presented.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/i18n.h"
#include "http/layout.h"
#include "http/layout_reply.h"
#include "http/reply.h"
#include "http/requtil.h"
#include "ujikom/b64.h"

/* A fresh save id for a form without JavaScript: 12 random bytes in base64url. */
static void fresh_op(char out[24]) {
  unsigned char raw[12];
  if (1 != RAND_bytes(raw, sizeof raw) || 0 == b64_encode(out, 24, raw, sizeof raw, B64_URL)) {
    snprintf(out, 24, "op-fallback-id");
  }
}

/* The unit's outcome line, which the script keeps up to date. */
static void unit_outcome(struct html *h, const struct req *r, const struct exam_unit *unit,
                         const struct observation_sheet *sh) {
  json_t *marks = json_object();
  size_t observed = 0, missing = 0;
  for (size_t i = 0; NULL != marks && i < sh->nrecords; i++) {
    if (0 == strcmp(sh->records[i].unit_code, unit->code)) {
      json_object_set_new(marks, sh->records[i].kuk_id, json_boolean(sh->records[i].observed));
    }
  }
  enum verdict v = observation_unit_verdict(unit, marks, &observed, &missing);
  json_decref(marks);
  html_fmt(h, "<p class=\"unit-verdict\" role=\"status\" data-unit-verdict=\"%s\">%s: ",
           verdict_name(v), L(r, "obs.unit_outcome"));
  html_fmt(h, "<strong>%s</strong> ", layout_verdict_text(r, v));
  char counts[64];
  snprintf(counts, sizeof counts, "%zu", observed);
  char total[32];
  snprintf(total, sizeof total, "%zu", exam_unit_kuk_count(unit));
  HTML_LIT(h, "<span class=\"unit-count\">");
  html_text_sub(h, L(r, "obs.count"), "observed", counts, "total", total, NULL);
  HTML_LIT(h, "</span></p>");
}

/* The photos of one KUK, each a link to the file, and (for who may record, with the script:
 * static/observe.js shows it) the camera: taken photos wait on the tablet while it is
 * offline and go through the resumable upload once the connection is back. */
static void kuk_photos(struct html *h, const struct req *r, const struct observation_sheet *sh,
                       const struct exam_unit *unit, const struct exam_kuk *kuk, size_t n) {
  int64_t attempt = sh->s.att.id;
  HTML_LIT(h, "<div class=\"obs-photos\"");
  html_attr(h, "data-unit", unit->code);
  html_attr(h, "data-kuk", kuk->id);
  if (sh->may_record) {
    char api[240];
    snprintf(api, sizeof api, "/api/reviews/%" PRId64 "/observations/%s/%s/photos", attempt,
             unit->code, kuk->id);
    html_attr(h, "data-api", api);
  }
  HTML_LIT(h, "><ul class=\"photo-list\">");
  for (size_t i = 0; i < sh->nphotos; i++) {
    const struct store_observation_photo *p = &sh->photos[i];
    if (0 != strcmp(p->unit_code, unit->code) || 0 != strcmp(p->kuk_id, kuk->id)) {
      continue;
    }
    /* the id and a hash of 64 hex digits: nothing to escape */
    html_fmt(h,
             "<li><a href=\"/api/attempts/%" PRId64 "/observation/%s\" target=\"_blank\" "
             "rel=\"noopener\">",
             attempt, p->sha256);
    html_text(h, p->name);
    html_fmt(h, "</a> <code class=\"sha256\">%s</code></li>", p->sha256);
  }
  HTML_LIT(h, "</ul>");
  if (sh->may_record) {
    html_fmt(h, "<p class=\"photo-pick\" hidden><label for=\"k%zu-photo\">%s</label> ", n,
             L(r, "obs.photo_take"));
    html_fmt(h,
             "<input type=\"file\" id=\"k%zu-photo\" accept=\"image/*\" "
             "capture=\"environment\"></p>",
             n);
  }
  HTML_LIT(h, "</div>");
}

/* One KUK's form. */
static void kuk_form(struct html *h, const struct req *r, const struct observation_sheet *sh,
                     const struct exam_unit *unit, const struct exam_kuk *kuk, size_t n) {
  const struct store_observation *o = NULL;
  for (size_t i = 0; i < sh->nrecords; i++) {
    if (0 == strcmp(sh->records[i].unit_code, unit->code) &&
        0 == strcmp(sh->records[i].kuk_id, kuk->id)) {
      o = &sh->records[i];
    }
  }
  char action[200], api[220], next[96], id[32], op[24], now[24];
  int64_t attempt = sh->s.att.id;
  snprintf(action, sizeof action, "/review/%" PRId64 "/observations/%s/%s", attempt, unit->code,
           kuk->id);
  snprintf(api, sizeof api, "/api/reviews/%" PRId64 "/observations/%s/%s", attempt, unit->code,
           kuk->id);
  snprintf(next, sizeof next, "/review/%" PRId64 "/observations?notice=observation_saved", attempt);
  HTML_LIT(h, "<form class=\"obs-kuk card\" method=\"post\"");
  html_attr_url(h, "action", action);
  html_attr(h, "data-api", api);
  html_attr(h, "data-unit", unit->code);
  html_attr(h, "data-kuk", kuk->id);
  HTML_LIT(h, ">");
  layout_csrf_field(h, r);
  html_hidden(h, LAYOUT_FORM_NEXT, next);
  fresh_op(op);
  snprintf(now, sizeof now, "%" PRId64, r->now_ms);
  html_hidden(h, "op", op);
  html_hidden(h, "#recorded_at", now);
  HTML_LIT(h, "<fieldset><legend>");
  html_text(h, kuk->id);
  HTML_LIT(h, " ");
  html_text(h, kuk->text);
  HTML_LIT(h, "</legend>");
  for (int yes = 1; yes >= 0; yes--) {
    snprintf(id, sizeof id, "k%zu-%d", n, yes);
    html_fmt(h, "<label class=\"choice\" for=\"%s\"><input type=\"radio\" required id=\"%s\"", id,
             id);
    html_fmt(h, " name=\"!observed\" value=\"%s\"", yes ? "true" : "false");
    if (NULL != o && o->observed == (1 == yes)) {
      HTML_LIT(h, " checked");
    }
    if (!sh->may_record) {
      HTML_LIT(h, " disabled");
    }
    html_fmt(h, "> %s</label>", yes ? L(r, "obs.observed") : L(r, "obs.not_observed"));
  }
  HTML_LIT(h, "</fieldset>");
  snprintf(id, sizeof id, "k%zu-notes", n);
  html_labelled(h, id, L(r, "obs.notes"), "<textarea rows=\"2\" maxlength=\"2000\"", "notes");
  if (!sh->may_record) {
    HTML_LIT(h, " disabled");
  }
  HTML_LIT(h, ">");
  if (NULL != o) {
    html_text(h, o->notes);
  }
  HTML_LIT(h, "</textarea><p class=\"kuk-actions\">");
  if (sh->may_record) {
    html_fmt(h, "<button type=\"submit\">%s</button> ", L(r, "obs.save"));
  }
  html_fmt(h, "<span class=\"kuk-state\" aria-live=\"polite\" data-state=\"%s\">%s</span>",
           NULL != o ? "saved" : "none", NULL != o ? L(r, "obs.js_saved") : L(r, "obs.unrecorded"));
  HTML_LIT(h, "</p></form>");
  kuk_photos(h, r, sh, unit, kuk, n);
}

/* The script's texts, named without their "obs.js_" prefix. */
static void script_strings(struct html *h, const struct req *r) {
  json_t *strings = i18n_subset(r->lang, "obs.js_"), *named = json_object();
  const char *key;
  json_t *text;
  json_object_foreach(strings, key, text) {
    json_object_set(named, key + strlen("obs.js_"), text);
  }
  json_object_set_new(named, "K", json_string(layout_verdict_text(r, VERDICT_K)));
  json_object_set_new(named, "BK", json_string(layout_verdict_text(r, VERDICT_BK)));
  json_object_set_new(named, "PENDING", json_string(layout_verdict_text(r, VERDICT_PENDING)));
  if (NULL != named) {
    html_json_script(h, "obs-strings", named);
  }
  json_decref(named);
  json_decref(strings);
}

/* GET /review/:attempt/observations */
int h_page_observation(struct req *r) {
  struct observation_sheet sh;
  struct observation_err err;
  int64_t id = 0;
  if (!parse_id(r->params[0], &id)) {
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  }
  enum observation_rc rc = observation_sheet_load(&sh, r->svc, id, r->user->id,
                                                  ROLE_ADMIN == r->user->role, r->now_ms, &err);
  if (OBSERVATION_OK != rc) {
    return reply_observation(r, rc, &err, __func__);
  }
  struct html *h = layout_page_new(r, "obs.title", "static/observe.js");
  if (NULL == h) {
    observation_sheet_free(&sh);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  const struct exam *x = sh.s.exam;
  HTML_LIT(h, "<p class=\"lead\">");
  html_text(h, 0 == strcmp(r->lang, "en") ? x->title_en : x->title);
  if (!sh.hide_candidate) {
    HTML_LIT(h, " · ");
    html_text(h, sh.s.candidate.name);
  }
  HTML_LIT(h, "</p><div id=\"observation-sheet\"");
  char attempt[24];
  snprintf(attempt, sizeof attempt, "%" PRId64, id);
  html_attr(h, "data-attempt", attempt);
  char csrf[SESSION_CSRF_LEN + 1];
  html_attr(h, "data-csrf", presented_csrf(r, csrf));
  html_attr(h, "data-may-record", sh.may_record ? "1" : "0");
  HTML_LIT(h, ">");
  script_strings(h, r);
  html_fmt(h, "<p>%s</p>", sh.may_record ? L(r, "obs.intro") : L(r, "obs.read_only"));
  HTML_LIT(h, "<p id=\"sync-status\" class=\"notice\" role=\"status\" aria-live=\"polite\" "
              "hidden></p>");
  size_t n = 0;
  for (size_t u = 0; u < x->nunits; u++) {
    const struct exam_unit *unit = &x->units[u];
    if (!exam_unit_is_observed(unit)) {
      continue;
    }
    HTML_LIT(h, "<section class=\"obs-unit\"");
    html_attr(h, "data-unit", unit->code);
    HTML_LIT(h, "><h2>");
    html_text(h, unit->code);
    HTML_LIT(h, " — ");
    html_text(h,
              0 == strcmp(r->lang, "en") && NULL != unit->title_en ? unit->title_en : unit->title);
    HTML_LIT(h, "</h2>");
    unit_outcome(h, r, unit, &sh);
    for (size_t e = 0; e < unit->nelements; e++) {
      HTML_LIT(h, "<h3>");
      html_text(h, unit->elements[e].title);
      HTML_LIT(h, "</h3>");
      for (size_t k = 0; k < unit->elements[e].nkuk; k++) {
        kuk_form(h, r, &sh, unit, &unit->elements[e].kuk[k], n++);
      }
    }
    HTML_LIT(h, "</section>");
  }
  HTML_LIT(h, "</div>");
  if (sh.may_record) { /* the photos' uploads: their texts and static/upload.js's sending */
    json_t *strings = i18n_subset(r->lang, "upload.");
    if (NULL != strings) {
      html_json_script(h, "upload-strings", strings);
    }
    json_decref(strings);
    layout_script(h, "static/upload.js");
  }
  char back[48];
  snprintf(back, sizeof back, "/review/%" PRId64, id);
  observation_sheet_free(&sh);
  return layout_reply_with_back(r, h, back);
}
