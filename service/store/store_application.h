/*
 * Applications (FR.APL.01 + FR.APL.02) in the store: one per candidate and exam, with its
 * eligibility decision. The personal data is kept as JSON text without the national identity
 * number, which is kept only sealed (common/application.c seals and opens it). Who may apply
 * and decide, and when, is the application module's rule; this is only what is kept.
 */
#ifndef UJIKOM_STORE_APPLICATION_H
#define UJIKOM_STORE_APPLICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_tx;
struct store_rd;

#define STORE_APPLICATION_PENDING  "pending"
#define STORE_APPLICATION_ELIGIBLE "eligible"
#define STORE_APPLICATION_NOT_YET  "not_yet"

struct store_application {
  int64_t id;
  int64_t user_id;
  char exam_id[41];
  char *personal;        /* JSON text, without the NIK */
  char *nik_sealed;      /* the sealed NIK */
  char *self_assessment; /* JSON text */
  char status[12];       /* STORE_APPLICATION_* */
  int64_t submitted_ms;
  int64_t decided_by; /* 0 while pending */
  int64_t decided_ms; /* 0 while pending */
  char *reason;       /* NULL while pending */
};
void store_application_clear(struct store_application *a);

/* Stores a->user_id's application for a->exam_id (personal, nik_sealed, self_assessment,
 * submitted_ms), replacing an earlier one, which waits for a decision again (pending, the
 * decision cleared). *out_id is its id. STORE_OK, STORE_HARD for a value outside the
 * table's checks (or an unknown user), or negative. */
int store_application_put(struct store_tx *tx, const struct store_application *a, int64_t *out_id);
/* Records the decision on application id: status (eligible or not_yet), by, at, reason.
 * STORE_OK, STORE_NONE when there is no such application, or negative. */
int store_application_decide(struct store_tx *tx, int64_t id, const char *status, int64_t by,
                             int64_t at_ms, const char *reason);
/* user_id's application for exam_id: STORE_OK (*out filled, clear it), STORE_NONE, or
 * negative. */
int store_application_get(struct store_rd *rd, struct store_application *out, int64_t user_id,
                          const char *exam_id);
/* The application with this id: as store_application_get. */
int store_application_by_id(struct store_rd *rd, struct store_application *out, int64_t id);
/* Applications with status (NULL: any), oldest submission first, one page of at most limit
 * (1..1000): all of them (assessor_id 0), or those assessor_id is assigned to
 * (store_application_assigned); those after application after_id in that order (0: from the
 * oldest; none when after_id is no application); *out_more: whether more follow. The sealed
 * NIK is not read (nik_sealed NULL). On STORE_OK *out (possibly 0 entries) is the caller's to
 * free with store_application_list_free. */
int store_application_list(struct store_rd *rd, struct store_application **out, size_t *out_n,
                           const char *status, int64_t assessor_id, int64_t after_id, int limit,
                           bool *out_more);
/* Whether assessor_id is assigned to a schedule of application id's exam in which its
 * candidate is enrolled (schedule_assessors, schedule_enrolments): STORE_OK with *out (false
 * also when there is no such application), or negative. */
int store_application_assigned(struct store_rd *rd, int64_t id, int64_t assessor_id, bool *out);
/* user_id's applications, whatever their exam (one still in the catalogue or not), newest
 * first, at most limit (1..1000), without the sealed NIK. As store_application_list. */
int store_application_list_user(struct store_rd *rd, struct store_application **out, size_t *out_n,
                                int64_t user_id, int limit);
void store_application_list_free(struct store_application *list, size_t n);

#endif
