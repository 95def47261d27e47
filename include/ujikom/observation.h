/*
 * The observation checklist (FR.IA.01) as pure rules: what one recorded observation of a KUK
 * must be, and the outcome of an observation unit from its records. A unit whose assessment
 * is observation is K when every one of its KUKs is recorded as observed, BK when each KUK is
 * recorded and any is not observed, and pending while any KUK has no record yet. No I/O.
 */
#ifndef UJIKOM_OBSERVATION_H
#define UJIKOM_OBSERVATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/exam.h"
#include "ujikom/states.h"

#define OBSERVATION_MAX_NOTES 2000 /* bytes of the notes on one KUK */
#define OBSERVATION_OP_MIN    8    /* characters of a save's id */
#define OBSERVATION_OP_MAX    64

/* One observation as a save carries it. */
struct observation_record {
  bool observed;
  const char *notes;   /* borrowed from the body; "" when absent */
  int64_t recorded_ms; /* when the assessor recorded it (the tablet's clock) */
  const char *op;      /* the save's id, [A-Za-z0-9_-]{8,64}: repeating a save is harmless */
};

/* Checks a save's body {"observed": bool, "notes": text?, "recorded_at": ms, "op": id} for
 * KUK kuk_id of unit: the unit must be an observation unit and define the KUK; notes at most
 * OBSERVATION_MAX_NOTES bytes of UTF-8 without control characters other than newline and tab;
 * recorded_at a whole number of ms in 2000..9999 (years); no other key. Returns 0 and *out
 * (borrowing from body), or -1 with err naming the field. */
int observation_record_check(struct observation_record *out, const struct exam_unit *unit,
                             const char *kuk_id, const json_t *body, char *err, size_t errlen);

/* The outcome of observation unit from marks ({kuk id: true | false}, NULL: none): VERDICT_K
 * when every KUK is observed, VERDICT_BK when every KUK is recorded and any is not observed,
 * VERDICT_PENDING while any KUK has no record. *out_observed and *out_missing (may be NULL)
 * count observed and unrecorded KUKs; records of KUKs the unit does not define are ignored. */
enum verdict observation_unit_verdict(const struct exam_unit *unit, const json_t *marks,
                                      size_t *out_observed, size_t *out_missing);

#endif
