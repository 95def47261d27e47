/*
 * Extra time planned in advance: an administrator grants a candidate extra minutes on one
 * exam before they start it (a reasonable adjustment, FR.AK.07). The grant stands for every
 * attempt of that exam the candidate starts while it exists; each start adds it to the new
 * attempt's deadline in the start's own transaction. Setting, removing and each use are
 * written to the audit log.
 */
#ifndef UJIKOM_COMMON_PLANNED_TIME_H
#define UJIKOM_COMMON_PLANNED_TIME_H

#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"

enum planned_time_rc {
  PLANNED_TIME_OK = 0,
  PLANNED_TIME_NOT_CANDIDATE,  /* no such account, or not a candidate's */
  PLANNED_TIME_EXAM_NOT_FOUND, /* no such exam in the catalogue */
  PLANNED_TIME_BAD_MINUTES,    /* outside 0..ATTEMPTS_MAX_EXTRA_MINUTES */
  PLANNED_TIME_BAD_REASON,     /* missing (for a grant), too long or with control characters */
  PLANNED_TIME_NONE,           /* removing a grant that does not exist */
  PLANNED_TIME_STORE_FAILED,   /* see *out_store_rc */
};

/* Grants user_id `minutes` (1..ATTEMPTS_MAX_EXTRA_MINUTES) on exam_id, replacing an earlier
 * grant, or removes the grant (minutes 0; reason optional then), audited as made by actor.
 * Attempts already started keep their deadline. */
enum planned_time_rc planned_time_set(struct svc *svc, int64_t actor, int64_t user_id,
                                      const char *exam_id, int64_t minutes, const char *reason,
                                      int *out_store_rc);

/* The grants of user_id (newest first, at most 100): PLANNED_TIME_OK with *out (free with
 * store_planned_time_list_free), or PLANNED_TIME_STORE_FAILED. */
enum planned_time_rc planned_time_list(struct store_planned_time **out, size_t *out_n,
                                       struct svc *svc, int64_t user_id, int *out_store_rc);

/* Inside an attempt's start transaction: the planned minutes of user_id on exam_id, 0 when
 * none. STORE_OK or negative. */
int planned_time_minutes(struct store_tx *tx, int64_t user_id, const char *exam_id,
                         int64_t *out_minutes);

/* Inside the same transaction, once the attempt exists: its audit entry saying the planned
 * minutes were added to its deadline. STORE_OK or negative. */
int planned_time_record_use(struct store_tx *tx, int64_t user_id, int64_t attempt_id,
                            int64_t minutes, int64_t deadline_ms);

#endif
