/*
 * Reviews and appeals as the application sees them: the assessor's queue, claiming an
 * attempt, the review sheet (answers beside keys and rubrics, the current decision, the
 * claim and the appeal), deciding per unit and overall (who may decide, claim first), an
 * administrator's change of a decided attempt, the candidate's view of the decision, and
 * appeals (file, list, assign). Whether an attempt is decided (K or BK) is the attempts
 * module's rule (attempts_decided): it may then be appealed, changed by an administrator
 * and its feedback shown. Every rule about who may review, decide or appeal lives
 * here once; the JSON API and the HTML pages only parse, call and answer.
 *
 * Each operation returns an enum reviews_rc. REVIEWS_STORE_FAILED means the store could
 * not answer; err->store_rc then says how (busy: retry, unavailable, broken) so the caller
 * can answer 503 or 500. Refusals found by the pure review rules carry a one-line English
 * reason in err->why.
 */
#ifndef UJIKOM_REVIEWS_H
#define UJIKOM_REVIEWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/issue.h"
#include "common/svc.h"
#include "store/store.h"
#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/score.h"

#define REVIEWS_QUEUE_LIMIT     200  /* entries a queue shows */
#define REVIEWS_APPEAL_MAX      5000 /* bytes of an appeal's reason */
#define REVIEWS_APPEAL_LIST_MAX 500  /* appeals a list shows */

enum reviews_rc {
  REVIEWS_OK = 0,
  REVIEWS_NOT_FOUND,                /* no such attempt (or not the caller's, for candidates) */
  REVIEWS_OWN_ATTEMPT,              /* nobody reviews their own attempt */
  REVIEWS_STILL_OPEN,               /* the attempt is still in progress */
  REVIEWS_NOT_AWAITING_REVIEW,      /* not (or no longer) waiting for a first review */
  REVIEWS_CLAIM_HELD,               /* another assessor holds a live claim */
  REVIEWS_NOT_CLAIMED,              /* a first review needs the deciding assessor's live claim */
  REVIEWS_NOT_DECIDED,              /* the attempt has no final verdict (K or BK) */
  REVIEWS_APPEAL_ELSEWHERE,         /* the attempt's appeal is assigned to another assessor */
  REVIEWS_BAD_MARKS,                /* rubric marks missing or not matching (err->why) */
  REVIEWS_INVALID_FIELD,            /* units / overall / feedback malformed (err->why) */
  REVIEWS_REASON_REQUIRED,          /* an override without a reason (err->why) */
  REVIEWS_APPEAL_REASON_INVALID,    /* an appeal's reason is empty or too long */
  REVIEWS_APPEAL_PERIOD_OVER,       /* the appeal period of the decision has ended */
  REVIEWS_ALREADY_APPEALED,         /* the attempt was appealed before */
  REVIEWS_APPEAL_NOT_FOUND,         /* no such appeal */
  REVIEWS_NOT_AN_ASSESSOR,          /* the chosen account is not an active assessor */
  REVIEWS_SAME_ASSESSOR,            /* the appeal would go to its original assessor/candidate */
  REVIEWS_APPEAL_DECIDED,           /* the appeal is decided already */
  REVIEWS_EXAM_VERSION_MISSING,     /* the attempt's exam version cannot be rebuilt */
  REVIEWS_EXAM_VERSION_UNAVAILABLE, /* reading the exam version failed: retry later */
  REVIEWS_STORE_FAILED,             /* see err->store_rc */
  REVIEWS_INTERNAL,                 /* broken invariant (corrupt stored JSON, no memory) */
};

/* Details of a failed operation. */
struct reviews_err {
  int store_rc; /* with REVIEWS_STORE_FAILED: the store's code */
  char why[300];
};

/* --- the rules, as predicates the pages use to show only what may be done --- */

/* Which decision an assessor makes on an attempt. */
enum reviews_kind {
  REVIEWS_FIRST_REVIEW, /* an attempt awaiting review: needs the assessor's live claim */
  REVIEWS_APPEAL,       /* an appeal assigned to this assessor */
};

/* May assessor actor decide attempt att, whose appeal is appeal (NULL when none)? Returns
 * REVIEWS_OK with *out_kind, REVIEWS_APPEAL_ELSEWHERE or REVIEWS_NOT_AWAITING_REVIEW. The
 * claim (for REVIEWS_FIRST_REVIEW) is checked with reviews_claim_is_mine. */
enum reviews_rc reviews_assessor_may_decide(enum reviews_kind *out_kind,
                                            const struct store_attempt *att,
                                            const struct store_appeal *appeal, int64_t actor);
/* True when claim (NULL: none) is a live claim of actor at now_ms. */
bool reviews_claim_is_mine(const struct store_claim *claim, int64_t actor, int64_t now_ms);
/* True when claim (NULL: none) has not lapsed at now_ms. */
bool reviews_claim_is_live(const struct store_claim *claim, int64_t now_ms);
/* May account u take appeal a? REVIEWS_OK, REVIEWS_NOT_AN_ASSESSOR or REVIEWS_SAME_ASSESSOR. */
enum reviews_rc reviews_may_assign(const struct store_user *u, const struct store_appeal *a);

/* --- the queue --- */

struct reviews_queue_entry {
  int64_t attempt_id;
  int64_t candidate_id;
  char exam_id[41];
  const struct exam *exam;  /* the current version, or NULL when the catalogue lacks it */
  int64_t since_ms;         /* finished (or appeal assigned) at */
  int64_t holder_id;        /* live claim's or assigned appeal's assessor; 0 when none */
  int64_t claim_expires_ms; /* a live claim's expiry; 0 otherwise */
  int64_t appeal_id;        /* > 0: an assigned appeal, not a first review */
};

/* Who looks at the queue: entries they may not take are left out (their own attempts, and
 * appeals assigned to others unless admin). */
struct reviews_viewer {
  int64_t id;
  bool admin;
};

/* A queue filter by who holds an entry. */
enum reviews_queue_state {
  REVIEWS_QUEUE_ANY = 0,
  REVIEWS_QUEUE_FREE,    /* first reviews nobody holds ("free") */
  REVIEWS_QUEUE_MINE,    /* claimed by or assigned to the viewer ("mine") */
  REVIEWS_QUEUE_OTHERS,  /* held by another assessor ("others") */
  REVIEWS_QUEUE_APPEALS, /* assigned appeals ("appeals") */
};
/* "free", "mine", "others", "appeals", or "" / NULL for any; false for anything else. */
bool reviews_queue_state_parse(const char *s, enum reviews_queue_state *out);
bool reviews_queue_in_state(const struct reviews_queue_entry *e, enum reviews_queue_state state,
                            int64_t viewer);

/* A place in the queue's order (since_ms, then attempt_id): a page lists the entries after
 * it. {0, 0} is before the first. */
struct reviews_queue_cursor {
  int64_t since_ms;
  int64_t attempt_id;
};
/* The cursor as text, "SINCE-ATTEMPT" (decimal), for a "next page" link. */
#define REVIEWS_QUEUE_CURSOR_SIZE 48
void reviews_queue_cursor_format(char out[REVIEWS_QUEUE_CURSOR_SIZE],
                                 const struct reviews_queue_cursor *c);
/* Reads what reviews_queue_cursor_format wrote; false for anything else. */
bool reviews_queue_cursor_parse(const char *s, struct reviews_queue_cursor *out);

/* Which part of the queue to list; every filter optional (NULL, REVIEWS_QUEUE_ANY). */
struct reviews_queue_query {
  const char *exam_id;
  const char *subsector;
  enum reviews_queue_state state; /* MINE and OTHERS are the viewer's (id 0 with no viewer) */
  struct reviews_queue_cursor after;
};

/* One page of the queue, oldest first: up to REVIEWS_QUEUE_LIMIT entries after query->after
 * that pass every filter, however far into the queue they are. viewer NULL lists every
 * entry. *out_next is the cursor of the next page, or {0, 0} when no entry passing the
 * filters follows. On REVIEWS_OK *out (possibly 0 entries) is the caller's to free with
 * reviews_queue_free. */
enum reviews_rc reviews_queue(struct reviews_queue_entry **out, size_t *out_n,
                              struct reviews_queue_cursor *out_next, struct svc *svc,
                              const struct reviews_viewer *viewer,
                              const struct reviews_queue_query *query, int64_t now_ms,
                              struct reviews_err *err);
void reviews_queue_free(struct reviews_queue_entry *list, size_t n);

/* Marking one question across candidates: every attempt of exam_id in the viewer's queue
 * that the viewer may mark now (free, or claimed by or assigned to them) and whose drawn form
 * has item_id, in queue order, over the whole queue however long. On REVIEWS_OK *out (possibly
 * 0 ids; NULL then) is the caller's to free. */
enum reviews_rc reviews_marking_list(int64_t **out, size_t *out_n, struct svc *svc,
                                     const struct reviews_viewer *viewer, const char *exam_id,
                                     const char *item_id, int64_t now_ms, struct reviews_err *err);

/* --- claiming --- */

/* Claims attempt_id for assessor for the configured time (renewing one's own claim or
 * taking over a lapsed one). REVIEWS_OK with *out, REVIEWS_NOT_FOUND, REVIEWS_OWN_ATTEMPT,
 * REVIEWS_NOT_AWAITING_REVIEW, REVIEWS_CLAIM_HELD or REVIEWS_STORE_FAILED. */
enum reviews_rc reviews_claim(struct store_claim *out, struct svc *svc, int64_t attempt_id,
                              int64_t assessor, struct reviews_err *err);

/* --- the review sheet --- */

struct reviews_sheet {
  struct store_attempt att;
  struct store_user candidate; /* password_hash wiped */
  const struct exam *exam;     /* the attempt's exam version */
  struct exam_form *form;
  json_t *answers; /* item id -> saved value */
  bool has_claim;
  struct store_claim claim; /* lapsed or not */
  bool has_appeal;
  struct store_appeal appeal;
  struct store_decision *history; /* every decision, oldest first; the last is current */
  size_t nhistory;
  json_t *marks;        /* the current decision's items ({item: {criteria, comment}}), or NULL */
  json_t *observations; /* the observation units' records ({unit: {kuk: observed}}) */
  struct score_result *score; /* with the current decision's rubric points; NULL when the
                                 form could not be scored */
};

/* Loads the sheet of attempt_id for viewer_id. REVIEWS_OK (free with reviews_sheet_free),
 * REVIEWS_NOT_FOUND, REVIEWS_OWN_ATTEMPT, REVIEWS_STILL_OPEN (the attempt is in progress:
 * nobody sees its answers beside the key), REVIEWS_EXAM_VERSION_MISSING,
 * REVIEWS_EXAM_VERSION_UNAVAILABLE, REVIEWS_STORE_FAILED or REVIEWS_INTERNAL. */
enum reviews_rc reviews_sheet_load(struct reviews_sheet *out, struct svc *svc, int64_t attempt_id,
                                   int64_t viewer_id, struct reviews_err *err);
void reviews_sheet_free(struct reviews_sheet *s);
/* The current decision of a loaded sheet, or NULL. */
const struct store_decision *reviews_sheet_current(const struct reviews_sheet *s);

/* Who may decide on a loaded sheet, as the sheet shows it. */
enum reviews_editor {
  REVIEWS_EDIT_NONE = 0,
  REVIEWS_EDIT_ASSESSOR, /* the viewer's first review (claimed) or assigned appeal */
  REVIEWS_EDIT_ADMIN,    /* an administrator's change of a decided attempt */
};
enum reviews_editor reviews_sheet_editor(const struct reviews_sheet *s, int64_t viewer_id,
                                         bool viewer_assessor, bool viewer_admin, int64_t now_ms);

/* --- decisions --- */

/* What a decision request says (borrowed JSON members of the request body, each may be
 * NULL when absent). */
struct reviews_marks {
  const json_t *items;    /* assessor only: {item: {"criteria": {...}, "comment"}} */
  const json_t *units;    /* {code: {"outcome","reason"}} */
  const json_t *overall;  /* "K" / "BK" */
  const json_t *feedback; /* text */
};

/* A committed decision. */
struct reviews_decision {
  int64_t id;
  int64_t attempt_id;
  char kind[16];                 /* STORE_DECISION_* */
  enum verdict overall;          /* VERDICT_K or VERDICT_BK */
  enum verdict previous_verdict; /* the attempt's verdict before */
  char *units;                   /* JSON text of the unit outcomes */
  char *feedback;                /* may be NULL */
  /* With overall K the certificate is issued in the decision's transaction: */
  enum issue_rc issue; /* ISSUE_CREATED / ISSUE_EXISTING: serial is set */
  char serial[64];     /* "" when none was issued */
  char issue_err[200]; /* why issuing failed (the decision stands; retry later) */
  char replaces[64];   /* the revoked certificate the issued one replaces, or "" */
  /* With overall BK the attempt's certificate, if any, is revoked in the same transaction: */
  char revoked[64]; /* its serial, or "" */
};
void reviews_decision_clear(struct reviews_decision *d);

/* Assessor actor decides attempt_id: a first review (needs actor's live claim) or an
 * appeal assigned to actor. REVIEWS_OK with *out (free with reviews_decision_clear), or
 * REVIEWS_NOT_FOUND, REVIEWS_STILL_OPEN, REVIEWS_OWN_ATTEMPT, REVIEWS_APPEAL_ELSEWHERE,
 * REVIEWS_NOT_AWAITING_REVIEW, REVIEWS_BAD_MARKS, REVIEWS_INVALID_FIELD,
 * REVIEWS_REASON_REQUIRED, REVIEWS_NOT_CLAIMED, REVIEWS_EXAM_VERSION_UNAVAILABLE,
 * REVIEWS_STORE_FAILED or REVIEWS_INTERNAL. */
enum reviews_rc reviews_decide(struct reviews_decision *out, struct svc *svc, int64_t attempt_id,
                               int64_t actor, const struct reviews_marks *in,
                               struct reviews_err *err);

/* Administrator actor changes decided attempt_id for reason (required, at most
 * REVIEW_MAX_REASON bytes, checked by the caller's parser); the current decision's rubric
 * points and (when in->feedback is NULL) feedback are kept; in->items is ignored. Outcomes
 * as reviews_decide, plus REVIEWS_NOT_DECIDED; no claim is needed. */
enum reviews_rc reviews_override(struct reviews_decision *out, struct svc *svc, int64_t attempt_id,
                                 int64_t actor, const char *reason, const struct reviews_marks *in,
                                 struct reviews_err *err);

/* --- the candidate's view --- */

struct reviews_feedback {
  enum verdict verdict;    /* VERDICT_K or VERDICT_BK */
  int64_t decided_ms;      /* the decision being appealed against */
  int64_t appeal_until_ms; /* the end of the appeal period */
  bool has_decision;
  struct store_decision decision; /* when has_decision */
  bool has_appeal;
  struct store_appeal appeal; /* when has_appeal */
  const struct exam *exam;    /* the attempt's exam version (attempts_exam), borrowed */
};

/* {item: marks[item][member]} of a decision's or a sheet's marks ({item: {"criteria",
 * "comment", ...}}), for the items that have member: a new object, or NULL. */
json_t *reviews_marks_pick(json_t *items, const char *member);

/* The decision on candidate's attempt_id. REVIEWS_OK (free with reviews_feedback_clear),
 * REVIEWS_NOT_FOUND (also someone else's attempt), REVIEWS_NOT_DECIDED or
 * REVIEWS_STORE_FAILED. */
enum reviews_rc reviews_feedback(struct reviews_feedback *out, struct svc *svc, int64_t attempt_id,
                                 int64_t candidate, struct reviews_err *err);
void reviews_feedback_clear(struct reviews_feedback *f);

/* --- marking ahead of the decision --- */

/* Blind marking: may the viewer not see who the candidate of an attempt of exam is? True
 * while the exam asks for blind marking, no decision is recorded (decided false) and the
 * viewer is not an administrator. */
bool reviews_candidate_hidden(const struct exam *exam, bool decided, bool viewer_admin);

/* Marks saved for one item. */
struct reviews_item_marks {
  json_t *marks;            /* as stored (review_item_marks), the caller's reference */
  double points;            /* the item's points by these marks */
  int64_t claim_expires_ms; /* the claim taken or renewed (first review), else 0 */
};
void reviews_item_marks_clear(struct reviews_item_marks *m);

/* Assessor actor saves marks ({"criteria", "notes", "comment"}) for item_id of attempt_id
 * ahead of the decision, checked by the same rubric rule as a decision (review_item_marks).
 * A first review takes or renews actor's claim as reviews_claim does; an appeal must be
 * assigned to actor. The decision still carries every item's marks itself. REVIEWS_OK with
 * *out (free with reviews_item_marks_clear), or REVIEWS_NOT_FOUND, REVIEWS_STILL_OPEN,
 * REVIEWS_OWN_ATTEMPT, REVIEWS_NOT_AWAITING_REVIEW, REVIEWS_APPEAL_ELSEWHERE,
 * REVIEWS_CLAIM_HELD, REVIEWS_BAD_MARKS, REVIEWS_INVALID_FIELD (a text; err->why),
 * REVIEWS_EXAM_VERSION_MISSING, REVIEWS_EXAM_VERSION_UNAVAILABLE, REVIEWS_STORE_FAILED or
 * REVIEWS_INTERNAL. */
enum reviews_rc reviews_save_item_marks(struct reviews_item_marks *out, struct svc *svc,
                                        int64_t attempt_id, const char *item_id, int64_t actor,
                                        const json_t *marks, struct reviews_err *err);

/* Assessor actor saves something ahead of the decision of attempt_id (observation records,
 * common/observation.h) under the conditions marks are saved: a first review takes or renews
 * actor's claim, an appeal must be assigned to actor. write(tx, arg) runs in that transaction
 * and its failure (STORE_CONFLICT: a refusal it keeps in arg) fails it. REVIEWS_OK with
 * *out_claim_expires_ms (0 for an appeal), or the refusals of reviews_save_item_marks. */
enum reviews_rc reviews_save_beside(int64_t *out_claim_expires_ms, struct svc *svc,
                                    int64_t attempt_id, int64_t actor,
                                    int (*write)(struct store_tx *tx, void *arg), void *arg,
                                    struct reviews_err *err);

/* viewer_id's saved marks of attempt_id as {item: marks} into *out (the caller's reference).
 * REVIEWS_OK, REVIEWS_STORE_FAILED or REVIEWS_INTERNAL. */
enum reviews_rc reviews_sheet_saved_marks(json_t **out, struct svc *svc, int64_t attempt_id,
                                          int64_t viewer_id, struct reviews_err *err);

/* --- appeals --- */

/* Candidate appeals their decided attempt_id within the appeal period, with reason (1 to
 * REVIEWS_APPEAL_MAX bytes; NULL counts as missing). REVIEWS_OK with *out (free with
 * store_appeal_clear), REVIEWS_APPEAL_REASON_INVALID, REVIEWS_NOT_FOUND (also someone
 * else's), REVIEWS_NOT_DECIDED, REVIEWS_APPEAL_PERIOD_OVER, REVIEWS_ALREADY_APPEALED or
 * REVIEWS_STORE_FAILED. */
enum reviews_rc reviews_appeal_file(struct store_appeal *out, struct svc *svc, int64_t attempt_id,
                                    int64_t candidate, const char *reason, int64_t now_ms,
                                    struct reviews_err *err);

/* The appeal as the API and the audit log show it (ids, reason, status, ISO-8601 times).
 * NULL on allocation failure; the caller owns the reference. */
json_t *reviews_appeal_json(const struct store_appeal *a);

/* Appeals with status (NULL = any), oldest first, after appeal after_id (0: from the
 * oldest), at most limit (1..1000), and in *out_next (NULL allowed) the after_id of the next
 * page (0 when there is none); with undecided, those still to be decided (open or assigned)
 * instead (status unused). On REVIEWS_OK *out is the caller's to free with
 * store_appeal_list_free. */
enum reviews_rc reviews_appeal_list(struct store_appeal **out, size_t *out_n, int64_t *out_next,
                                    struct svc *svc, const enum appeal_status *status,
                                    bool undecided, int64_t after_id, int limit,
                                    struct reviews_err *err);

/* Administrator actor assigns appeal_id to assessor (see reviews_may_assign).
 * REVIEWS_OK with *out (the appeal after; free with store_appeal_clear),
 * REVIEWS_APPEAL_NOT_FOUND, REVIEWS_NOT_AN_ASSESSOR, REVIEWS_SAME_ASSESSOR,
 * REVIEWS_APPEAL_DECIDED or REVIEWS_STORE_FAILED. */
enum reviews_rc reviews_appeal_assign(struct store_appeal *out, struct svc *svc, int64_t appeal_id,
                                      int64_t assessor, int64_t actor, struct reviews_err *err);

#endif
