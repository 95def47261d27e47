/*
 * Reviews in the store: assessor claims on attempts awaiting review, decisions per unit and
 * overall (every decision kept; the latest per attempt is current), and appeals. Checking
 * marks against rubrics and deciding who may do what happens in the callers.
 */
#ifndef UJIKOM_STORE_REVIEWS_H
#define UJIKOM_STORE_REVIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/states.h"

struct store_tx;
struct store_rd;
struct store_attempt; /* store_attempts.h */

/* --- claims --- */
struct store_claim {
  int64_t attempt_id;
  int64_t assessor_id;
  int64_t claimed_ms;
  int64_t expires_ms;
};

/* Claims an attempt awaiting review (verdict PENDING) for assessor_id until now + ttl_ms
 * (now = the transaction's time). Taking over a lapsed claim and renewing one's own are
 * allowed. Returns STORE_OK with *out = the new claim; STORE_CONFLICT with *out = the
 * current holder's live claim; STORE_NONE when the attempt does not exist or is not
 * awaiting review; negative on storage errors. Relies on the serial write transaction
 * (store.h, "Isolation"): the holder is checked, then the claim written. */
int store_claim_take(struct store_tx *tx, struct store_claim *out, int64_t attempt_id,
                     int64_t assessor_id, int64_t ttl_ms);
/* The claim on an attempt, lapsed or not: STORE_OK / STORE_NONE / negative. */
int store_claim_get(struct store_rd *rd, struct store_claim *out, int64_t attempt_id);
/* Drops the claim on an attempt: STORE_OK (also when there was none) or negative. */
int store_claim_release(struct store_tx *tx, int64_t attempt_id);

/* --- the queue --- */
struct store_queue_entry {
  int64_t attempt_id;
  int64_t user_id; /* the candidate */
  char exam_id[41];
  int64_t since_ms;         /* finished (or appealed) at */
  int64_t holder_id;        /* claiming or assigned assessor; 0 when none */
  int64_t claim_expires_ms; /* 0 when unclaimed or for appeals */
  int64_t appeal_id;        /* > 0: an assigned appeal, not a first review */
};

/* Attempts awaiting a first review (verdict PENDING) and attempts with an appeal assigned
 * to an assessor, oldest first (by since_ms, then attempt id), those after the entry
 * (after_since_ms, after_attempt_id) in that order (0, 0: from the first); exam_id NULL =
 * every exam; at most limit (1..1000). On STORE_OK *out (possibly 0 entries) is the caller's
 * to free with store_queue_list_free. */
int store_review_queue(struct store_rd *rd, struct store_queue_entry **out, size_t *out_n,
                       const char *exam_id, int64_t after_since_ms, int64_t after_attempt_id,
                       int limit);
void store_queue_list_free(struct store_queue_entry *list, size_t n);

/* --- decisions --- */
#define STORE_DECISION_ASSESSOR "assessor"
#define STORE_DECISION_ADMIN    "admin"
#define STORE_DECISION_APPEAL   "appeal"

struct store_decision {
  int64_t id;
  int64_t attempt_id;
  int64_t decided_by;
  char kind[16];
  int64_t decided_ms;
  enum verdict overall; /* VERDICT_K or VERDICT_BK */
  char *marks;          /* JSON text, malloc'd on read */
  char *units;          /* JSON text, malloc'd on read */
  char *feedback;       /* may be NULL */
  char *reason;         /* may be NULL; required for kind admin */
  int64_t appeal_id;    /* kind appeal only, else 0 */
};

/* Records a decision (decided at the transaction's time). The strings are only read.
 * STORE_OK with *out_id, or negative (STORE_HARD when a field breaks the table's rules,
 * e.g. an admin change without a reason). */
int store_decision_add(struct store_tx *tx, int64_t *out_id, const struct store_decision *d);
/* The current (latest) decision of an attempt: STORE_OK (free the strings with
 * store_decision_clear), STORE_NONE, or negative. */
int store_decision_latest(struct store_rd *rd, struct store_decision *out, int64_t attempt_id);
/* Every decision of an attempt, oldest first. On STORE_OK *out (possibly 0 entries) is the
 * caller's to free with store_decision_list_free. */
int store_decision_history(struct store_rd *rd, struct store_decision **out, size_t *out_n,
                           int64_t attempt_id);
void store_decision_clear(struct store_decision *d);
void store_decision_list_free(struct store_decision *list, size_t n);

/* --- appeals --- */
struct store_appeal {
  int64_t id;
  int64_t attempt_id;
  int64_t candidate_id;
  char *reason; /* malloc'd on read */
  int64_t created_ms;
  enum appeal_status status;
  int64_t original_assessor_id; /* 0 when the first result needed no assessor */
  int64_t assessor_id;          /* 0 until assigned */
  int64_t assigned_ms;
  int64_t decided_ms;
};

/* Opens an appeal (created at the transaction's time). STORE_OK with *out_id, STORE_EXISTS
 * when the attempt was already appealed, or negative. original_assessor_id 0 = none. */
int store_appeal_create(struct store_tx *tx, int64_t *out_id, int64_t attempt_id,
                        int64_t candidate_id, const char *reason, int64_t original_assessor_id);
/* Look-ups: STORE_OK (free with store_appeal_clear), STORE_NONE, or negative. */
int store_appeal_get(struct store_rd *rd, struct store_appeal *out, int64_t id);
int store_appeal_for_attempt(struct store_rd *rd, struct store_appeal *out, int64_t attempt_id);
/* Assigns (or re-assigns) an open or assigned appeal. STORE_OK, STORE_NONE (no such appeal),
 * STORE_CONFLICT (already decided), or negative. */
int store_appeal_assign(struct store_tx *tx, int64_t id, int64_t assessor_id);
/* Marks an assigned appeal decided. STORE_OK, STORE_NONE, STORE_CONFLICT (not assigned). */
int store_appeal_set_decided(struct store_tx *tx, int64_t id);
/* Appeals with a status (NULL = all), oldest first, after appeal after_id (0: from the
 * oldest), one page of at most limit (1..1000); *out_more: whether more follow. On STORE_OK
 * *out (possibly 0) is the caller's to free with store_appeal_list_free. */
int store_appeal_list(struct store_rd *rd, struct store_appeal **out, size_t *out_n,
                      const enum appeal_status *status, int64_t after_id, int limit,
                      bool *out_more);
/* Appeals still to be decided (open or assigned) with id > after_id, oldest first, at most
 * limit (1..1000): however many were decided before them. As store_appeal_list. */
int store_appeal_list_undecided(struct store_rd *rd, struct store_appeal **out, size_t *out_n,
                                int64_t after_id, int limit, bool *out_more);
void store_appeal_clear(struct store_appeal *a);
void store_appeal_list_free(struct store_appeal *list, size_t n);

/* --- marks saved for one item ahead of a decision --- */
struct store_item_marks {
  char item_id[65];
  char *marks; /* JSON text, malloc'd on read */
  int64_t saved_ms;
};

/* Saves (or replaces) assessor_id's marks for item_id of attempt_id, at the transaction's
 * time. Whether the assessor may mark is checked by the caller in the same transaction.
 * STORE_OK or negative. */
int store_item_marks_put(struct store_tx *tx, int64_t attempt_id, const char *item_id,
                         int64_t assessor_id, const char *marks);
/* assessor_id's saved marks for attempt_id, by item id. On STORE_OK *out (NULL when none)
 * is the caller's to free with store_item_marks_list_free; negative otherwise. */
int store_item_marks_list(struct store_rd *rd, struct store_item_marks **out, size_t *out_n,
                          int64_t attempt_id, int64_t assessor_id);
void store_item_marks_list_free(struct store_item_marks *list, size_t n);

/* --- attempts as administrators see them --- */

/* Every attempt (not only one user's), newest first, without form/result, filtered by
 * exam_id, status and verdict (each NULL = any; VERDICT_NONE = none yet), with id < before_id
 * (0 = from the newest), at most limit (1..1000). On STORE_OK *out (possibly 0) is the
 * caller's to free with store_attempt_list_free (store_attempts.h). */
int store_review_attempts(struct store_rd *rd, struct store_attempt **out, size_t *out_n,
                          const char *exam_id, const enum attempt_status *status,
                          const enum verdict *verdict, int64_t before_id, int limit);

/* What a search of attempts keeps: each member NULL = any. candidate is matched as
 * store_user_search's text, against the candidate's name and e-mail address. */
struct store_attempt_filter {
  const char *exam_id;
  const enum attempt_status *status;
  const enum verdict *verdict;
  const char *candidate;
};

/* Keyset paging over every attempt: those matching f (NULL = all) with id < before_id
 * (0 = from the newest), newest first, as store_review_attempts; with out_more (NULL: not
 * asked), whether more follow, read in the same statement. */
int store_attempt_search(struct store_rd *rd, struct store_attempt **out, size_t *out_n,
                         const struct store_attempt_filter *f, int64_t before_id, int limit,
                         bool *out_more);

#endif
