/*
 * One-time check-in codes in the store: the hash of each code with its schedule and
 * candidate, when it was used, and the look-ups a check-in session's scope needs. Which codes
 * are made, when one may be redeemed and what the session may reach are the check-in
 * module's rules (common/checkin.h).
 */
#ifndef UJIKOM_STORE_CHECKIN_H
#define UJIKOM_STORE_CHECKIN_H

#include <stddef.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

struct store_checkin_code {
  char code_hash[65]; /* hex SHA-256 of the normalised code */
  int64_t schedule_id;
  int64_t user_id;
  int64_t created_by;
  int64_t created_ms;
  int64_t used_ms; /* 0 while unused */
};

/* Where a candidate of a schedule stands with codes (the attendance list). */
struct store_checkin_state {
  int64_t user_id;
  int64_t unused;  /* 1 when an unused code exists */
  int64_t used_ms; /* when the latest code was used, 0 when none was */
};

/* Stores a new code of user_id for schedule_id (made by created_by at the transaction's time)
 * and deletes the candidate's unused code of that schedule, if any (it stops working).
 * STORE_OK, STORE_EXISTS (the hash is taken: make another code), or negative. */
int store_checkin_code_put(struct store_tx *tx, const char *code_hash, int64_t schedule_id,
                           int64_t user_id, int64_t created_by);
/* The code with this hash: STORE_OK (*out filled), STORE_NONE, or negative. */
int store_checkin_code_get(struct store_rd *rd, struct store_checkin_code *out,
                           const char *code_hash);
/* Marks the code used at the transaction's time: STORE_OK, STORE_NONE when there is no such
 * unused code, or negative. */
int store_checkin_code_use(struct store_tx *tx, const char *code_hash);
/* Per candidate of schedule_id that has had a code: whether one is unused and when the latest
 * was used, ordered by user id. On STORE_OK *out (NULL when none) is the caller's to free
 * with store_checkin_states_free. */
int store_checkin_states(struct store_rd *rd, struct store_checkin_state **out, size_t *out_n,
                         int64_t schedule_id);
void store_checkin_states_free(struct store_checkin_state *list, size_t n);

/* Attendance by a check-in: attended_at is set (kept when already marked). STORE_OK,
 * STORE_NONE (not enrolled), or negative. */
int store_enrolment_checked_in(struct store_tx *tx, int64_t schedule_id, int64_t user_id);

/* Ends the sessions user_id's check-ins to schedule_id started; *out_n (may be NULL) receives
 * how many. STORE_OK or negative. */
int store_checkin_sessions_end(struct store_tx *tx, int64_t schedule_id, int64_t user_id,
                               int64_t *out_n);

/* Whether attempt_id is the attempt user_id started under schedule_id (its enrolment's):
 * STORE_OK, STORE_NONE, or negative. */
int store_checkin_attempt_is(struct store_rd *rd, int64_t schedule_id, int64_t user_id,
                             int64_t attempt_id);
/* Whether evidence upload upload_id belongs to that attempt: STORE_OK, STORE_NONE, or
 * negative. */
int store_checkin_upload_is(struct store_rd *rd, int64_t schedule_id, int64_t user_id,
                            const char *upload_id);

#endif
