/*
 * Scoring as pure functions: per item (every type), per competency unit (score percent, K/BK
 * against the unit's cut score, or PENDING while open items await an assessor) and overall.
 *
 * Rules for answers that do not match the key:
 * - no answer (absent or JSON null) scores 0;
 * - single: an unknown option id is simply a wrong answer (0);
 * - multiple: repeated ids count once; unknown ids count as wrong choices; credit is
 *   max(0, (correct chosen - wrong chosen) / number correct) x points;
 * - ordering: full points only for exactly the key's sequence; anything else (repeats,
 *   unknown ids, missing ids) is 0;
 * - short: the answer and each accepted answer are normalised (NFKC, case folded,
 *   whitespace collapsed) and compared for equality;
 * - numeric: correct when |answer - value| <= tolerance (plus a rounding allowance of 1e-9
 *   relative to the value); the answer is a JSON number or the text the candidate typed,
 *   read by numeric_parse (ujikom/numeric.h: "30.000", "2,5"); text it refuses is refused;
 * - an answer of the wrong JSON shape scores 0 (the API refuses it earlier with 400).
 */
#ifndef UJIKOM_SCORE_H
#define UJIKOM_SCORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/numeric.h"
#include "ujikom/states.h"

/* Largest accepted answer texts, in bytes. */
#define SCORE_MAX_SHORT_ANSWER 1000
#define SCORE_MAX_OPEN_ANSWER  20000

/* Whether value has the JSON shape an answer to item must have (null always does: it clears
 * the answer). On false, err holds a one-line reason for a 400 reply. */
bool score_answer_shape_ok(const struct exam_item *item, const json_t *value, char *err,
                           size_t errlen);

/* Whether item is numeric with a whole-number value and tolerance: such an item reads
 * "30.000" as 30000 (numeric_parse's whole_item). */
bool score_item_whole(const struct exam_item *item);

/* A numeric item's answer value (a JSON number, or text read by numeric_parse for item) as a
 * number in *out (untouched unless NUMERIC_OK). Anything else is NUMERIC_NOT_DIGITS. */
enum numeric_rc score_numeric_answer(double *out, const struct exam_item *item,
                                     const json_t *value);

/* Points earned by a closed item's answer (value may be NULL = no answer); 0 for open items. */
double score_item(const struct exam_item *item, const json_t *value);

/* Points for an open item from an assessor's marks {"R1": 3, "R2": 2, ...}: every criterion
 * must be present with an integer 0..max_points and no other keys. Returns 0 and *out, or -1
 * with a reason in err. */
int score_open_item(double *out, const struct exam_item *item, const json_t *marks, char *err,
                    size_t errlen);

struct score_item_result {
  const char *item_id;
  double earned;
  long possible;
  bool pending; /* open item without valid assessor marks */
};

struct score_unit_result {
  const char *code;
  double earned;
  long possible;
  double percent;
  long cut_score;
  enum verdict verdict;
  size_t pending_items;
  struct score_item_result *items;
  size_t nitems;
};

struct score_result {
  struct score_unit_result *units;
  size_t nunits;
  enum verdict overall; /* K iff every unit K; BK if any BK and none pending; else PENDING */
};

/* Scores a whole form. answers: object item id -> answer value (NULL = none). open_marks:
 * object item id -> marks object as for score_open_item (NULL = none yet); marks that are not
 * valid leave the item pending. Returns 0 and *out (free with score_result_free), or -1 when
 * memory runs out. */
int score_form(struct score_result **out, const struct exam_form *form, const json_t *answers,
               const json_t *open_marks);
/* The same with the observation records of the form's observation units ({unit code: {kuk
 * id: true | false}}, NULL: none yet): such a unit earns one point per KUK observed out of
 * one per KUK, its pending_items counts the KUKs not recorded yet, and its verdict is
 * observation_unit_verdict's (ujikom/observation.h). score_form passes NULL. */
int score_form_observed(struct score_result **out, const struct exam_form *form,
                        const json_t *answers, const json_t *open_marks,
                        const json_t *observations);
void score_result_free(struct score_result *res);

/* {"overall":"K|BK|PENDING","units":[{"code","title","earned","possible","percent",
 * "cut_score","verdict","pending_items"}]} — per-unit totals only, no per-item keys; an
 * observation unit adds "assessment":"observation" (earned: KUKs observed). */
json_t *score_result_json(const struct score_result *res, const struct exam_form *form);

#endif
