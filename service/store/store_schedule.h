/*
 * Test events in the store: schedules (an exam at a TUK on a date, with its access window),
 * their assessors, and the enrolled candidates with their attendance. The store only keeps;
 * who may enrol, when a start is inside the window and what attendance means are the
 * schedule module's rules (common/schedule.h).
 */
#ifndef UJIKOM_STORE_SCHEDULE_H
#define UJIKOM_STORE_SCHEDULE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "ujikom/person_name.h"

struct store_tx;
struct store_rd;

struct store_schedule {
  int64_t id;
  char exam_id[41];
  char title[201];
  char tuk_name[201];
  char tuk_address[501];
  char time_zone[5];  /* "WIB", "WITA" or "WIT" */
  char exam_date[11]; /* the local date, YYYY-MM-DD */
  int64_t opens_ms;   /* the access window, UTC */
  int64_t closes_ms;
  int64_t capacity;      /* 1..5000 */
  char session_code[33]; /* "" when none */
  int64_t created_by;
  int64_t created_ms;
  int64_t enrolled; /* candidates enrolled (lists and look-ups fill it) */
};

/* One enrolled candidate (or an assigned assessor: only user_id, name and email). */
struct store_enrolment {
  int64_t schedule_id;
  int64_t user_id;
  char name[PERSON_NAME_SIZE];
  char email[255];
  int64_t enrolled_ms;
  int64_t attempt_id;  /* the attempt started inside the window, 0 before */
  int64_t attended_ms; /* 0 until present */
  int64_t attended_by; /* the assessor who marked it, 0 when the start recorded it */
};

/* Stores s (created_at = the transaction's time): STORE_OK with *out_id, STORE_HARD for a
 * value outside the table's checks, or negative. */
int store_schedule_create(struct store_tx *tx, int64_t *out_id, const struct store_schedule *s);
/* The schedule id: STORE_OK (*out filled), STORE_NONE, or negative. */
int store_schedule_get(struct store_rd *rd, struct store_schedule *out, int64_t id);
/* Schedules newest window first, one page of at most limit (1..1000): all (assessor_id 0) or
 * those assessor_id is assigned to; those after schedule before_id in that order (0: from
 * the newest; none when before_id is no schedule); *out_more: whether more follow. Free with
 * store_schedule_list_free. */
int store_schedule_list(struct store_rd *rd, struct store_schedule **out, size_t *out_n,
                        int64_t assessor_id, int64_t before_id, int limit, bool *out_more);
/* The schedules candidate user_id is enrolled in, newest window first (at most 100). */
int store_schedule_list_candidate(struct store_rd *rd, struct store_schedule **out, size_t *out_n,
                                  int64_t user_id);
/* The schedules of exam_id that user_id is enrolled in and has not started yet (at most
 * 100), earliest window first: the starts the window rule applies to. */
int store_schedule_pending_starts(struct store_rd *rd, struct store_schedule **out, size_t *out_n,
                                  int64_t user_id, const char *exam_id);
void store_schedule_list_free(struct store_schedule *list, size_t n);

/* Assigns an assessor: STORE_OK, STORE_EXISTS (already), or negative. */
int store_schedule_assessor_add(struct store_tx *tx, int64_t schedule_id, int64_t user_id);
/* Whether user_id is assigned to schedule_id: STORE_OK, STORE_NONE, or negative. */
int store_schedule_assessor_is(struct store_rd *rd, int64_t schedule_id, int64_t user_id);
/* The assessors of a schedule by name (user_id, name, email filled). */
int store_schedule_assessors(struct store_rd *rd, struct store_enrolment **out, size_t *out_n,
                             int64_t schedule_id);

/* Enrols user_id (at the transaction's time): STORE_OK, STORE_EXISTS (already), or negative. */
int store_enrolment_add(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                        int64_t enrolled_by);
/* Records the attempt started inside the window, and attendance when none was marked:
 * STORE_OK, STORE_NONE (not enrolled), or negative. */
int store_enrolment_set_attempt(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                                int64_t attempt_id);
/* An assessor marks user_id present: STORE_OK, STORE_NONE (not enrolled or marked already),
 * or negative. */
int store_enrolment_mark_attended(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                                  int64_t assessor_id);
/* The batch of a schedule ordered by name (every row: a schedule holds at most 5000). On
 * STORE_OK *out (NULL when none) is the caller's to free with store_enrolment_list_free. */
int store_enrolment_list(struct store_rd *rd, struct store_enrolment **out, size_t *out_n,
                         int64_t schedule_id);
void store_enrolment_list_free(struct store_enrolment *list, size_t n);

#endif
