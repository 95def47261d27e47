/*
 * Complaints (pengaduan) and the notes kept while they are handled, for both backends
 * (migrations 0039 and 0040). Who may do what, the texts' rules and the audit entries are the
 * complaints module's (common/complaints.h); this layer stores and reads.
 */
#ifndef UJIKOM_STORE_COMPLAINTS_H
#define UJIKOM_STORE_COMPLAINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/complaint.h"
#include "ujikom/session_token.h"

struct store_tx;
struct store_rd;

struct store_complaint {
  int64_t id;
  char token[SESSION_TOKEN_LEN + 1];
  int64_t created_ms;
  int64_t user_id; /* 0: lodged without an account */
  char *name;      /* malloc'd on read, as every text below */
  char *email;     /* "" when none was given */
  enum complaint_category category;
  char *about; /* "" when none was given */
  char *body;
  enum complaint_status status;
  int64_t handler_id;             /* 0 while received */
  int64_t taken_ms;               /* 0 while received */
  enum complaint_outcome outcome; /* closed only */
  char *outcome_text;             /* NULL unless closed */
  int64_t closed_ms;              /* 0 unless closed */
  char *handler_name;             /* read with the row: the handler's account name, or NULL */
  /* read with the row: the complaint is open and its last note is the complainant's reply,
   * which no administrator has answered yet (by a note or by closing it) */
  bool awaiting_staff;
  int64_t erased_ms; /* 0 while kept; else when its personal data and texts were erased */
};

struct store_complaint_note {
  int64_t complaint_id;
  int64_t seq;
  int64_t created_ms;
  int64_t author_id;     /* 0 for the complainant's reply */
  bool from_complainant; /* the complainant's reply, written on the status page */
  bool shown;            /* the complainant reads it on the status page (a reply always) */
  char *body;            /* malloc'd on read */
  char *author_name;     /* read with the row: the author's account name (NULL for a reply) */
};

/* Stores a new complaint (status received; id, status, handler and outcome fields of c are
 * ignored). STORE_OK with *out_id, STORE_HARD for a value outside the table's checks, or
 * negative. */
int store_complaint_create(struct store_tx *tx, int64_t *out_id, const struct store_complaint *c);
/* Look-ups: STORE_OK (free with store_complaint_clear), STORE_NONE, or negative. */
int store_complaint_get(struct store_rd *rd, struct store_complaint *out, int64_t id);
int store_complaint_by_token(struct store_rd *rd, struct store_complaint *out, const char *token);
/* received -> in_review, handled by handler_id from now_ms. STORE_OK, STORE_NONE (no such
 * complaint), STORE_CONFLICT (not received), or negative. */
int store_complaint_take(struct store_tx *tx, int64_t id, int64_t handler_id, int64_t now_ms);
/* in_review -> closed by handler_id (who becomes the handler of record). STORE_OK,
 * STORE_NONE, STORE_CONFLICT (not in review), or negative. */
int store_complaint_close(struct store_tx *tx, int64_t id, int64_t handler_id,
                          enum complaint_outcome outcome, const char *text, int64_t now_ms);
/* Appends a note (seq: one more than the complaint's last): an administrator's (author_id,
 * shown or not) or, with author_id 0, the complainant's reply (stored without an author and
 * marked from_complainant; shown must be true, the table's check refuses a hidden one with
 * STORE_HARD). STORE_OK with *out_seq, or negative. The caller checked that the complaint
 * exists and is not closed. */
int store_complaint_note_add(struct store_tx *tx, int64_t *out_seq, int64_t complaint_id,
                             int64_t author_id, bool shown, const char *body, int64_t now_ms);
/* The notes of a complaint in order; only the shown ones when shown_only. On STORE_OK *out
 * (possibly 0 of them) is the caller's to free with store_complaint_notes_free. */
int store_complaint_notes(struct store_rd *rd, struct store_complaint_note **out, size_t *out_n,
                          int64_t complaint_id, bool shown_only);
/* Complaints with a status (NULL = all), newest first, before id before_id (0: from the
 * newest), one page of at most limit (1..1000); *out_more: whether more follow. On STORE_OK
 * *out (possibly 0) is the caller's to free with store_complaint_list_free. */
int store_complaint_list(struct store_rd *rd, struct store_complaint **out, size_t *out_n,
                         const enum complaint_status *status, int64_t before_id, int limit,
                         bool *out_more);
/* The complaints an account lodged, newest first, at most limit (1..1000). As above. */
int store_complaint_list_by_user(struct store_rd *rd, struct store_complaint **out, size_t *out_n,
                                 int64_t user_id, int limit);
/* How many complaints are in each status (index: enum complaint_status). */
int store_complaint_counts(struct store_rd *rd, int64_t out_counts[3]);

/* The ids of at most limit (1..STORE_LIST_MAX) closed complaints not yet erased whose closing
 * came before closed_before_ms, oldest closing first: STORE_OK with *out (the caller's to free())
 * and *out_n, or negative. */
int store_complaint_due_erasure(struct store_rd *rd, int64_t **out, size_t *out_n,
                                int64_t closed_before_ms, int limit);

/* Erases closed complaint id: its name, text and outcome text become marker (not empty), its
 * e-mail and reference empty, its account link none, erased at now_ms, and the text of each of
 * its notes marker. STORE_OK; STORE_CONFLICT when complaint id is open or erased already,
 * STORE_NONE when there is none; or negative. */
int store_complaint_erase(struct store_tx *tx, int64_t id, const char *marker, int64_t now_ms);

void store_complaint_clear(struct store_complaint *c);
void store_complaint_list_free(struct store_complaint *list, size_t n);
void store_complaint_notes_free(struct store_complaint_note *list, size_t n);

#endif
