/*
 * The observation checklist's rules: a save's body checked, and a unit's outcome from its
 * records.
 */
#include "ujikom/observation.h"

#include <stdio.h>
#include <string.h>

#include "ujikom/utf8.h"

/* The earliest and latest recorded_at accepted: 2000-01-01 and 9999-12-31 (UTC). */
#define RECORDED_MIN_MS 946684800000LL
#define RECORDED_MAX_MS 253402300799999LL

static bool op_ok(const char *s) {
  size_t n = s == NULL ? 0 : strlen(s);
  if (n < OBSERVATION_OP_MIN || n > OBSERVATION_OP_MAX) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

/* Notes: UTF-8 without control characters but newline and tab. */
static bool notes_ok(const char *s, size_t len) {
  if (len > OBSERVATION_MAX_NOTES || !utf8_well_formed(s, len)) {
    return false;
  }
  for (size_t i = 0; i < len;) {
    uint32_t cp = 0;
    size_t n = utf8_decode(s + i, len - i, &cp);
    if (n == 0 ||
        ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))) {
      return false;
    }
    i += n;
  }
  return true;
}

int observation_record_check(struct observation_record *out, const struct exam_unit *unit,
                             const char *kuk_id, const json_t *body, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  out->notes = "";
  if (unit == NULL || !exam_unit_is_observed(unit)) {
    snprintf(err, errlen, "unit: not a unit the assessor observes");
    return -1;
  }
  if (exam_unit_kuk(unit, kuk_id) == NULL) {
    snprintf(err, errlen, "kuk: the unit has no KUK %s", kuk_id == NULL ? "" : kuk_id);
    return -1;
  }
  if (!json_is_object(body)) {
    snprintf(err, errlen, "body: must be a JSON object");
    return -1;
  }
  const json_t *observed = json_object_get(body, "observed");
  const json_t *notes = json_object_get(body, "notes");
  const json_t *at = json_object_get(body, "recorded_at");
  const json_t *op = json_object_get(body, "op");
  if (!json_is_boolean(observed)) {
    snprintf(err, errlen, "observed: must be true or false");
    return -1;
  }
  if (notes != NULL &&
      (!json_is_string(notes) || !notes_ok(json_string_value(notes), json_string_length(notes)))) {
    snprintf(err, errlen, "notes: at most %d bytes of text", OBSERVATION_MAX_NOTES);
    return -1;
  }
  if (!json_is_integer(at) || json_integer_value(at) < RECORDED_MIN_MS ||
      json_integer_value(at) > RECORDED_MAX_MS) {
    snprintf(err, errlen, "recorded_at: must be the time recorded, in ms since 1970");
    return -1;
  }
  if (!json_is_string(op) || !op_ok(json_string_value(op))) {
    snprintf(err, errlen, "op: must be the save's id, %d to %d of A-Z a-z 0-9 _ -",
             OBSERVATION_OP_MIN, OBSERVATION_OP_MAX);
    return -1;
  }
  if (json_object_size(body) != (notes == NULL ? 3u : 4u)) {
    snprintf(err, errlen, "body: has a key other than observed, notes, recorded_at and op");
    return -1;
  }
  out->observed = json_is_true(observed);
  out->notes = notes == NULL ? "" : json_string_value(notes);
  out->recorded_ms = (int64_t)json_integer_value(at);
  out->op = json_string_value(op);
  return 0;
}

enum verdict observation_unit_verdict(const struct exam_unit *unit, const json_t *marks,
                                      size_t *out_observed, size_t *out_missing) {
  size_t observed = 0, missing = 0, total = 0;
  for (size_t e = 0; e < unit->nelements; e++) {
    for (size_t i = 0; i < unit->elements[e].nkuk; i++) {
      const json_t *m = marks == NULL ? NULL : json_object_get(marks, unit->elements[e].kuk[i].id);
      total++;
      if (json_is_true(m)) {
        observed++;
      } else if (!json_is_false(m)) {
        missing++;
      }
    }
  }
  if (out_observed != NULL) {
    *out_observed = observed;
  }
  if (out_missing != NULL) {
    *out_missing = missing;
  }
  if (missing > 0) {
    return VERDICT_PENDING;
  }
  return observed == total ? VERDICT_K : VERDICT_BK;
}
