/*
 * Assessor pages: the queue of attempts awaiting review (filtered by exam, subsector and
 * who holds an entry), the review sheet of one attempt — every answer beside its key, each
 * open item's answer beside a sticky rubric with level descriptors, per-criterion comments
 * and the item's total, unit outcomes with override reasons, overall decision and feedback —
 * and marking by question: one open item, every candidate's answer in turn. What the pages
 * show and who may mark or decide come from the reviews module; the forms act through the
 * reviews API (see layout_api_form), and static/mark.js keeps totals and counters current.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "common/evidence.h"
#include "common/reviews.h"
#include "http/handlers.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/page_time.h"
#include "http/pager.h"
#include "store/store.h"
#include "ujikom/review.h"
#include "ujikom/exam_form.h"
#include "ujikom/person_name.h"
#include "ujikom/score.h"
#include "ujikom/utf8.h"

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

/* ------------------------------------------------------------------ names */

/* The display name of account id into buf, or "#id" when it cannot be read. buf holds a
 * whole name with PERSON_NAME_SIZE bytes; a smaller one gets the name cut between letters. */
static void user_name(struct store_rd *rd, int64_t id, char *buf, size_t len) {
  struct store_user u;
  memset(&u, 0, sizeof(u));
  if (NULL != rd && STORE_OK == store_user_by_id(rd, &u, id)) {
    size_t n = utf8_cut(u.name, strlen(u.name), len - 1);
    memcpy(buf, u.name, n);
    buf[n] = '\0';
  } else {
    snprintf(buf, len, "#%" PRId64, id);
  }
  memset(u.password_hash, 0, sizeof(u.password_hash));
}

/* ------------------------------------------------------------------ the queue */

/* A query parameter when it is short enough to be an id or code (longer ones match nothing
 * and are ignored), else NULL; "" counts as absent. */
static const char *query_code(const struct req *r, const char *name, size_t max) {
  const char *v = req_query(r, name);
  return NULL == v || '\0' == v[0] || strlen(v) > max ? NULL : v;
}

static void option(struct html *h, const char *value, const char *text, const char *chosen) {
  HTML_LIT(h, "<option");
  html_attr(h, "value", value);
  if (NULL != chosen && 0 == strcmp(chosen, value)) {
    HTML_LIT(h, " selected");
  }
  HTML_LIT(h, ">");
  html_text(h, text);
  HTML_LIT(h, "</option>");
}

/* The queue's filters: a GET form of the queue API's parameters. */
static void render_filters(struct html *h, const struct req *r, const char *exam,
                           const char *subsector, const char *state) {
  static const char *const states[][2] = {{"free", "review.state_free"},
                                          {"mine", "review.state_mine"},
                                          {"others", "review.state_others"},
                                          {"appeals", "review.state_appeals"}};
  const struct exam **list = NULL;
  size_t n = 0;
  bool en = 0 == strcmp(r->lang, "en");
  html_fmt(h,
           "<form method=\"get\" action=\"/review\" class=\"card filters\"><h2>%s</h2>"
           "<div class=\"grid\"><div><label for=\"f-exam\">%s</label><select id=\"f-exam\" "
           "name=\"exam\">",
           L(r, "review.filter_title"), L(r, "review.exam"));
  option(h, "", L(r, "review.filter_any"), exam);
  if (NULL != r->svc->catalog && 0 == catalog_list(r->svc->catalog, &list, &n)) {
    for (size_t i = 0; i < n; i++) {
      option(h, list[i]->id, en && NULL != list[i]->title_en ? list[i]->title_en : list[i]->title,
             exam);
    }
    free(list);
  }
  html_fmt(h,
           "</select></div><div><label for=\"f-sub\">%s</label><select id=\"f-sub\" "
           "name=\"subsector\">",
           L(r, "review.subsector"));
  option(h, "", L(r, "review.filter_any"), subsector);
  const struct exam_subsectors *subs =
      NULL == r->svc->catalog ? NULL : catalog_subsectors(r->svc->catalog);
  for (size_t i = 0; NULL != subs && i < subs->n; i++) {
    option(h, subs->items[i].code, en ? subs->items[i].name_en : subs->items[i].name_id, subsector);
  }
  html_fmt(h,
           "</select></div><div><label for=\"f-state\">%s</label><select id=\"f-state\" "
           "name=\"state\">",
           L(r, "review.state"));
  option(h, "", L(r, "review.filter_any"), state);
  for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
    option(h, states[i][0], L(r, states[i][1]), state);
  }
  html_fmt(h,
           "</select></div></div><p><button type=\"submit\">%s</button> <a href=\"/review\">%s"
           "</a></p></form>",
           L(r, "review.filter_apply"), L(r, "review.filter_clear"));
}

/* Links to marking by question: each open item of each exam in the (filtered) queue. */
static void render_by_item_links(struct html *h, const struct req *r,
                                 const struct reviews_queue_entry *q, size_t n) {
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) {
      seen = 0 == strcmp(q[j].exam_id, q[i].exam_id);
    }
    if (seen || NULL == q[i].exam) {
      continue;
    }
    for (size_t u = 0; u < q[i].exam->nunits; u++) {
      const struct exam_unit *unit = &q[i].exam->units[u];
      for (size_t p = 0; p < unit->npools; p++) {
        for (size_t k = 0; k < unit->pools[p].nitems; k++) {
          const struct exam_item *it = &unit->pools[p].items[k];
          if (!exam_item_is_open(it)) {
            continue;
          }
          if (!any) {
            html_fmt(h, "<section class=\"card\"><h2>%s</h2><p>%s</p><ul class=\"by-item\">",
                     L(r, "review.by_item_title"), L(r, "review.by_item_lead"));
            any = true;
          }
          html_fmt(h, "<li><a href=\"/marking/%s/%s\">", q[i].exam_id, it->id);
          html_text_sub(h, L(r, "review.by_item_link"), "item", it->id, "exam",
                        exam_title(r, q[i].exam_id, NULL), NULL);
          HTML_LIT(h, "</a></li>");
        }
      }
    }
  }
  if (any) {
    HTML_LIT(h, "</ul></section>");
  }
}

static const char *const queue_filters[] = {"exam", "subsector", "state", NULL};
static const struct pager queue_pager = {"/review", queue_filters, "after", NULL};

int h_page_review_queue(struct req *r) {
  struct store_rd *rd = NULL;
  struct reviews_queue_entry *q = NULL;
  struct reviews_queue_cursor next;
  struct reviews_err err;
  struct reviews_viewer viewer = {.id = r->user->id, .admin = ROLE_ADMIN == r->user->role};
  const char *exam = query_code(r, "exam", 40);
  const char *subsector = query_code(r, "subsector", 16);
  const char *state_name = query_code(r, "state", 16);
  struct reviews_queue_query query = {.exam_id = exam, .subsector = subsector};
  size_t kept = 0;
  if (!reviews_queue_state_parse(state_name, &query.state)) {
    state_name = NULL;
  }
  /* a cursor that is not one of ours starts from the first page */
  (void)reviews_queue_cursor_parse(query_code(r, "after", 40), &query.after);
  enum reviews_rc qrc = reviews_queue(&q, &kept, &next, r->svc, &viewer, &query, r->now_ms, &err);
  if (REVIEWS_STORE_FAILED == qrc) {
    return layout_store_error(r, err.store_rc);
  }
  if (REVIEWS_OK != qrc) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK != rc) {
    reviews_queue_free(q, kept);
    return layout_store_error(r, rc);
  }
  enum time_zone zone = page_zone(r);
  struct html *h = layout_page_new(r, "review.queue_title", NULL);
  if (NULL == h) {
    store_rd_end(rd);
    reviews_queue_free(q, kept);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  html_fmt(h, "<p>%s</p>", L(r, "review.queue_lead"));
  page_zone_form(h, r, zone, "/review");
  render_filters(h, r, exam, subsector, state_name);
  if (0 == kept) {
    html_fmt(h, "<p class=\"notice\">%s</p>", L(r, "review.queue_empty"));
  } else {
    static const char *const cols[] = {"review.candidate", "review.exam", "review.waiting_since",
                                       "review.holder"};
    layout_table_begin(h, r, true, cols, sizeof(cols) / sizeof(cols[0]));
    for (size_t i = 0; i < kept; i++) {
      char cand[PERSON_NAME_SIZE], holder[PERSON_NAME_SIZE], since[40];
      if (reviews_candidate_hidden(q[i].exam, q[i].appeal_id > 0, viewer.admin)) {
        snprintf(cand, sizeof(cand), "%s", L(r, "review.anonymous"));
      } else {
        user_name(rd, q[i].candidate_id, cand, sizeof(cand));
      }
      if (q[i].holder_id > 0) {
        user_name(rd, q[i].holder_id, holder, sizeof(holder));
      } else {
        snprintf(holder, sizeof(holder), "%s", L(r, "review.nobody"));
      }
      page_time(since, sizeof(since), q[i].since_ms, zone, false);
      html_fmt(h, "<tr><td><a href=\"/review/%lld\">", (long long)q[i].attempt_id);
      html_fmt(h, "%s #%lld</a>", L(r, "review.open_sheet"), (long long)q[i].attempt_id);
      if (q[i].appeal_id > 0) {
        html_fmt(h, " <span class=\"badge pending\">%s</span>", L(r, "review.appeal"));
      }
      HTML_LIT(h, "</td><td>");
      html_text(h, cand);
      HTML_LIT(h, "</td><td>");
      html_text(h, exam_title(r, q[i].exam_id, NULL));
      HTML_LIT(h, "</td><td>");
      html_text(h, since);
      HTML_LIT(h, "</td><td>");
      html_text(h, holder);
      HTML_LIT(h, "</td></tr>");
    }
    HTML_LIT(h, "</tbody></table></div>");
    if (ROLE_ASSESSOR == r->user->role) {
      render_by_item_links(h, r, q, kept);
    }
  }
  store_rd_end(rd);
  reviews_queue_free(q, kept);
  char cursor[REVIEWS_QUEUE_CURSOR_SIZE];
  reviews_queue_cursor_format(cursor, &next);
  pager_nav_text(h, r, &queue_pager, next.attempt_id > 0 ? cursor : NULL, "review.queue_pages");
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
  case EXAM_ITEM_EVIDENCE: /* the files themselves: render_evidence_files */
    snprintf(num, sizeof(num), "%zu", json_array_size(v));
    html_text_sub(h, L(r, "evidence.file_count"), "n", num, NULL);
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
  case EXAM_ITEM_EVIDENCE:
    break;
  }
}

/* A comment box of at most REVIEW_MAX_COMMENT characters with its hint and a counter that
 * mark.js keeps current. */
static void comment_box(struct html *h, const struct req *r, const char *fid, const char *field,
                        const char *label, const char *value, bool editable, bool large) {
  char count[24], max[24];
  snprintf(count, sizeof(count), "%zu", NULL == value ? (size_t)0 : strlen(value));
  snprintf(max, sizeof(max), "%d", REVIEW_MAX_COMMENT);
  html_fmt(h, "<label for=\"%s\">%s</label><textarea", fid, label);
  html_attr(h, "id", fid);
  html_attr(h, "name", field);
  html_fmt(h, " maxlength=\"%d\" rows=\"%d\" class=\"%s\" data-counter=\"n-%s\"",
           REVIEW_MAX_COMMENT, large ? 5 : 2, large ? "comment" : "note", fid);
  html_fmt(h, " aria-describedby=\"n-%s\"", fid);
  if (!editable) {
    HTML_LIT(h, " disabled");
  }
  HTML_LIT(h, ">");
  html_text(h, value);
  html_fmt(h, "</textarea><p class=\"hint counter\" id=\"n-%s\"", fid);
  html_attr(h, "data-template", L(r, "review.counter"));
  HTML_LIT(h, ">");
  html_text_sub(h, L(r, "review.counter"), "n", count, "max", max, NULL);
  HTML_LIT(h, "</p>");
}

/* A marking field is required while the viewer may mark, and disabled otherwise. */
static void input_state(struct html *h, bool editable) {
  if (editable) {
    HTML_LIT(h, " required");
  } else {
    HTML_LIT(h, " disabled");
  }
}

/* One criterion's choice: a radio per level descriptor, or a points field. */
static void criterion_input(struct html *h, const struct req *r, const struct exam_criterion *cr,
                            const char *field, const char *fid, const json_t *g, bool editable) {
  if (cr->nlevels > 0) {
    for (size_t l = 0; l < cr->nlevels; l++) {
      char pts[24];
      snprintf(pts, sizeof(pts), "%ld", cr->levels[l].points);
      HTML_LIT(h, "<label class=\"level\"><input type=\"radio\"");
      html_attr(h, "name", field);
      html_attr(h, "value", pts);
      html_fmt(h, " data-points=\"%ld\"", cr->levels[l].points);
      if (editable) {
        HTML_LIT(h, " required");
      } else {
        HTML_LIT(h, " disabled");
      }
      if (json_is_integer(g) && json_integer_value(g) == cr->levels[l].points) {
        HTML_LIT(h, " checked");
      }
      HTML_LIT(h, "><span><strong>");
      html_text_sub(h, LN(r, "review.level_points", cr->levels[l].points), "points", pts, NULL);
      HTML_LIT(h, "</strong> ");
      html_text(h, cr->levels[l].text);
      HTML_LIT(h, "</span></label>");
    }
    return;
  }
  char value[24] = "", max[24];
  snprintf(max, sizeof(max), "%ld", cr->max_points);
  if (json_is_integer(g)) {
    snprintf(value, sizeof(value), "%lld", (long long)json_integer_value(g));
  }
  html_fmt(h, "<label for=\"%s\">", fid);
  html_text_sub(h, L(r, "review.points_field"), "max", max, NULL);
  html_fmt(h,
           "</label><input type=\"number\" min=\"0\" step=\"1\" max=\"%ld\" "
           "data-max=\"%ld\"",
           cr->max_points, cr->max_points);
  html_attr(h, "id", fid);
  html_attr(h, "name", field);
  html_attr(h, "value", value);
  input_state(h, editable);
  HTML_LIT(h, ">");
}

/* The rubric of an open item beside its answer: per criterion its text, level choices (or a
 * points field) and a comment; the item's total and its comment. Field names start with
 * prefix ("items/<id>/" in the decision form, "" when one item's marks are saved alone);
 * given holds the marks shown ({"criteria", "notes", "comment"}, or NULL). */
static void render_rubric(struct html *h, const struct req *r, const struct exam_item *it,
                          const json_t *given, const char *prefix, bool editable) {
  const json_t *crit = json_object_get(given, "criteria");
  const json_t *notes = json_object_get(given, "notes");
  long total = 0;
  html_fmt(h, "<div class=\"mark-rubric\" role=\"group\" aria-labelledby=\"rh-%s\"", it->id);
  if (!editable) {
    /* the panel may scroll inside itself; with every field disabled the keyboard needs the
     * panel itself to reach what is below */
    HTML_LIT(h, " tabindex=\"0\"");
  }
  html_fmt(h, "><h4 id=\"rh-%s\">%s</h4>", it->id, L(r, "review.rubric"));
  for (size_t c = 0; c < it->nrubric; c++) {
    const struct exam_criterion *cr = &it->rubric[c];
    const json_t *g = json_object_get(crit, cr->id);
    char field[200], fid[200], max[24];
    snprintf(max, sizeof(max), "%ld", cr->max_points);
    total += json_is_integer(g) ? (long)json_integer_value(g) : 0;
    HTML_LIT(h, "<fieldset class=\"criterion\"><legend>");
    html_text(h, cr->text);
    HTML_LIT(h, " <span class=\"hint\">");
    html_text_sub(h, LN(r, "review.criterion_max", cr->max_points), "max", max, NULL);
    HTML_LIT(h, "</span></legend>");
    snprintf(field, sizeof(field), "#%scriteria/%s", prefix, cr->id);
    snprintf(fid, sizeof(fid), "m-%s-%s", it->id, cr->id);
    criterion_input(h, r, cr, field, fid, g, editable);
    snprintf(field, sizeof(field), "%snotes/%s", prefix, cr->id);
    snprintf(fid, sizeof(fid), "cn-%s-%s", it->id, cr->id);
    comment_box(h, r, fid, field, L(r, "review.criterion_comment"),
                json_string_value(json_object_get(notes, cr->id)), editable, false);
    HTML_LIT(h, "</fieldset>");
  }
  html_fmt(h, "<p class=\"mark-total\">%s <output class=\"item-total\">%ld</output> / %ld</p>",
           L(r, "review.item_total"), total, it->points);
  char field[200], fid[200];
  snprintf(field, sizeof(field), "%scomment", prefix);
  snprintf(fid, sizeof(fid), "c-%s", it->id);
  comment_box(h, r, fid, field, L(r, "review.comment"),
              json_string_value(json_object_get(given, "comment")), editable, true);
  HTML_LIT(h, "</div>");
}

/* The candidate's answer to an open item as a block (the essay keeps its paragraphs). */
/* The files of an evidence answer beside the rubric: images as their preview (a link to the
 * file), PDFs as a link that opens them, audio and video playable; each with its SHA-256. */
static void render_evidence_files(struct html *h, int64_t attempt_id, const json_t *files) {
  size_t i = 0;
  const json_t *f = NULL;
  HTML_LIT(h, "<ul class=\"evidence-files\">");
  json_array_foreach(files, i, f) {
    const char *sha = json_string_value(json_object_get(f, "sha256"));
    const char *name = json_string_value(json_object_get(f, "name"));
    const char *type = json_string_value(json_object_get(f, "type"));
    char url[160], preview[176];
    if (NULL == sha || NULL == name || NULL == type) {
      continue;
    }
    snprintf(url, sizeof(url), "/api/attempts/%" PRId64 "/evidence/%s", attempt_id, sha);
    snprintf(preview, sizeof(preview), "%s/preview", url);
    HTML_LIT(h, "<li class=\"evidence-file\">");
    if (0 == strncmp(type, "image/", 6)) {
      HTML_LIT(h, "<a");
      html_attr_url(h, "href", url);
      HTML_LIT(h, "><img loading=\"lazy\"");
      html_attr_url(h, "src", preview);
      html_attr(h, "alt", name);
      HTML_LIT(h, "></a>");
    } else if (0 == strncmp(type, "audio/", 6)) {
      HTML_LIT(h, "<audio controls preload=\"metadata\"");
      html_attr_url(h, "src", url);
      HTML_LIT(h, "></audio>");
    } else if (0 == strncmp(type, "video/", 6)) {
      HTML_LIT(h, "<video controls preload=\"metadata\"");
      html_attr_url(h, "src", url);
      HTML_LIT(h, "></video>");
    }
    HTML_LIT(h, "<p><a");
    html_attr_url(h, "href", url);
    HTML_LIT(h, " target=\"_blank\" rel=\"noopener\">");
    html_text(h, name);
    html_fmt(h, "</a> <span class=\"hint\">%s</span><br><code class=\"sha256\">%s</code></p></li>",
             type, sha);
  }
  HTML_LIT(h, "</ul>");
}

static void render_open_answer(struct html *h, const struct req *r, const struct exam_item *it,
                               const json_t *answers, int64_t attempt_id) {
  const json_t *v = json_object_get(answers, it->id);
  html_fmt(h, "<h4>%s</h4><div class=\"answer-text\">", L(r, "review.answer"));
  render_answer(h, r, it, v);
  if (EXAM_ITEM_EVIDENCE == it->type && json_array_size(v) > 0) {
    /* the files only to whom they may be served: an assessor once holding the attempt */
    const struct evidence_viewer viewer = {r->user->id, r->user->role};
    bool visible = false;
    if (EVIDENCE_OK == evidence_may_view(&visible, r->svc, &viewer, attempt_id, r->now_ms) &&
        visible) {
      render_evidence_files(h, attempt_id, v);
    } else {
      char href[64];
      snprintf(href, sizeof href, "/review/%" PRId64, attempt_id);
      HTML_LIT(h, "<p class=\"notice\">");
      html_text(h, L(r, "review.evidence_claim_first"));
      HTML_LIT(h, " ");
      html_link(h, href, L(r, "review.evidence_open_sheet"));
      HTML_LIT(h, "</p>");
    }
  }
  HTML_LIT(h, "</div>");
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

static void render_claim(struct html *h, const struct req *r, const struct reviews_sheet *s,
                         struct store_rd *rd, enum time_zone zone) {
  char until[40], holder[PERSON_NAME_SIZE];
  const struct store_claim *claim = s->has_claim ? &s->claim : NULL;
  bool live = reviews_claim_is_live(claim, r->now_ms);
  bool mine = reviews_claim_is_mine(claim, r->user->id, r->now_ms);
  if (live) {
    page_time(until, sizeof(until), s->claim.expires_ms, zone, false);
    user_name(rd, s->claim.assessor_id, holder, sizeof(holder));
    HTML_LIT(h, "<p class=\"notice\">");
    html_text_sub(h, L(r, mine ? "review.claimed_by_you" : "review.claimed_by_other"), "time",
                  until, "name", holder, NULL);
    HTML_LIT(h, "</p>");
  }
  enum reviews_kind kind = REVIEWS_FIRST_REVIEW;
  /* Only what may be done: nothing to take on a decided attempt or someone else's appeal. */
  if (ROLE_ASSESSOR != r->user->role || (live && !mine) ||
      REVIEWS_OK != reviews_assessor_may_decide(&kind, &s->att, s->has_appeal ? &s->appeal : NULL,
                                                r->user->id) ||
      REVIEWS_APPEAL == kind) {
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

/* The sheet's heading, the candidate (unless marking is blind) and exam, and the current
 * decision with the name of who made it. */
static void render_sheet_head(struct html *h, const struct req *r, const struct reviews_sheet *s,
                              const struct store_decision *dec, struct store_rd *rd, bool hidden,
                              enum time_zone zone) {
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
           L(r, "review.candidate"), hidden ? L(r, "review.anonymous") : s->candidate.name,
           L(r, "review.exam"), exam_title(r, s->att.exam_id, s->att.exam_version));
  if (NULL != dec) {
    char when[40], by[PERSON_NAME_SIZE];
    page_time(when, sizeof(when), dec->decided_ms, zone, false);
    user_name(rd, dec->decided_by, by, sizeof(by));
    HTML_LIT(h, "<p class=\"notice\">");
    html_text_sub(h, L(r, "review.decided"), "overall",
                  L(r, VERDICT_K == dec->overall ? "result.K" : "result.BK"), "by", by, "time",
                  when, NULL);
    HTML_LIT(h, "</p>");
  }
}

/* One item: the prompt, the answer beside the key — or, for an open item, beside its sticky
 * rubric (given: the marks shown) — and the points. number is its position on the form. */
static void render_item(struct html *h, const struct req *r, const struct reviews_sheet *s,
                        const struct exam_item *it, const struct score_item_result *ir,
                        size_t number, bool editable, const json_t *given) {
  char nbuf[24], tbuf[24], earned[32], possible[32];
  bool open = exam_item_is_open(it);
  snprintf(nbuf, sizeof(nbuf), "%zu", number);
  snprintf(tbuf, sizeof(tbuf), "%zu", exam_form_item_count(s->form));
  snprintf(earned, sizeof(earned), "%.4g", NULL != ir ? ir->earned : 0.0);
  snprintf(possible, sizeof(possible), "%ld", it->points);
  HTML_LIT(h, "<div class=\"review-item\"><h3>");
  html_text_sub(h, L(r, "exam.question"), "n", nbuf, "total", tbuf, NULL);
  html_fmt(h, " <span class=\"hint\">%s · %s</span></h3>", it->id,
           layout_item_type_text(r, it->type));
  if (open) {
    HTML_LIT(h, "<div class=\"mark-grid\"><div class=\"mark-answer\">");
  }
  html_fmt(h, "<p class=\"prompt\">%s</p>", it->prompt);
  if (open) {
    render_open_answer(h, r, it, s->answers, s->att.id);
  } else {
    html_fmt(h, "<dl class=\"facts\"><dt>%s</dt><dd>", L(r, "review.answer"));
    render_answer(h, r, it, json_object_get(s->answers, it->id));
    html_fmt(h, "</dd><dt>%s</dt><dd>", L(r, "review.key"));
    render_key(h, r, it);
    HTML_LIT(h, "</dd></dl>");
  }
  HTML_LIT(h, "<p>");
  html_text_sub(h, L(r, "review.points"), "earned", NULL != ir && ir->pending ? "—" : earned,
                "possible", possible, NULL);
  HTML_LIT(h, "</p>");
  if (NULL != it->explanation) {
    html_fmt(h, "<details><summary>%s</summary><p>%s</p></details>", L(r, "review.explanation"),
             it->explanation);
  }
  if (open) {
    char prefix[96];
    snprintf(prefix, sizeof(prefix), "items/%s/", it->id);
    HTML_LIT(h, "</div>");
    render_rubric(h, r, it, given, prefix, editable);
    HTML_LIT(h, "</div>");
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

/* The marks an item shows: the viewer's saved marks while they may decide, else the
 * current decision's. */
static const json_t *item_given(const struct reviews_sheet *s, const json_t *saved,
                                const char *item_id, bool editable) {
  const json_t *m = editable ? json_object_get(saved, item_id) : NULL;
  return NULL != m ? m : json_object_get(s->marks, item_id);
}

static void render_sheet(struct html *h, const struct req *r, const struct reviews_sheet *s,
                         const json_t *saved, struct store_rd *rd, enum time_zone zone) {
  const struct store_decision *dec = reviews_sheet_current(s);
  bool en = 0 == strcmp(r->lang, "en");
  render_sheet_head(h, r, s, dec, rd,
                    reviews_candidate_hidden(s->exam, NULL != dec, ROLE_ADMIN == r->user->role),
                    zone);
  render_claim(h, r, s, rd, zone);
  enum reviews_editor editor = reviews_sheet_editor(s, r->user->id, ROLE_ASSESSOR == r->user->role,
                                                    ROLE_ADMIN == r->user->role, r->now_ms);
  bool admin_can = REVIEWS_EDIT_ADMIN == editor;
  bool editable = REVIEWS_EDIT_NONE != editor;
  /* an administrator changes outcomes; the rubric marks stay the assessor's */
  bool marks_editable = REVIEWS_EDIT_ASSESSOR == editor;
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
    if (exam_unit_is_observed(fu->unit)) {
      /* Its KUKs are observed at the test site: the observation sheet records them. */
      html_fmt(h, "<p class=\"obs-link\"><a href=\"/review/%lld/observations\">%s</a></p>",
               (long long)s->att.id, L(r, "obs.review_link"));
    }
    for (size_t i = 0; i < fu->nitems; i++) {
      const struct exam_item *it = fu->items[i].item;
      render_item(h, r, s, it, item_result(ur, it->id), ++number, marks_editable,
                  item_given(s, saved, it->id, marks_editable));
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

/* Loads attempt id's sheet for the viewer, or answers the refusal (*answered then holds the
 * reply's result). */
static bool load_sheet(struct reviews_sheet *s, struct req *r, int64_t id, int *answered) {
  struct reviews_err err;
  enum reviews_rc rc = reviews_sheet_load(s, r->svc, id, r->user->id, &err);
  switch (rc) {
  case REVIEWS_OK:
    if (NULL != s->score) {
      return true;
    }
    reviews_sheet_free(s);
    *answered = reply_error(r, ERR_INTERNAL, NULL);
    return false;
  case REVIEWS_NOT_FOUND:
    *answered = layout_message_page(r, 404, "page.not_found", "page.not_found_text");
    return false;
  case REVIEWS_OWN_ATTEMPT:
    *answered = layout_message_page(r, 403, "page.forbidden", "review.own_attempt");
    return false;
  case REVIEWS_STILL_OPEN:
    *answered = layout_message_page(r, 409, "page.forbidden", "review.still_open");
    return false;
  case REVIEWS_STORE_FAILED:
    *answered = layout_store_error(r, err.store_rc);
    return false;
  case REVIEWS_EXAM_VERSION_MISSING:
  case REVIEWS_EXAM_VERSION_UNAVAILABLE:
    *answered = reply_error(r, ERR_EXAM_VERSION_MISSING, NULL);
    return false;
  default:
    *answered = reply_error(r, ERR_INTERNAL, NULL);
    return false;
  }
}

int h_page_review(struct req *r) {
  struct reviews_sheet s;
  struct reviews_err err;
  struct store_rd *rd = NULL;
  json_t *saved = NULL;
  int answered = 0;
  int64_t id = path_id(r->params[0]);
  if (0 == id) {
    return layout_message_page(r, 404, "page.not_found", "page.not_found_text");
  }
  if (NULL == r->svc->catalog) {
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  }
  if (!load_sheet(&s, r, id, &answered)) {
    return answered;
  }
  if (REVIEWS_OK != reviews_sheet_saved_marks(&saved, r->svc, id, r->user->id, &err)) {
    reviews_sheet_free(&s);
    return layout_store_error(r, err.store_rc);
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  struct html *h = STORE_OK == rc ? html_new() : NULL;
  if (NULL == h) {
    store_rd_end(rd);
    reviews_sheet_free(&s);
    json_decref(saved);
    return STORE_OK == rc ? reply_error(r, ERR_INTERNAL, NULL) : layout_store_error(r, rc);
  }
  char title[64];
  snprintf(title, sizeof(title), "%s #%" PRId64, L(r, "review.open_sheet"), id);
  layout_begin_script(h, r, title, "static/staff.js");
  layout_stylesheet(h, "static/mark.css");
  layout_script(h, "static/mark.js");
  render_sheet(h, r, &s, saved, rd, page_zone(r));
  layout_end(h, r);
  store_rd_end(rd);
  reviews_sheet_free(&s);
  json_decref(saved);
  return layout_reply(r, 200, h);
}

/* ------------------------------------------------------------------ marking by question */

/* Where marking by question stands: the attempts in the viewer's queue whose form has the
 * item (in queue order), and the one to mark now. */
struct by_item {
  size_t total;               /* answers to mark */
  size_t position;            /* 1-based position of the current one, 0 when none is left */
  struct reviews_sheet sheet; /* the current one's, when position > 0 */
};

/* The attempts of exam_id in the viewer's queue with item_id on their form that the viewer
 * may mark (not held by someone else), over the whole queue, keeping the sheet of the first
 * one after attempt after (0: from the start). When after is no longer in that list (decided
 * or taken meanwhile), it starts again from the first. A sheet that cannot be read (gone
 * meanwhile) is passed over and not counted. REVIEWS_OK, or the queue's failure. */
static enum reviews_rc by_item_find(struct by_item *out, struct req *r, const char *exam_id,
                                    const char *item_id, int64_t after, struct reviews_err *err) {
  struct reviews_viewer viewer = {.id = r->user->id, .admin = false};
  int64_t *ids = NULL;
  size_t n = 0, from = 0, unread = 0;
  memset(out, 0, sizeof(*out));
  enum reviews_rc rc =
      reviews_marking_list(&ids, &n, r->svc, &viewer, exam_id, item_id, r->now_ms, err);
  if (REVIEWS_OK != rc) {
    return rc;
  }
  for (size_t i = 0; 0 != after && i < n; i++) {
    if (ids[i] == after) {
      from = i + 1;
      break;
    }
  }
  for (size_t i = from; i < n && 0 == out->position; i++) {
    struct reviews_err skipped;
    if (REVIEWS_OK == reviews_sheet_load(&out->sheet, r->svc, ids[i], viewer.id, &skipped)) {
      out->position = i + 1 - unread;
    } else {
      unread++;
    }
  }
  out->total = n - unread;
  free(ids);
  return REVIEWS_OK;
}

static void render_by_item(struct html *h, const struct req *r, struct by_item *b,
                           const char *exam_id, const struct exam_item *current,
                           const json_t *saved) {
  const struct reviews_sheet *s = &b->sheet;
  const struct form_item *fi = exam_form_find_item(s->form, current->id);
  const struct exam_item *it = NULL != fi ? fi->item : current;
  char pos[24], total[24], action[200], api[200], next[200];
  snprintf(pos, sizeof(pos), "%zu", b->position);
  snprintf(total, sizeof(total), "%zu", b->total);
  snprintf(action, sizeof(action), "/review/%" PRId64 "/marks/%s", s->att.id, it->id);
  snprintf(api, sizeof(api), "/api/reviews/%" PRId64 "/marks/%s", s->att.id, it->id);
  snprintf(next, sizeof(next), "/marking/%s/%s?after=%" PRId64, exam_id, it->id, s->att.id);
  HTML_LIT(h, "<p class=\"progress\"><strong>");
  html_text_sub(h, L(r, "review.by_item_progress"), "n", pos, "total", total, NULL);
  html_fmt(h,
           "</strong></p><dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>"
           "<a href=\"/review/%lld\">%s #%lld</a></dd></dl>",
           L(r, "review.candidate"),
           reviews_candidate_hidden(s->exam, s->nhistory > 0, false) ? L(r, "review.anonymous")
                                                                     : s->candidate.name,
           L(r, "review.attempt"), (long long)s->att.id, L(r, "review.open_sheet"),
           (long long)s->att.id);
  if (NULL != json_object_get(saved, it->id)) {
    html_fmt(h, "<p class=\"notice ok\">%s</p>", L(r, "review.marks_saved"));
  }
  layout_api_form(h, r, action, api, next);
  html_fmt(h, "<div class=\"mark-grid\"><div class=\"mark-answer\"><p class=\"prompt\">%s</p>",
           it->prompt);
  render_open_answer(h, r, it, s->answers, s->att.id);
  HTML_LIT(h, "</div>");
  const json_t *given = json_object_get(saved, it->id);
  render_rubric(h, r, it, NULL != given ? given : json_object_get(s->marks, it->id), "", true);
  html_fmt(h, "</div><p class=\"actions\"><button type=\"submit\">%s</button> ",
           L(r, "review.save_next"));
  html_fmt(h, "<a class=\"button secondary\" href=\"/marking/%s/%s?after=%lld\">%s</a></p></form>",
           exam_id, it->id, (long long)s->att.id, L(r, "review.skip"));
}

/* GET /marking/:exam/:item[?after=<attempt>] — one open item, every candidate's answer in turn. */
int h_page_marking(struct req *r) {
  struct by_item b;
  const struct exam *ex =
      NULL == r->svc->catalog ? NULL : catalog_current(r->svc->catalog, r->params[0]);
  const struct exam_item *it = NULL == ex ? NULL : exam_find_item(ex, r->params[1], NULL);
  const char *after_s = req_query(r, "after");
  int64_t after = NULL == after_s ? 0 : path_id(after_s);
  json_t *saved = NULL;
  if (NULL == it || !exam_item_is_open(it)) {
    return layout_message_page(r, 404, "page.not_found", "page.not_found_text");
  }
  struct reviews_err err;
  enum reviews_rc rc = by_item_find(&b, r, ex->id, it->id, after, &err);
  if (REVIEWS_OK == rc && b.position > 0) {
    rc = reviews_sheet_saved_marks(&saved, r->svc, b.sheet.att.id, r->user->id, &err);
  }
  if (REVIEWS_OK != rc) {
    if (b.position > 0) {
      reviews_sheet_free(&b.sheet);
    }
    return REVIEWS_STORE_FAILED == rc ? layout_store_error(r, err.store_rc)
                                      : reply_error(r, ERR_INTERNAL, NULL);
  }
  struct html *h = layout_page_new(r, "review.by_item_title", "static/staff.js");
  if (NULL == h) {
    if (b.position > 0) {
      reviews_sheet_free(&b.sheet);
    }
    json_decref(saved);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  layout_stylesheet(h, "static/mark.css");
  layout_script(h, "static/mark.js");
  HTML_LIT(h, "<p>");
  html_text_sub(h, L(r, "review.by_item_link"), "item", it->id, "exam", exam_title(r, ex->id, NULL),
                NULL);
  HTML_LIT(h, "</p>");
  if (0 == b.position) {
    html_fmt(h, "<p class=\"notice\" role=\"status\">%s</p><p><a href=\"/review\">%s</a></p>",
             L(r, "review.by_item_done"), L(r, "review.back_to_queue"));
  } else {
    render_by_item(h, r, &b, ex->id, it, saved);
    reviews_sheet_free(&b.sheet);
  }
  json_decref(saved);
  layout_end(h, r);
  return layout_reply(r, 200, h);
}
