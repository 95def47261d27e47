/*
 * Test events (jadwal uji kompetensi): an administrator schedules an exam at a TUK on a date
 * with an access window, a capacity, assessors and an optional session code shown at the
 * TUK; candidates are enrolled (one by one through the importer, common/enrolment.h); a
 * candidate enrolled in a schedule of an exam starts that exam only inside its window (and
 * with its session code when it has one) — the start records attendance; an assigned
 * assessor may also mark a candidate present. Every change is audited.
 */
#ifndef UJIKOM_COMMON_SCHEDULE_H
#define UJIKOM_COMMON_SCHEDULE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"

#define SCHEDULE_MAX_CAPACITY  5000
#define SCHEDULE_MAX_ASSESSORS 20
#define SCHEDULE_LIST_MAX      200

enum schedule_rc {
  SCHEDULE_OK = 0,
  SCHEDULE_BAD_FIELD,      /* *out_field names it */
  SCHEDULE_EXAM_NOT_FOUND, /* no such exam in the catalogue */
  SCHEDULE_NOT_ASSESSOR,   /* an assessor id is not an active assessor's */
  SCHEDULE_NOT_FOUND,      /* no such schedule, or one the asker is not assigned to */
  SCHEDULE_NOT_ENROLLED,   /* attendance: the candidate is not in the batch */
  SCHEDULE_MARKED_ALREADY, /* attendance: present already */
  SCHEDULE_STORE_FAILED,   /* see *out_store_rc */
};

struct schedule_new {
  const char *exam_id, *title, *tuk_name, *tuk_address;
  const char *time_zone;    /* "WIB", "WITA" or "WIT" */
  const char *date;         /* YYYY-MM-DD, the TUK's local date */
  const char *opens;        /* HH:MM local: the access window */
  const char *closes;       /* HH:MM local, after opens (same day) */
  const char *session_code; /* NULL or "": none; else 4..32 letters and digits */
  int64_t capacity;         /* 1..SCHEDULE_MAX_CAPACITY */
  const int64_t *assessors; /* active assessors' ids */
  size_t nassessors;        /* 0..SCHEDULE_MAX_ASSESSORS */
};

/* Creates a schedule, audited as made by actor. SCHEDULE_OK with *out_id; SCHEDULE_BAD_FIELD
 * with *out_field the field's name; SCHEDULE_EXAM_NOT_FOUND, SCHEDULE_NOT_ASSESSOR, or
 * SCHEDULE_STORE_FAILED. */
enum schedule_rc schedule_create(int64_t *out_id, struct svc *svc, int64_t actor,
                                 const struct schedule_new *in, const char **out_field,
                                 int *out_store_rc);

/* A schedule as the asker may see it: every one for an admin, those they are assigned to for
 * an assessor (else SCHEDULE_NOT_FOUND). */
enum schedule_rc schedule_get(struct store_schedule *out, struct svc *svc, int64_t asker,
                              enum role role, int64_t id, int *out_store_rc);
/* Whether asker (role) may see schedule id (every one for an admin, those they are assigned to
 * for an assessor): STORE_OK, STORE_NONE, or negative. */
int schedule_may_see(struct store_rd *rd, int64_t asker, enum role role, int64_t id);
/* The schedules the asker may see (as schedule_get), newest window first, one page of at
 * most SCHEDULE_LIST_MAX: from the newest (before_id 0), or those after schedule before_id
 * (the last of the page before); *out_next is the next page's before_id, 0 when there is
 * none. Free with store_schedule_list_free. */
enum schedule_rc schedule_list(struct store_schedule **out, size_t *out_n, int64_t *out_next,
                               struct svc *svc, int64_t asker, enum role role, int64_t before_id,
                               int *out_store_rc);
/* The schedules candidate user_id is enrolled in (their page). */
enum schedule_rc schedule_list_candidate(struct store_schedule **out, size_t *out_n,
                                         struct svc *svc, int64_t user_id, int *out_store_rc);
/* The batch (and assessors) of a schedule the asker may see. Free both with
 * store_enrolment_list_free. */
enum schedule_rc schedule_batch(struct store_enrolment **out, size_t *out_n,
                                struct store_enrolment **out_assessors, size_t *out_na,
                                struct svc *svc, int64_t asker, enum role role, int64_t id,
                                int *out_store_rc);
/* An assigned assessor (or an admin) marks candidate user_id of schedule id present. */
enum schedule_rc schedule_mark_attended(struct svc *svc, int64_t actor, enum role role, int64_t id,
                                        int64_t user_id, int *out_store_rc);

/* The window rule at a start. */
enum schedule_gate {
  SCHEDULE_GATE_FREE = 0,    /* not enrolled in a pending schedule of the exam: no rule */
  SCHEDULE_GATE_OPEN,        /* inside a window (with the right code): *out_s is it */
  SCHEDULE_GATE_NOT_YET,     /* before the earliest window: *out_s is that schedule */
  SCHEDULE_GATE_CLOSED,      /* after every window: *out_s the latest */
  SCHEDULE_GATE_CODE_NEEDED, /* inside a window whose session code was not given */
  SCHEDULE_GATE_CODE_WRONG,  /* ... given wrong */
};
/* Which applies to user_id starting exam_id at now_ms with code (NULL: none given), read
 * through rd (inside the start's own transaction for the decision that counts). checked_in:
 * the schedule a check-in code started this session for (common/checkin.h; 0: none): then
 * that schedule alone decides, by its window, and the check-in stands for its session code
 * (SCHEDULE_GATE_FREE when the candidate has started from it already).
 * STORE_OK with *out and *out_s, or negative. */
int schedule_start_gate(enum schedule_gate *out, struct store_schedule *out_s, struct store_rd *rd,
                        int64_t user_id, const char *exam_id, const char *code, int64_t checked_in,
                        int64_t now_ms);
/* Inside the start's transaction, once the attempt exists: attendance by the start, and
 * its audit entry. STORE_OK or negative. */
int schedule_record_start(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                          int64_t attempt_id);

/* The UTC time of local date + HH:MM in zone name: 0 and *out_ms, or -1. */
int schedule_local_time(int64_t *out_ms, const char *date, const char *hhmm, const char *zone_name);

/* A schedule as the API writes it: to staff with its session code (shown at the TUK), to
 * its candidate without it. NULL when memory runs out. */
json_t *schedule_to_json(const struct store_schedule *s, bool staff);

#endif
