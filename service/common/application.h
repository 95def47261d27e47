/*
 * Applications (FR.APL.01) with the self-assessment (FR.APL.02) and the eligibility
 * decision, as the application sees them: a candidate applies for an exam's scheme with the
 * personal data the LSP needs and assesses themself per element; an assigned assessor or an
 * administrator decides eligible / not yet with a reason (audited); an exam that says
 * `requires_application: true` cannot be started before an eligible decision (the attempts
 * module asks application_allows_start inside its start).
 *
 * The national identity number (NIK) is sealed at rest with AES-256-GCM under a key file of
 * the data directory (APPLICATION_KEY_FILE, made like the other key files: 0600, O_EXCL),
 * bound to the account it belongs to. It never enters an audit entry, a log line or a list;
 * it is opened only when the candidate or a staff member asks for it (reveal), and a staff
 * member's look is itself audited.
 */
#ifndef UJIKOM_APPLICATION_H
#define UJIKOM_APPLICATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"
#include "ujikom/applicant.h"
#include "ujikom/person_name.h"

#define APPLICATION_KEY_FILE "application.key"
#define APPLICATION_KEY_LEN  32
/* "v1." and the base64url of nonce (12) + NIK (16) + tag (16), and a NUL. */
#define APPLICATION_SEALED_SIZE 64
#define APPLICATION_LIST_MAX    200 /* applications a list shows */

enum application_rc {
  APPLICATION_OK = 0,
  APPLICATION_EXAM_NOT_FOUND, /* no such exam in the catalogue */
  APPLICATION_NOT_FOUND,      /* no such application, or not the caller's */
  APPLICATION_INVALID,        /* the body breaks a rule; err->why names the field */
  APPLICATION_LOCKED,         /* submit: the application was found eligible already */
  APPLICATION_NOT_PENDING,    /* decide: decided already (a new submission reopens it) */
  APPLICATION_NO_KEY,         /* the sealing key is not loaded */
  APPLICATION_STORE_FAILED,   /* see err->store_rc */
  APPLICATION_INTERNAL,       /* no memory, a sealed NIK that does not open, corrupt JSON */
};

struct application_err {
  int store_rc;
  char why[300];
};

/* ------------------------------------------------------------------ the sealing key */

struct application_key;
/* Reads (creating it when missing and create is true) data_dir/APPLICATION_KEY_FILE and
 * derives the sealing key. 0 and *out (free with application_key_free), or -1 with err. */
int application_key_open(struct application_key **out, const char *data_dir, bool create, char *err,
                         size_t errlen);
/* The key from raw material (tests); NULL when memory runs out. */
struct application_key *application_key_from(const uint8_t material[APPLICATION_KEY_LEN]);
void application_key_free(struct application_key *key);
/* Seals nik (16 digits) for account user_id into out: 0, or -1. */
int application_nik_seal(char out[APPLICATION_SEALED_SIZE], const struct application_key *key,
                         int64_t user_id, const char *nik);
/* Opens what application_nik_seal wrote for the same account: 0 and the NIK in out, or -1
 * (another key or account, a changed byte, not a sealed NIK); out is wiped on failure. */
int application_nik_open(char out[APPLICANT_NIK_LEN + 1], const struct application_key *key,
                         int64_t user_id, const char *sealed);

/* ------------------------------------------------------------------ operations */

/* Candidate user_id applies for exam_id with body {"personal": {...}, "self_assessment":
 * {...}} (applicant_personal_check, applicant_self_check), replacing a pending or "not yet"
 * application, which then waits for a decision again. APPLICATION_OK with *out_id, or
 * APPLICATION_EXAM_NOT_FOUND, APPLICATION_INVALID, APPLICATION_LOCKED, APPLICATION_NO_KEY,
 * APPLICATION_STORE_FAILED, APPLICATION_INTERNAL. Audited without the NIK. */
enum application_rc application_submit(int64_t *out_id, struct svc *svc, int64_t user_id,
                                       const char *exam_id, const json_t *body, int64_t now_ms,
                                       struct application_err *err);

/* An application as it is shown. */
struct application_view {
  struct store_application a; /* nik_sealed is NULL */
  json_t *personal;           /* without the NIK */
  json_t *self_assessment;
  char nik_last4[5]; /* the NIK's last four digits ("" when the NIK is not opened) */
  bool nik_revealed;
  char nik[APPLICANT_NIK_LEN + 1]; /* when nik_revealed */
  char candidate_name[PERSON_NAME_SIZE];
  char candidate_email[255];
  struct store_attachment *files; /* the supporting documents (common/evidence.h), in order */
  size_t nfiles;
};
void application_view_clear(struct application_view *v);
/* An application as the API shows it (staff: with the candidate), NIK masked unless the view
 * holds it opened; NULL when memory runs out. */
json_t *application_view_json(const struct application_view *v, bool staff);

/* Candidate user_id's own application for exam_id; reveal also opens the NIK.
 * APPLICATION_OK (clear *out), APPLICATION_NOT_FOUND, APPLICATION_NO_KEY,
 * APPLICATION_STORE_FAILED or APPLICATION_INTERNAL. */
enum application_rc application_own(struct application_view *out, struct svc *svc, int64_t user_id,
                                    const char *exam_id, bool reveal, struct application_err *err);

/* Who among the staff reads and decides an application: an administrator, or an assessor
 * assigned to a schedule (test event) of the application's exam in which its candidate is
 * enrolled (common/schedule.h). Anyone else is told it does not exist. In the caller's read
 * transaction: STORE_OK with *out, or negative. */
int application_staff_may(struct store_rd *rd, int64_t id, int64_t viewer, bool admin, bool *out);

/* Staff member viewer (an assessor or an administrator, admin: the router checks the role)
 * reads application id when application_staff_may; reveal opens the NIK and records the look
 * in the audit log. Outcomes as application_own. */
enum application_rc application_for_staff(struct application_view *out, struct svc *svc,
                                          int64_t viewer, bool admin, int64_t id, bool reveal,
                                          struct application_err *err);

/* The applications staff member viewer may read (application_staff_may) with status (NULL:
 * any; else "pending", "eligible" or "not_yet"), oldest first, one page of at most
 * APPLICATION_LIST_MAX without NIKs: from the oldest (after_id 0) or after application
 * after_id (the last of the page before); *out_next is the next page's after_id, 0 when
 * there is none. APPLICATION_OK with *out (free with store_application_list_free),
 * APPLICATION_INVALID (an unknown status) or APPLICATION_STORE_FAILED. */
enum application_rc application_list(struct store_application **out, size_t *out_n,
                                     int64_t *out_next, struct svc *svc, int64_t viewer, bool admin,
                                     const char *status, int64_t after_id,
                                     struct application_err *err);

/* Staff member actor (admin: an administrator) decides pending application id, when
 * application_staff_may: outcome "eligible" or "not_yet", reason 1..APPLICANT_MAX_REASON
 * bytes of text (required for both), audited with both. APPLICATION_OK with *out (the
 * application after, clear it), APPLICATION_NOT_FOUND (also: not theirs to decide),
 * APPLICATION_INVALID, APPLICATION_NOT_PENDING, APPLICATION_STORE_FAILED. */
enum application_rc application_decide(struct store_application *out, struct svc *svc,
                                       int64_t actor, bool admin, int64_t id, const char *outcome,
                                       const char *reason, struct application_err *err);

/* Inside an attempt's start (or its check): may user_id start exam? *out_ok is true when
 * the exam does not require an application or user_id's application is eligible. STORE_OK
 * or negative. */
int application_allows_start(struct store_rd *rd, int64_t user_id, const struct exam *exam,
                             bool *out_ok);

#endif
