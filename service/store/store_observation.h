/*
 * The observation checklist (FR.IA.01) in the store: per attempt, unit and KUK the record an
 * assessor made at the test site. Of two saves of one KUK the later recording wins whatever
 * order they arrive in (equal times: the greater save id); a save repeated changes nothing.
 * Who may record, and what, is the observation module's rule (common/observation.c).
 */
#ifndef UJIKOM_STORE_OBSERVATION_H
#define UJIKOM_STORE_OBSERVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

struct store_observation {
  int64_t attempt_id;
  char unit_code[65];
  char kuk_id[8];
  bool observed;
  char notes[2001];
  int64_t assessor_id;
  int64_t recorded_ms; /* on the tablet */
  int64_t saved_ms;    /* arrived at the server */
  char op[65];         /* the save's id */
};

/* Stores o unless a record of the same KUK was recorded later (or at the same time with a
 * greater or equal save id): *out_applied says whether it was stored. STORE_OK, STORE_HARD
 * for a value outside the table's checks, or negative. */
int store_observation_put(struct store_tx *tx, const struct store_observation *o,
                          bool *out_applied);
/* Every record of attempt_id, by unit and KUK. On STORE_OK *out (NULL when none) is the
 * caller's to free with store_observation_list_free. */
int store_observation_list(struct store_rd *rd, struct store_observation **out, size_t *out_n,
                           int64_t attempt_id);
/* The record of one KUK: STORE_OK (*out), STORE_NONE, or negative. */
int store_observation_get(struct store_rd *rd, struct store_observation *out, int64_t attempt_id,
                          const char *unit_code, const char *kuk_id);
void store_observation_list_free(struct store_observation *list, size_t n);

#endif
