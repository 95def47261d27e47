/*
 * The public exam catalogue: GET /api/exams (optionally ?subsector=CODE) and
 * GET /api/exams/:id. Metadata only — units, elements and KUK from the standard, duration,
 * retake policy — never items or keys.
 */
#include <stdlib.h>
#include <string.h>

#include "common/catalog.h"
#include "http/handlers.h"

static size_t form_size(const struct exam *exam) {
  size_t n = 0;
  for (size_t u = 0; u < exam->nunits; u++) {
    n += exam_unit_draw_count(&exam->units[u]);
  }
  return n;
}

static json_t *exam_summary(const struct exam *exam) {
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id", exam->id, "subsector",
                   exam->subsector, "title", exam->title, "title_en", exam->title_en, "scheme",
                   exam->scheme, "duration_minutes", (json_int_t)exam->duration_minutes, "units",
                   (json_int_t)exam->nunits, "items", (json_int_t)form_size(exam), "version",
                   exam->version);
}

int h_exams_list(struct req *r) {
  if (NULL == r->svc->catalog) {
    return reply_error(r, ERR_UNAVAILABLE, "The exam catalogue is not loaded.");
  }
  const char *sub = req_query(r, "subsector");
  if (NULL != sub && NULL == exam_subsector_find(catalog_subsectors(r->svc->catalog), sub)) {
    return reply_error(r, ERR_INVALID_FIELD, "Unknown subsector code.");
  }
  const struct exam **exams = NULL;
  size_t n = 0;
  if (0 != catalog_list(r->svc->catalog, &exams, &n)) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  json_t *list = json_array();
  for (size_t i = 0; NULL != list && i < n; i++) {
    if (NULL == sub || 0 == strcmp(sub, exams[i]->subsector)) {
      json_array_append_new(list, exam_summary(exams[i]));
    }
  }
  free(exams);
  return reply_json_list(r, "exams", list);
}

static json_t *unit_json(const struct exam_unit *u) {
  json_t *elements = json_array();
  for (size_t e = 0; e < u->nelements; e++) {
    const struct exam_element *el = &u->elements[e];
    json_t *kuk = json_array();
    for (size_t k = 0; k < el->nkuk; k++) {
      json_array_append_new(kuk,
                            json_pack("{s:s, s:s}", "id", el->kuk[k].id, "text", el->kuk[k].text));
    }
    json_array_append_new(elements, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)el->id, "title",
                                              el->title, "kuk", kuk));
  }
  json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:o}", "code", u->code, "title", u->title,
                        "cut_score", (json_int_t)u->cut_score, "items",
                        (json_int_t)exam_unit_draw_count(u), "elements", elements);
  if (NULL != j && NULL != u->title_en) {
    json_object_set_new(j, "title_en", json_string(u->title_en));
  }
  if (NULL != j && exam_unit_is_observed(u)) { /* observed at the test site, no items */
    json_object_set_new(j, "assessment", json_string("observation"));
  }
  return j;
}

int h_exams_get(struct req *r) {
  if (NULL == r->svc->catalog) {
    return reply_error(r, ERR_UNAVAILABLE, "The exam catalogue is not loaded.");
  }
  const struct exam *exam = catalog_current(r->svc->catalog, r->params[0]);
  if (NULL == exam) {
    return reply_error(r, ERR_EXAM_NOT_FOUND, NULL);
  }
  json_t *j = exam_summary(exam);
  json_t *units = json_array();
  if (NULL == j || NULL == units) {
    json_decref(j);
    json_decref(units);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  for (size_t u = 0; u < exam->nunits; u++) {
    json_array_append_new(units, unit_json(&exam->units[u]));
  }
  const struct exam_subsector *s =
      exam_subsector_find(catalog_subsectors(r->svc->catalog), exam->subsector);
  json_object_set_new(j, "units", units);
  json_object_set_new(j, "standard", json_string(exam->standard));
  json_object_set_new(j, "validity_years", json_integer(exam->validity_years));
  json_object_set_new(j, "retake",
                      json_pack("{s:I, s:I}", "max_attempts", (json_int_t)exam->max_attempts,
                                "cooldown_days", (json_int_t)exam->cooldown_days));
  if (NULL != exam->description) {
    json_object_set_new(j, "description", json_string(exam->description));
  }
  if (exam->requires_application) { /* an eligible application comes before a start */
    json_object_set_new(j, "requires_application", json_true());
  }
  if (exam->has_time_zone) { /* the test site's zone, when the exam has one */
    json_object_set_new(j, "time_zone", json_string(time_zone_name(exam->time_zone)));
  }
  if (NULL != s) {
    json_object_set_new(j, "subsector_name_id", json_string(s->name_id));
    json_object_set_new(j, "subsector_name_en", json_string(s->name_en));
  }
  return reply_json(r, 200, j);
}
