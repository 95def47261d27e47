/*
 * Extra time planned in advance: minutes an administrator grants a candidate on one exam
 * before they start it. The store keeps the grants; when and how they apply is the attempts
 * module's rule (common/attempts.h).
 */
#ifndef UJIKOM_STORE_PLANNED_TIME_H
#define UJIKOM_STORE_PLANNED_TIME_H

#include <stddef.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

struct store_planned_time {
  int64_t user_id;
  char exam_id[41];
  int64_t minutes; /* 1..600 */
  char reason[1001];
  int64_t created_by;
  int64_t created_ms;
};

/* Sets the grant of p->user_id on p->exam_id (replacing one already there), made at the
 * transaction's time. STORE_OK, STORE_HARD for a value outside the table's checks (or an
 * unknown user), or negative. */
int store_planned_time_put(struct store_tx *tx, const struct store_planned_time *p);
/* Removes it: STORE_OK, STORE_NONE when there was none, or negative. */
int store_planned_time_delete(struct store_tx *tx, int64_t user_id, const char *exam_id);
/* The grant of user_id on exam_id: STORE_OK (*out filled), STORE_NONE, or negative. */
int store_planned_time_get(struct store_rd *rd, struct store_planned_time *out, int64_t user_id,
                           const char *exam_id);
/* The grants of one user (user_id > 0) or of everyone (user_id 0), newest first, at most
 * limit (1..1000). On STORE_OK *out (possibly 0) is the caller's to free with
 * store_planned_time_list_free. */
int store_planned_time_list(struct store_rd *rd, struct store_planned_time **out, size_t *out_n,
                            int64_t user_id, int limit);
void store_planned_time_list_free(struct store_planned_time *list, size_t n);

#endif
