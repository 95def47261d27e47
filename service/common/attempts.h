/*
 * Attempts, the candidate's side of an exam: the one home of every attempt rule, whichever
 * front-end asks (the JSON API, the no-JavaScript pages, the daemon's sweep). Start (retake
 * policy, form draw, or the open attempt resumed), read (an attempt is visible to its
 * candidate alone), save (durable before the caller answers; the deadline plus the save
 * grace), submit (scores; pending while open items await an assessor), the remaining time,
 * the verdict a candidate may see, and closing overdue attempts.
 *
 * The deadline lives in the store (extra time moves it); an attempt whose deadline plus the
 * save grace has passed is closed and scored AT its deadline the moment anyone reads it
 * through attempts_get_own() and the like, and by attempts_close_overdue() at start-up and
 * periodically. Every operation takes plain values and answers with an attempts_rc.
 */
#ifndef UJIKOM_ATTEMPTS_H
#define UJIKOM_ATTEMPTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"
#include "ujikom/numeric.h"

struct exam;
struct exam_form;
struct exam_item;

/* The longest answer accepted, as JSON text. */
#define ATTEMPTS_MAX_ANSWER_JSON 65536

enum attempts_rc {
  ATTEMPTS_OK = 0,
  ATTEMPTS_NO_CATALOG,           /* the exam catalogue is not loaded (503) */
  ATTEMPTS_EXAM_NOT_FOUND,       /* start: no such exam */
  ATTEMPTS_NOT_FOUND,            /* no such attempt, or someone else's (alike: ids leak nothing) */
  ATTEMPTS_LIMIT,                /* start: every attempt the exam allows is used */
  ATTEMPTS_ALREADY_COMPETENT,    /* start: the last attempt was K */
  ATTEMPTS_AWAITING_REVIEW,      /* start: the last attempt waits for an assessor */
  ATTEMPTS_COOLDOWN,             /* start: the last attempt was BK and the waiting period runs */
  ATTEMPTS_NOT_ELIGIBLE,         /* start: the exam requires an application found eligible */
  ATTEMPTS_WINDOW_NOT_OPEN,      /* start: the candidate's schedule has not opened yet */
  ATTEMPTS_WINDOW_CLOSED,        /* start: the candidate's schedule has closed */
  ATTEMPTS_SESSION_CODE,         /* start: the schedule's session code is missing or wrong */
  ATTEMPTS_CLOSED,               /* submitted (or closed meanwhile): no answer can be saved */
  ATTEMPTS_DEADLINE,             /* its deadline plus the save grace has passed */
  ATTEMPTS_ITEM_NOT_IN_FORM,     /* save: the item is not part of the attempt's form */
  ATTEMPTS_NO_VALUE,             /* save: no answer value was given */
  ATTEMPTS_BAD_ANSWER,           /* save: the value does not have the item's shape (err says) */
  ATTEMPTS_BAD_NUMBER,           /* save: a numeric answer's text does not read as a number */
  ATTEMPTS_TOO_LONG,             /* save: the answer's JSON text passes ATTEMPTS_MAX_ANSWER_JSON */
  ATTEMPTS_EXAM_VERSION_MISSING, /* the attempt's exam version cannot be loaded or rebuilt */
  ATTEMPTS_BUSY,                 /* the store's write lock was not obtained: retry (503) */
  ATTEMPTS_UNAVAILABLE,          /* the store cannot be used or memory ran out: retry (503) */
  ATTEMPTS_INTERNAL,             /* a broken invariant or corrupt data (500) */
};

/* A short English name of rc for logs ("ok", "not_found", ...). */
const char *attempts_rc_name(enum attempts_rc rc);

/* ------------------------------------------------------------------ rules on a read attempt */

/* Whether answers may still be saved into a (ATTEMPT_OPEN). */
bool attempts_is_open(const struct store_attempt *a);
/* Whether a is open and its deadline has passed at now_ms: finished as its candidate lives it
 * (no more "continue"), while saves sent in time may still land within the save grace. */
bool attempts_time_up(const struct store_attempt *a, int64_t now_ms);
/* Whether a is open past its deadline plus the save grace at now_ms (to be closed). */
bool attempts_overdue(const struct svc *svc, const struct store_attempt *a, int64_t now_ms);
/* Whole seconds left until a's deadline at now_ms, rounded up; 0 once it is not open. */
int64_t attempts_remaining_s(const struct store_attempt *a, int64_t now_ms);
/* Whether a's verdict is final (K or BK). */
bool attempts_decided(const struct store_attempt *a);
/* The verdict as the candidate may see it: "K"/"BK" once decided, "pending" once finished
 * and not decided, NULL while open. */
const char *attempts_visible_verdict(const struct store_attempt *a);
/* Why no answer can be saved into a: ATTEMPTS_OK while it is open, ATTEMPTS_DEADLINE when
 * it was closed by the clock, ATTEMPTS_CLOSED when it was submitted. */
enum attempts_rc attempts_accepts_answers(const struct store_attempt *a);
/* The exam version of a as loaded (else the current version of its exam), or NULL; borrowed
 * from the catalogue. */
const struct exam *attempts_exam(const struct svc *svc, const struct store_attempt *a);
/* The exam's title for a (attempts_exam's, else the exam id); borrowed. */
const char *attempts_exam_title(const struct svc *svc, const struct store_attempt *a);

/* ------------------------------------------------------------------ operations */

/* Starts exam_id (its current version) for user_id under the retake policy, or finds their
 * open attempt at it (an overdue one is closed first, then the policy applies). On
 * ATTEMPTS_OK *out_id is the attempt to continue and *out_created says whether it is new.
 * With ATTEMPTS_COOLDOWN *out_retry_at_ms says when a new attempt may start; with
 * ATTEMPTS_LIMIT *out_max_attempts is the exam's limit. Otherwise an error outcome. */
struct attempts_started {
  int64_t id;
  bool created;
  int64_t retry_at_ms;
  long max_attempts;
  size_t used; /* attempts at the exam before this one (when the policy was applied) */
  /* The candidate's schedule of the exam (common/schedule.h), 0 when none applies; with
   * ATTEMPTS_WINDOW_NOT_OPEN / _CLOSED its window. */
  int64_t schedule_id;
  int64_t window_opens_ms, window_closes_ms;
  bool code_required; /* the schedule asks for a session code (start_check: still to give) */
};
enum attempts_rc attempts_start(struct attempts_started *out, struct svc *svc, int64_t user_id,
                                const char *exam_id, int64_t now_ms);
/* attempts_start with the session code the candidate typed (NULL: none). A candidate
 * enrolled in a schedule of the exam they have not started yet starts only inside its
 * window and, when it has one, with its code (ATTEMPTS_WINDOW_NOT_OPEN,
 * ATTEMPTS_WINDOW_CLOSED, ATTEMPTS_SESSION_CODE); the start then records attendance. */
enum attempts_rc attempts_start_coded(struct attempts_started *out, struct svc *svc,
                                      int64_t user_id, const char *exam_id,
                                      const char *session_code, int64_t now_ms);

/* attempts_start (create) or attempts_start_check (!create) in a session started by a
 * check-in code for schedule_id (common/checkin.h): that schedule's window decides, the
 * check-in standing for its session code, and the start records attendance there. */
enum attempts_rc attempts_start_checked_in(struct attempts_started *out, struct svc *svc,
                                           int64_t user_id, const char *exam_id,
                                           int64_t schedule_id, bool create, int64_t now_ms);

/* What attempts_start would answer, without starting: ATTEMPTS_OK with out->id the open
 * attempt to continue (0: a new one may start; out->used attempts so far), or the same
 * refusals (ATTEMPTS_COOLDOWN with out->retry_at_ms, ATTEMPTS_LIMIT, ...). An overdue open
 * attempt is closed first, as attempts_start does. For the page shown before the clock
 * starts. */
enum attempts_rc attempts_start_check(struct attempts_started *out, struct svc *svc,
                                      int64_t user_id, const char *exam_id, int64_t now_ms);

/* Reads attempt_id for user_id into *out (brief: without its form and result texts), closing
 * it at its deadline first when it is overdue (then it is read again, in full). ATTEMPTS_OK,
 * ATTEMPTS_NO_CATALOG, ATTEMPTS_NOT_FOUND (attempt_id <= 0 included), or an error outcome.
 * On ATTEMPTS_OK the caller clears *out with store_attempt_clear; otherwise it is zeroed. */
enum attempts_rc attempts_get_own(struct store_attempt *out, struct svc *svc, int64_t user_id,
                                  int64_t attempt_id, bool brief, int64_t now_ms);

/* What the candidate's form read needs: the attempt (brief) and its saved answers, read in
 * one snapshot, closed at its deadline first when overdue. */
struct attempts_sheet {
  struct store_attempt attempt;
  struct store_answer *answers;
  size_t nanswers;
  struct store_flag *flags; /* items flagged for review */
  size_t nflags;
};
/* As attempts_get_own(), with the saved answers. On ATTEMPTS_OK the caller frees *out with
 * attempts_sheet_clear; otherwise it is zeroed. */
enum attempts_rc attempts_get_sheet(struct attempts_sheet *out, struct svc *svc, int64_t user_id,
                                    int64_t attempt_id, int64_t now_ms);
/* As attempts_get_sheet, reading in rd (an open read transaction whose snapshot the caller
 * read in before, e.g. the session's; NULL: a new one), which it ends. */
enum attempts_rc attempts_get_sheet_in(struct attempts_sheet *out, struct svc *svc,
                                       struct store_rd *rd, int64_t user_id, int64_t attempt_id,
                                       int64_t now_ms);
void attempts_sheet_clear(struct attempts_sheet *s);

/* The drawn form of a (read briefly or not): from the form index, else rebuilt from its
 * stored form against its exam version (and then indexed). ATTEMPTS_OK with *out (free with
 * exam_form_free), ATTEMPTS_EXAM_VERSION_MISSING (logged), or ATTEMPTS_UNAVAILABLE. */
enum attempts_rc attempts_form(struct exam_form **out, struct svc *svc,
                               const struct store_attempt *a);

/* Saved answers of attempt_id as a new JSON object item id -> value (answers whose text is
 * not JSON are left out). ATTEMPTS_OK with *out (the caller's reference), or an error. */
enum attempts_rc attempts_answers_json(json_t **out, struct svc *svc, int64_t attempt_id);

/* The stored text of value as an answer to item: ATTEMPTS_OK with *out (free()),
 * ATTEMPTS_BAD_ANSWER (err says why), ATTEMPTS_BAD_NUMBER (a numeric item's text that
 * numeric_parse refuses: *out_number says why, if out_number is not NULL, err in English),
 * ATTEMPTS_TOO_LONG or ATTEMPTS_INTERNAL. A numeric answer given as text is stored as the
 * number it reads as ("30.000" in a whole-number item: 30000). */
enum attempts_rc attempts_answer_text(char **out, enum numeric_rc *out_number,
                                      const struct exam_item *item, const json_t *value, char *err,
                                      size_t errlen);

/* user_id's attempt_id into *a (brief; the caller clears it with store_attempt_clear, also
 * on failure: it is zeroed when it could not be read) when it accepts answers, and item_id of
 * its form into *out_item; *out_form may receive the form rebuilt for the look-up (the caller
 * frees it with exam_form_free). ATTEMPTS_OK, ATTEMPTS_NOT_FOUND, ATTEMPTS_DEADLINE /
 * ATTEMPTS_CLOSED, ATTEMPTS_ITEM_NOT_IN_FORM, or an error outcome. */
enum attempts_rc attempts_open_item(struct store_attempt *a, const struct exam_item **out_item,
                                    struct exam_form **out_form, struct svc *svc, int64_t user_id,
                                    int64_t attempt_id, const char *item_id, int64_t now_ms);

/* The not_after_ms of store_answer_put_checked for a save at now_ms: a save sent in time is
 * still taken within the save grace after the deadline. */
int64_t attempts_save_not_after(const struct svc *svc, int64_t now_ms);

/* One answer saved, as the API saves it. */
struct attempts_saved {
  const struct exam_item *item; /* the item answered (borrowed from the catalogue) */
  int64_t deadline_ms;          /* the deadline as read when saving */
  int64_t remaining_s;          /* seconds left then */
  enum numeric_rc number;       /* with ATTEMPTS_BAD_NUMBER: why the text is not a number */
};
/* Saves value (NULL: none was given) as user_id's answer to item_id in attempt_id at now_ms;
 * durable on ATTEMPTS_OK. In this order: ATTEMPTS_NO_CATALOG, ATTEMPTS_NOT_FOUND, ATTEMPTS_
 * DEADLINE / ATTEMPTS_CLOSED, ATTEMPTS_ITEM_NOT_IN_FORM, ATTEMPTS_NO_VALUE, ATTEMPTS_BAD_
 * ANSWER (err says why), ATTEMPTS_BAD_NUMBER (out->number says why), ATTEMPTS_TOO_LONG, or an error
 * outcome. */
enum attempts_rc attempts_save(struct attempts_saved *out, struct svc *svc, int64_t user_id,
                               int64_t attempt_id, const char *item_id, const json_t *value,
                               int64_t now_ms, char *err, size_t errlen);
/* As attempts_save, reading the attempt in rd (an open read transaction, e.g. the session's;
 * NULL: a read of its own), which it ends before it writes. */
enum attempts_rc attempts_save_in(struct attempts_saved *out, struct svc *svc, struct store_rd *rd,
                                  int64_t user_id, int64_t attempt_id, const char *item_id,
                                  const json_t *value, int64_t now_ms, char *err, size_t errlen);

/* attempts_save_in in two steps, for a caller that must not wait for the write (an event
 * loop): attempts_save_prepare makes every check of attempts_save_in that needs no write
 * (reading the attempt in rd, which it ends) and encodes the answer; with ATTEMPTS_OK *out
 * is the save, which attempts_save_write writes now, or attempts_save_queue hands to the
 * store's group commit. Either takes *out; attempts_save_free drops one unused. The outcomes
 * are attempts_save_in's, in two parts (*number is set with ATTEMPTS_BAD_NUMBER). */
struct attempts_save;
enum attempts_rc attempts_save_prepare(struct attempts_save **out, enum numeric_rc *number,
                                       struct svc *svc, struct store_rd *rd, int64_t user_id,
                                       int64_t attempt_id, const char *item_id, const json_t *value,
                                       int64_t now_ms, char *err, size_t errlen);
enum attempts_rc attempts_save_write(struct attempts_save *job, struct attempts_saved *out);
/* Called once with the outcome of a queued save (and with ATTEMPTS_OK, *sv), on the thread
 * that committed it (store_txn_async). */
typedef void (*attempts_save_done_fn)(void *cls, enum attempts_rc rc,
                                      const struct attempts_saved *sv);
/* Queues job's write without waiting for it (store_txn_async; a store without a queue writes
 * it before returning) and calls done(cls, ...) once it is durable or has failed. */
void attempts_save_queue(struct attempts_save *job, attempts_save_done_fn done, void *cls);
/* True when attempts_save_queue returns without waiting for the write (the store queues
 * writes); false when it writes before returning. */
bool attempts_save_queues(const struct svc *svc);
void attempts_save_free(struct attempts_save *job);

/* Saves n answers (item ids and JSON texts, checked with attempts_answer_text) into attempt_id
 * in one transaction at now_ms: all or none. ATTEMPTS_OK, ATTEMPTS_DEADLINE / ATTEMPTS_CLOSED
 * (nothing saved), or an error outcome. The caller has checked ownership and the form. */
enum attempts_rc attempts_save_many(struct svc *svc, int64_t attempt_id, const char *const *items,
                                    char *const *values, size_t n, int64_t now_ms);

/* Flags (flagged true) or unflags item_id for review in user_id's attempt_id at now_ms, kept
 * with the attempt while it is open; idempotent. ATTEMPTS_OK, ATTEMPTS_NOT_FOUND, ATTEMPTS_
 * DEADLINE / ATTEMPTS_CLOSED, ATTEMPTS_ITEM_NOT_IN_FORM, or an error outcome. */
enum attempts_rc attempts_flag(struct svc *svc, int64_t user_id, int64_t attempt_id,
                               const char *item_id, bool flagged, int64_t now_ms);

/* The items flagged in attempt_id as a new JSON object item id -> true. ATTEMPTS_OK with
 * *out (the caller's reference), or an error outcome. The caller has checked ownership. */
enum attempts_rc attempts_flags_json(json_t **out, struct svc *svc, int64_t attempt_id);

/* Ends attempt id: scores it from its stored answers and commits the result — at now_ms when
 * submitted in time (by_candidate), at its deadline when its deadline plus grace has passed —
 * and issues the certificate when the outcome is K. Idempotent; without by_candidate an
 * attempt still in time is left open. The caller has checked ownership. ATTEMPTS_OK,
 * ATTEMPTS_EXAM_VERSION_MISSING, or an error outcome. */
enum attempts_rc attempts_finish(struct svc *svc, int64_t id, int64_t now_ms, bool by_candidate);

/* The candidate's submit: attempts_finish(by_candidate) for user_id's attempt_id when it is
 * open, then the attempt as it stands (brief) in *out (clear with store_attempt_clear).
 * ATTEMPTS_OK, ATTEMPTS_NO_CATALOG, ATTEMPTS_NOT_FOUND, or an error outcome. */
enum attempts_rc attempts_submit(struct store_attempt *out, struct svc *svc, int64_t user_id,
                                 int64_t attempt_id, int64_t now_ms);

/* user_id's attempts (at most limit, newest first), the overdue ones closed on sight so that
 * no stale "open" is listed. ATTEMPTS_OK with *out of *out_n (free with
 * store_attempt_list_free), or an error outcome. */
enum attempts_rc attempts_list_own(struct store_attempt **out, size_t *out_n, struct svc *svc,
                                   int64_t user_id, int limit, int64_t now_ms);

/* Puts the forms of open attempts in the form index, a page at a time, so that their first
 * read or save after a start (a restart during an exam, a request that another node served
 * until now) does not rebuild the form: up to 256 open attempts with id > *after_id, which
 * moves to the last id read. *out_n is the number read (0: no more). Forms never change once
 * drawn, so an indexed form stays right whatever another process writes. ATTEMPTS_OK or a
 * store outcome. */
enum attempts_rc attempts_index_open(struct svc *svc, int64_t *after_id, size_t *out_n);

/* Closes and scores, at their deadline, open attempts whose deadline plus the save grace has
 * passed at now_ms (one batch from the store; call again while *out_closed > 0), and makes
 * the candidate view of every current exam version so that no form read pays for it.
 * ATTEMPTS_OK with *out_closed, ATTEMPTS_NO_CATALOG, or an error outcome when the store could
 * not be read. An attempt that cannot be closed is logged and left for the next sweep. */
enum attempts_rc attempts_close_overdue(struct svc *svc, int64_t now_ms, size_t *out_closed);

/* ------------------------------------------------------------------ extra time (admin) */

/* Extra time an administrator may give an attempt at once, in minutes. */
#define ATTEMPTS_MAX_EXTRA_MINUTES 600

struct attempts_extended {
  int64_t old_deadline_ms;
  int64_t new_deadline_ms;
};

/* Gives attempt_id `minutes` (1..ATTEMPTS_MAX_EXTRA_MINUTES) more, a reasonable adjustment
 * with its reason (non-empty text), recorded with actor_user_id in the audit log in the same
 * transaction. Only an attempt in progress gets extra time. ATTEMPTS_OK with *out,
 * ATTEMPTS_NOT_FOUND, ATTEMPTS_CLOSED (not open), ATTEMPTS_BUSY, ATTEMPTS_UNAVAILABLE or
 * ATTEMPTS_INTERNAL (also for minutes out of range). */
enum attempts_rc attempts_extend_deadline(struct attempts_extended *out, struct svc *svc,
                                          int64_t attempt_id, int64_t minutes, const char *reason,
                                          int64_t actor_user_id);

#endif
