/*
 * Attempts in the store: the exam source snapshot an attempt started with, the drawn form,
 * saved answers (durable once the call returns STORE_OK inside a committed transaction), the
 * server-side deadline and the result. The store only keeps; deciding (deadlines, scoring,
 * retake policy) happens in the callers.
 */
#ifndef UJIKOM_STORE_ATTEMPTS_H
#define UJIKOM_STORE_ATTEMPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/states.h"

struct store_tx;
struct store_rd;

struct store_attempt {
  int64_t id;
  int64_t user_id;
  char exam_id[41];
  char exam_version[65];
  enum attempt_status status;
  int64_t started_ms;
  int64_t deadline_ms;
  int64_t finished_ms;  /* 0 while open */
  enum verdict verdict; /* VERDICT_NONE while open; K, BK or PENDING */
  int64_t decided_ms;   /* 0 until the verdict is final (K or BK) */
  char *form;           /* JSON of the drawn form (store_attempt_get only; else NULL) */
  char *result;         /* JSON of the result, or NULL (store_attempt_get only) */
};

/* Frees form and result of an attempt filled by a look-up; the struct itself is the
 * caller's. NULL allowed. */
void store_attempt_clear(struct store_attempt *a);

/* Stores an exam source snapshot unless that version is stored already.
 * STORE_OK or negative. */
int store_exam_source_put(struct store_tx *tx, const char *version, const char *exam_id,
                          const char *file, const char *source, size_t len);
/* The snapshot of a version: STORE_OK with *out (malloc'd, NUL-terminated, *out_len bytes
 * without the NUL; caller frees) and the display file name in file (size filelen),
 * STORE_NONE when absent, or negative. */
int store_exam_source_get(struct store_rd *rd, char **out, size_t *out_len, char *file,
                          size_t filelen, const char *version);

/* Creates an open attempt (started at the transaction's time). STORE_OK with *out_id,
 * STORE_EXISTS when the user already has an open attempt at this exam, or negative. The
 * exam version must have been stored with store_exam_source_put first. */
int store_attempt_create(struct store_tx *tx, int64_t *out_id, int64_t user_id, const char *exam_id,
                         const char *version, const char *form_json, int64_t deadline_ms);

/* The attempt with its form and result: STORE_OK (clear with store_attempt_clear),
 * STORE_NONE, or negative. */
int store_attempt_get(struct store_rd *rd, struct store_attempt *out, int64_t id);
/* The same without form and result (both NULL): STORE_OK, STORE_NONE, or negative. */
int store_attempt_get_brief(struct store_rd *rd, struct store_attempt *out, int64_t id);
/* Whether the attempt is open, and its deadline: STORE_OK, STORE_NONE, or negative. */
int store_attempt_state(struct store_rd *rd, int64_t id, bool *out_open, int64_t *out_deadline_ms);
/* Whether the attempt's stored form text holds text (exam_form_item_marker's, to find the
 * forms an item is on without reading them out): STORE_OK with *out_has, STORE_NONE, or
 * negative. */
int store_attempt_form_has(struct store_rd *rd, int64_t id, const char *text, bool *out_has);
/* The user's open attempt at an exam (without form/result): STORE_OK / STORE_NONE / <0. */
int store_attempt_open_for(struct store_rd *rd, struct store_attempt *out, int64_t user_id,
                           const char *exam_id);
/* The user's attempts (exam_id NULL = all exams), newest first, without form/result, at
 * most limit (1..1000). On STORE_OK *out is an array of *out_n (possibly 0) that the caller
 * frees with store_attempt_list_free. */
int store_attempt_list_user(struct store_rd *rd, struct store_attempt **out, size_t *out_n,
                            int64_t user_id, const char *exam_id, int limit);
/* Open attempts with id > after_id, by id, at most limit (1..1000), each with its form and
 * result (as store_attempt_get): a reader pages through them with the last id it got. On
 * STORE_OK *out is an array of *out_n (possibly 0) to free with store_attempt_list_free. */
int store_attempts_open_page(struct store_rd *rd, struct store_attempt **out, size_t *out_n,
                             int64_t after_id, int limit);
/* Frees a list of attempts (store_attempt_list_user, store_review_attempts,
 * store_attempts_open_page). NULL allowed. */
void store_attempt_list_free(struct store_attempt *list, size_t n);

/* Saves (or replaces) one answer of an open attempt, value being JSON text.
 * STORE_OK, STORE_NONE when the attempt does not exist, STORE_CONFLICT when it is no longer
 * open, or negative. The caller checks ownership, the form and the deadline first. */
int store_answer_put(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                     const char *value_json, int64_t saved_ms);

/* Saves one answer as store_answer_put does, in one transaction with the check that the
 * attempt is open and that not_after_ms (the request's time less the save grace) is not past
 * its deadline: STORE_OK, STORE_CONFLICT when it is closed or too late (nothing written),
 * STORE_NONE, or negative. *out_deadline_ms receives the deadline as read in the transaction
 * (0 when there is no such attempt). Like store_answer_put, it relies on the serial write
 * transaction (store.h, "Isolation"): the state is checked, then the answer saved. */
int store_answer_put_checked(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                             const char *value_json, int64_t saved_ms, int64_t not_after_ms,
                             int64_t *out_deadline_ms);

struct store_answer {
  char item_id[65];
  char *value; /* JSON text, malloc'd */
  int64_t saved_ms;
};
/* Every saved answer of an attempt, ordered by item id. On STORE_OK *out is an array of
 * *out_n entries (possibly 0) to free with store_answers_free. */
int store_answers_get(struct store_rd *rd, struct store_answer **out, size_t *out_n,
                      int64_t attempt_id);
void store_answers_free(struct store_answer *list, size_t n);

/* Finishes an open attempt: status submitted or closed, finished at finished_ms, with
 * its verdict (K, BK, PENDING) and result JSON; decided_at is set when the verdict is
 * K or BK. STORE_OK, STORE_NONE (no such attempt), STORE_CONFLICT (not open), or negative. */
int store_attempt_finish(struct store_tx *tx, int64_t id, enum attempt_status status,
                         int64_t finished_ms, enum verdict verdict, const char *result_json);
/* Replaces the verdict and result of a finished attempt (an assessor's decision).
 * STORE_OK, STORE_NONE, STORE_CONFLICT (still open), or negative. */
int store_attempt_set_result(struct store_tx *tx, int64_t id, enum verdict verdict,
                             const char *result_json);
/* Moves the deadline of an open attempt by extra_ms (> 0: extra time granted).
 * STORE_OK, STORE_NONE, STORE_CONFLICT (not open), or negative. */
int store_attempt_extend_deadline(struct store_tx *tx, int64_t id, int64_t extra_ms);

/* Ids of open attempts whose deadline is before before_ms, oldest deadline first, at most
 * max. STORE_OK with *out_n ids written to ids. */
int store_attempts_overdue(struct store_rd *rd, int64_t *ids, size_t max, size_t *out_n,
                           int64_t before_ms);

#endif
