/*
 * Check-in by one-time code (kode masuk): an admin or an assessor assigned to a schedule makes
 * a code for each enrolled candidate, printed on the attendance list and handed out at the
 * TUK after the identity check; the candidate types it instead of a password and gets a
 * session scoped to the schedule's exam. The password's memory-hard hash is skipped because
 * the code is random (60 bits), one-time and valid only inside its schedule's window
 * (docs/security.md, "Check-in codes"). Every rule of codes and their redemption lives here.
 */
#ifndef UJIKOM_COMMON_CHECKIN_H
#define UJIKOM_COMMON_CHECKIN_H

#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"
#include "ujikom/checkin_code.h"
#include "ujikom/person_name.h"
#include "ujikom/states.h"

enum checkin_rc {
  CHECKIN_OK = 0,
  /* redeeming: an unknown or used code, or one of a candidate no longer in the batch: one
   * answer for all, so a guess learns nothing */
  CHECKIN_REFUSED,
  CHECKIN_NOT_YET,      /* redeeming: before the schedule's window (times in the result) */
  CHECKIN_CLOSED,       /* redeeming: after it */
  CHECKIN_DISABLED,     /* redeeming: the candidate's account is disabled */
  CHECKIN_NOT_FOUND,    /* making codes: no such schedule, or not one the asker may see */
  CHECKIN_NOT_ENROLLED, /* making a code: the candidate is not in the batch */
  CHECKIN_STORE_FAILED, /* see *out_store_rc */
  CHECKIN_NO_RANDOM,    /* the random generator failed */
};

/* A code just made: shown once (the attendance list, the API's answer), never stored. */
struct checkin_issued {
  int64_t user_id;
  char name[PERSON_NAME_SIZE];
  char email[255];
  char code[CHECKIN_CODE_TEXT_SIZE];
};

/* Makes codes for schedule_id as actor (role): for every enrolled candidate without an unused
 * code (user_id 0), or a new code for one candidate (user_id), which stops their unused one
 * and ends the sessions their earlier codes of the schedule started.
 * Audited (schedule.checkin_codes, with the count). CHECKIN_OK with *out (ordered by name;
 * NULL when none) to free with checkin_issued_free, which wipes the codes; CHECKIN_NOT_FOUND
 * (an admin sees every schedule, an assessor those assigned to them), CHECKIN_NOT_ENROLLED,
 * CHECKIN_NO_RANDOM or CHECKIN_STORE_FAILED. */
enum checkin_rc checkin_codes_make(struct checkin_issued **out, size_t *out_n, struct svc *svc,
                                   int64_t actor, enum role role, int64_t schedule_id,
                                   int64_t user_id, int *out_store_rc);
void checkin_issued_free(struct checkin_issued *list, size_t n);

/* Where each candidate of a schedule the asker may see stands with codes (the attendance list
 * after the codes were shown): as schedule_batch's check, store_checkin_states's rows. */
enum checkin_rc checkin_states(struct store_checkin_state **out, size_t *out_n, struct svc *svc,
                               int64_t asker, enum role role, int64_t schedule_id,
                               int *out_store_rc);

/* What a redeemed code gave (and, refused for its window, the window). */
struct checkin_result {
  int64_t user_id;
  enum role role;
  char name[PERSON_NAME_SIZE];
  char email[255];
  int64_t schedule_id;
  char exam_id[41];
  int64_t opens_ms, closes_ms;
  char time_zone[5];          /* the TUK's, for showing the window */
  int64_t session_expires_ms; /* the session's absolute end */
};

/* Redeems code (as typed) at now_ms, from the client address `address` (NULL: unknown), and
 * starts the session session_hash (the hash of a fresh token the caller made) in one
 * transaction: the code is used, the candidate's attendance recorded, the check-in audited
 * (auth.checkin, with from->address) and the session created (with from->device, the kind of
 * device it comes from: device_kind_code, NULL or "" when not recognised), scoped to the
 * schedule and ending when the window closes plus the exam's duration and the candidate's
 * planned extra time (or earlier, idle_ms after its last use); the session old_hash (NULL:
 * none) ends. Accepted only for an unused code of a candidate still enrolled, inside the
 * window, with the account enabled; else CHECKIN_REFUSED, CHECKIN_NOT_YET / CHECKIN_CLOSED
 * (with the window in *out), CHECKIN_DISABLED or CHECKIN_STORE_FAILED. */
struct checkin_from {
  const char *address; /* the client's address, for the audit entry (NULL: unknown) */
  const char *device;
};
enum checkin_rc checkin_redeem(struct checkin_result *out, struct svc *svc, const char *code,
                               const char *session_hash, const char *old_hash,
                               const struct checkin_from *from, int64_t now_ms, int64_t idle_ms,
                               int *out_store_rc);

/* What a check-in session may reach beyond the routes it needs no parameter for. */
enum checkin_target {
  CHECKIN_TARGET_ATTEMPT, /* id: an attempt, which must be the one started under the schedule */
  CHECKIN_TARGET_UPLOAD,  /* id: an evidence upload of that attempt */
};
/* Whether a session scoped to schedule_id of user_id reaches target id, read through rd:
 * STORE_OK, STORE_NONE, or negative. */
int checkin_scope_reaches(struct store_rd *rd, int64_t schedule_id, int64_t user_id,
                          enum checkin_target target, const char *id);

#endif
