/*
 * The observation sheet: who sees it, its JSON, and a save with its audit entry in the
 * transaction that holds the attempt for the assessor.
 */
#include "common/observation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/attempts.h"
#include "common/audit_text.h"

bool observation_exam_has_units(const struct exam *exam) {
  for (size_t u = 0; NULL != exam && u < exam->nunits; u++) {
    if (exam_unit_is_observed(&exam->units[u])) {
      return true;
    }
  }
  return false;
}

void observation_sheet_free(struct observation_sheet *sh) {
  reviews_sheet_free(&sh->s);
  store_observation_list_free(sh->records, sh->nrecords);
  store_observation_photo_list_free(sh->photos, sh->nphotos);
  memset(sh, 0, sizeof *sh);
}

/* Whether assessor viewer holds the loaded attempt or may take it (see the header). */
static bool assessor_may_see(const struct reviews_sheet *s, int64_t viewer, int64_t now_ms) {
  if (s->has_appeal && APPEAL_ASSIGNED == s->appeal.status) {
    return s->appeal.assessor_id == viewer;
  }
  if (VERDICT_PENDING == s->att.verdict) {
    const struct store_claim *claim = s->has_claim ? &s->claim : NULL;
    return !reviews_claim_is_live(claim, now_ms) || reviews_claim_is_mine(claim, viewer, now_ms);
  }
  const struct store_decision *d = reviews_sheet_current(s);
  return NULL != d && d->decided_by == viewer;
}

static enum observation_rc from_reviews(struct observation_err *err, enum reviews_rc rc) {
  err->reviews = rc;
  switch (rc) {
  case REVIEWS_NOT_FOUND:
  case REVIEWS_OWN_ATTEMPT:
    return OBSERVATION_NOT_FOUND;
  case REVIEWS_STORE_FAILED:
  case REVIEWS_INTERNAL:
  case REVIEWS_EXAM_VERSION_MISSING:
  case REVIEWS_EXAM_VERSION_UNAVAILABLE:
    return OBSERVATION_FAILED;
  default:
    return OBSERVATION_REFUSED;
  }
}

enum observation_rc observation_sheet_load(struct observation_sheet *out, struct svc *svc,
                                           int64_t attempt_id, int64_t viewer, bool admin,
                                           int64_t now_ms, struct observation_err *err) {
  struct store_rd *rd = NULL;
  memset(out, 0, sizeof *out);
  memset(err, 0, sizeof *err);
  enum reviews_rc res = reviews_sheet_load(&out->s, svc, attempt_id, viewer, &err->r);
  if (REVIEWS_OK != res) {
    return from_reviews(err, res);
  }
  if (!observation_exam_has_units(out->s.exam) ||
      (!admin && !assessor_may_see(&out->s, viewer, now_ms))) {
    observation_sheet_free(out);
    return OBSERVATION_NOT_FOUND;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_observation_list(rd, &out->records, &out->nrecords, attempt_id);
  }
  if (STORE_OK == rc) {
    rc = store_observation_photos(rd, attempt_id, NULL, NULL, &out->photos, &out->nphotos);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    observation_sheet_free(out);
    err->r.store_rc = rc < 0 ? rc : STORE_HARD;
    err->reviews = REVIEWS_STORE_FAILED;
    return OBSERVATION_FAILED;
  }
  enum reviews_kind kind = REVIEWS_FIRST_REVIEW;
  out->may_record = !admin && REVIEWS_OK == reviews_assessor_may_decide(
                                                &kind, &out->s.att,
                                                out->s.has_appeal ? &out->s.appeal : NULL, viewer);
  out->hide_candidate = reviews_candidate_hidden(out->s.exam, attempts_decided(&out->s.att), admin);
  return OBSERVATION_OK;
}

static const struct store_observation *find_record(const struct observation_sheet *sh,
                                                   const char *unit, const char *kuk) {
  for (size_t i = 0; i < sh->nrecords; i++) {
    if (0 == strcmp(sh->records[i].unit_code, unit) && 0 == strcmp(sh->records[i].kuk_id, kuk)) {
      return &sh->records[i];
    }
  }
  return NULL;
}

static json_t *record_json(const struct store_observation *o) {
  if (NULL == o) {
    return json_null();
  }
  return json_pack("{s:b, s:s, s:I, s:I, s:I, s:s}", "observed", o->observed, "notes", o->notes,
                   "recorded_at", (json_int_t)o->recorded_ms, "saved_at", (json_int_t)o->saved_ms,
                   "assessor_id", (json_int_t)o->assessor_id, "op", o->op);
}

/* The photos of one KUK: [{"sha256","name","type","size","url"}]. */
static json_t *photos_json(const struct observation_sheet *sh, const char *unit, const char *kuk) {
  json_t *list = json_array();
  for (size_t i = 0; NULL != list && i < sh->nphotos; i++) {
    const struct store_observation_photo *p = &sh->photos[i];
    if (0 != strcmp(p->unit_code, unit) || 0 != strcmp(p->kuk_id, kuk)) {
      continue;
    }
    char url[160];
    snprintf(url, sizeof url, "/api/attempts/%lld/observation/%s", (long long)sh->s.att.id,
             p->sha256);
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I, s:s}", "sha256", p->sha256, "name",
                                          p->name, "type", p->mime, "size", (json_int_t)p->size,
                                          "url", url));
  }
  return list;
}

/* One observation unit with its elements, KUKs and records. */
static json_t *unit_json(const struct observation_sheet *sh, const struct exam_unit *unit) {
  json_t *marks = json_object();
  json_t *els = json_array();
  json_t *ju = NULL;
  bool ok = NULL != marks && NULL != els;
  for (size_t e = 0; ok && e < unit->nelements; e++) {
    const struct exam_element *el = &unit->elements[e];
    json_t *kuks = json_array();
    ok = NULL != kuks &&
         0 == json_array_append_new(els, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)el->id,
                                                   "title", el->title, "kuk", kuks));
    for (size_t k = 0; ok && k < el->nkuk; k++) {
      const struct store_observation *o = find_record(sh, unit->code, el->kuk[k].id);
      if (NULL != o) {
        json_object_set_new(marks, o->kuk_id, json_boolean(o->observed));
      }
      ok = 0 == json_array_append_new(kuks,
                                      json_pack("{s:s, s:s, s:o, s:o}", "id", el->kuk[k].id, "text",
                                                el->kuk[k].text, "record", record_json(o), "photos",
                                                photos_json(sh, unit->code, el->kuk[k].id)));
    }
  }
  if (ok) {
    size_t observed = 0, missing = 0;
    enum verdict v = observation_unit_verdict(unit, marks, &observed, &missing);
    ju = json_pack("{s:s, s:s, s:s?, s:s, s:I, s:I, s:I, s:O}", "code", unit->code, "title",
                   unit->title, "title_en", unit->title_en, "verdict", verdict_name(v), "observed",
                   (json_int_t)observed, "kuk_total", (json_int_t)exam_unit_kuk_count(unit),
                   "missing", (json_int_t)missing, "elements", els);
  }
  json_decref(marks);
  json_decref(els);
  return ju;
}

json_t *observation_sheet_json(const struct observation_sheet *sh) {
  const struct exam *x = sh->s.exam;
  json_t *units = json_array();
  json_t *root = json_pack("{s:I, s:s, s:s, s:s?, s:b, s:o}", "attempt_id",
                           (json_int_t)sh->s.att.id, "exam_id", x->id, "exam_title", x->title,
                           "candidate", sh->hide_candidate ? NULL : sh->s.candidate.name,
                           "may_record", sh->may_record, "units", units);
  for (size_t u = 0; NULL != root && u < x->nunits; u++) {
    if (!exam_unit_is_observed(&x->units[u])) {
      continue;
    }
    json_t *ju = unit_json(sh, &x->units[u]);
    if (NULL == ju || 0 != json_array_append_new(units, ju)) {
      json_decref(root);
      return NULL;
    }
  }
  return root;
}

/* ------------------------------------------------------------------ saving */

struct save_ctx {
  struct store_observation rec;
  const struct exam_unit *unit;
  struct observation_saved *out;
};

/* The unit's outcome from every record of the attempt, read in the transaction. */
static int unit_now(struct store_tx *tx, struct save_ctx *c) {
  struct store_observation *list = NULL;
  size_t n = 0;
  int rc = store_observation_list(store_tx_rd(tx), &list, &n, c->rec.attempt_id);
  json_t *marks = STORE_OK == rc ? json_object() : NULL;
  for (size_t i = 0; NULL != marks && i < n; i++) {
    if (0 == strcmp(list[i].unit_code, c->unit->code)) {
      json_object_set_new(marks, list[i].kuk_id, json_boolean(list[i].observed));
    }
  }
  store_observation_list_free(list, n);
  if (STORE_OK == rc && NULL == marks) {
    return STORE_UNAVAILABLE;
  }
  c->out->unit_verdict =
      observation_unit_verdict(c->unit, marks, &c->out->observed, &c->out->missing);
  json_decref(marks);
  return rc;
}

static int save_txn(struct store_tx *tx, void *arg) {
  struct save_ctx *c = arg;
  bool applied = false;
  c->rec.saved_ms = store_tx_now_ms(tx);
  int rc = store_observation_put(tx, &c->rec, &applied);
  c->out->applied = applied;
  if (STORE_OK == rc && applied) {
    rc = audit_creation(tx, c->rec.assessor_id, "observation.record", "attempt", c->rec.attempt_id,
                        json_pack("{s:s, s:s, s:b, s:I, s:s}", "unit", c->rec.unit_code, "kuk",
                                  c->rec.kuk_id, "observed", c->rec.observed, "recorded_at",
                                  (json_int_t)c->rec.recorded_ms, "op", c->rec.op));
  }
  if (STORE_OK == rc) {
    rc = store_observation_get(store_tx_rd(tx), &c->out->record, c->rec.attempt_id,
                               c->rec.unit_code, c->rec.kuk_id);
    rc = STORE_NONE == rc ? STORE_HARD : rc;
  }
  return STORE_OK == rc ? unit_now(tx, c) : rc;
}

/* Fills the record to store from a checked save; -1 when a value does not fit. */
static int fill_record(struct store_observation *rec, const struct observation_record *in,
                       int64_t attempt_id, const struct exam_unit *unit, const char *kuk_id,
                       int64_t actor) {
  memset(rec, 0, sizeof *rec);
  rec->attempt_id = attempt_id;
  rec->observed = in->observed;
  rec->assessor_id = actor;
  rec->recorded_ms = in->recorded_ms;
  bool fits =
      (size_t)snprintf(rec->unit_code, sizeof rec->unit_code, "%s", unit->code) <
          sizeof rec->unit_code &&
      (size_t)snprintf(rec->kuk_id, sizeof rec->kuk_id, "%s", kuk_id) < sizeof rec->kuk_id &&
      (size_t)snprintf(rec->notes, sizeof rec->notes, "%s", in->notes) < sizeof rec->notes &&
      (size_t)snprintf(rec->op, sizeof rec->op, "%s", in->op) < sizeof rec->op;
  return fits ? 0 : -1;
}

/* Observation unit unit_code of the sheet's exam when it defines KUK kuk_id, else NULL. */
static const struct exam_unit *observed_unit(const struct observation_sheet *sh,
                                             const char *unit_code, const char *kuk_id) {
  const struct exam_unit *unit = exam_find_unit(sh->s.exam, unit_code, NULL);
  return NULL == unit || !exam_unit_is_observed(unit) || NULL == exam_unit_kuk(unit, kuk_id) ? NULL
                                                                                             : unit;
}

/* The sheet of attempt_id for actor with the observation unit that defines KUK kuk_id: as
 * observation_sheet_load, and OBSERVATION_UNKNOWN_KUK (nothing to free) without such a unit. */
static enum observation_rc sheet_with_kuk(struct observation_sheet *sh,
                                          const struct exam_unit **unit, struct svc *svc,
                                          int64_t attempt_id, const char *unit_code,
                                          const char *kuk_id, int64_t actor, int64_t now_ms,
                                          struct observation_err *err) {
  enum observation_rc orc = observation_sheet_load(sh, svc, attempt_id, actor, false, now_ms, err);
  if (OBSERVATION_OK != orc) {
    return orc;
  }
  *unit = observed_unit(sh, unit_code, kuk_id);
  if (NULL == *unit) {
    observation_sheet_free(sh);
    return OBSERVATION_UNKNOWN_KUK;
  }
  return OBSERVATION_OK;
}

enum observation_rc observation_record(struct observation_saved *out, struct svc *svc,
                                       int64_t attempt_id, const char *unit_code,
                                       const char *kuk_id, int64_t actor, const json_t *body,
                                       int64_t now_ms, struct observation_err *err) {
  struct observation_sheet sh;
  struct observation_record in;
  struct save_ctx c;
  const struct exam_unit *unit = NULL;
  memset(out, 0, sizeof *out);
  memset(&c, 0, sizeof c);
  enum observation_rc orc =
      sheet_with_kuk(&sh, &unit, svc, attempt_id, unit_code, kuk_id, actor, now_ms, err);
  if (OBSERVATION_OK != orc) {
    return orc;
  }
  if (0 != observation_record_check(&in, unit, kuk_id, body, err->why, sizeof err->why) ||
      0 != fill_record(&c.rec, &in, attempt_id, unit, kuk_id, actor)) {
    orc = OBSERVATION_INVALID;
  } else {
    c.unit = unit;
    c.out = out;
    /* The unit borrows from the sheet's exam version, which the catalogue keeps. */
    enum reviews_rc res =
        reviews_save_beside(&out->claim_expires_ms, svc, attempt_id, actor, save_txn, &c, &err->r);
    orc = REVIEWS_OK == res ? OBSERVATION_OK : from_reviews(err, res);
  }
  observation_sheet_free(&sh);
  if (OBSERVATION_OK != orc) {
    memset(out, 0, sizeof *out);
  }
  return orc;
}

enum observation_rc observation_may_record(struct svc *svc, int64_t attempt_id,
                                           const char *unit_code, const char *kuk_id, int64_t actor,
                                           int64_t now_ms, struct observation_err *err) {
  struct observation_sheet sh;
  const struct exam_unit *unit = NULL;
  enum observation_rc orc =
      sheet_with_kuk(&sh, &unit, svc, attempt_id, unit_code, kuk_id, actor, now_ms, err);
  if (OBSERVATION_OK != orc) {
    return orc;
  }
  if (!sh.may_record) {
    err->reviews = REVIEWS_CLAIM_HELD;
    orc = OBSERVATION_REFUSED;
  } else {
    /* a live claim of another assessor: the sheet is theirs */
    const struct store_claim *claim = sh.s.has_claim ? &sh.s.claim : NULL;
    if (reviews_claim_is_live(claim, now_ms) && !reviews_claim_is_mine(claim, actor, now_ms)) {
      err->reviews = REVIEWS_CLAIM_HELD;
      orc = OBSERVATION_REFUSED;
    }
  }
  observation_sheet_free(&sh);
  return orc;
}

enum observation_rc observation_feedback(json_t **out, struct svc *svc, const struct exam *exam,
                                         int64_t attempt_id, struct observation_err *err) {
  struct store_rd *rd = NULL;
  struct observation_sheet sh;
  memset(&sh, 0, sizeof sh);
  memset(err, 0, sizeof *err);
  *out = json_object();
  if (NULL == *out) {
    err->reviews = REVIEWS_INTERNAL;
    return OBSERVATION_FAILED;
  }
  if (!observation_exam_has_units(exam)) {
    return OBSERVATION_OK;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_observation_list(rd, &sh.records, &sh.nrecords, attempt_id);
  }
  store_rd_end(rd);
  bool ok = STORE_OK == rc;
  for (size_t u = 0; ok && u < exam->nunits; u++) {
    const struct exam_unit *unit = &exam->units[u];
    json_t *list = exam_unit_is_observed(unit) ? json_array() : NULL;
    for (size_t e = 0; NULL != list && e < unit->nelements; e++) {
      for (size_t k = 0; k < unit->elements[e].nkuk; k++) {
        const struct exam_kuk *kuk = &unit->elements[e].kuk[k];
        const struct store_observation *o = find_record(&sh, unit->code, kuk->id);
        if (NULL != o) {
          json_array_append_new(list,
                                json_pack("{s:s, s:s, s:b, s:s}", "kuk", kuk->id, "text", kuk->text,
                                          "observed", o->observed, "notes", o->notes));
        }
      }
    }
    ok = !exam_unit_is_observed(unit) ||
         (NULL != list && 0 == json_object_set_new(*out, unit->code, list));
  }
  store_observation_list_free(sh.records, sh.nrecords);
  if (!ok) {
    json_decref(*out);
    *out = NULL;
    err->r.store_rc = rc < 0 ? rc : STORE_HARD;
    err->reviews = STORE_OK == rc ? REVIEWS_INTERNAL : REVIEWS_STORE_FAILED;
    return OBSERVATION_FAILED;
  }
  return OBSERVATION_OK;
}
