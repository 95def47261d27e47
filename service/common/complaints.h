/*
 * Complaints (pengaduan, ISO/IEC 17024 9.9; part of an LSP's licence): the rules, once.
 *
 * Anyone may lodge a complaint about the LSP's work, signed in or not: a name, an optional
 * e-mail address to be written to, what it is about (a category and an optional reference:
 * a certificate number, an exam, a date), and what happened. The complainant gets a
 * reference ("ADU-000042") and a private status link (/pengaduan/<token>): receipt is
 * acknowledged at once, and by e-mail when an address was given and mail is configured.
 *
 * An administrator takes a complaint (received -> in_review), writes notes while it is
 * looked into (shown to the complainant as progress reports, or kept for staff), and closes
 * it with an outcome (upheld / not upheld) and a text the complainant reads on the status
 * page and by e-mail. Nobody handles a complaint they lodged themselves (impartiality: the
 * decision is made by a person not involved). Until it is closed the complainant may answer
 * on the status page (a reply: to a question in a progress report, or to add what they
 * know), which staff read with the notes and see marked in the queue. Every step is one
 * transaction with its audit entry (complaint.lodge, complaint.take, complaint.note,
 * complaint.reply, complaint.close), which names the complaint and its category or outcome
 * but never the complainant's words or contact.
 *
 * Each operation returns an enum complaints_rc; COMPLAINTS_STORE_FAILED carries the store's
 * code in *out_store_rc (busy: retry, unavailable, broken), so the caller can answer 503 or
 * 500. A refused field names itself in why (English, "field: rule"), for the API's message.
 */
#ifndef UJIKOM_COMMON_COMPLAINTS_H
#define UJIKOM_COMMON_COMPLAINTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"
#include "store/store_complaints.h"
#include "ujikom/complaint.h"

#define COMPLAINTS_PATH     "/pengaduan/" /* + token: the complainant's status page */
#define COMPLAINTS_URL_MAX  320           /* public_url (< 256) + path + token */
#define COMPLAINTS_LIST_MAX 100           /* complaints a list page shows */

enum complaints_rc {
  COMPLAINTS_OK = 0,
  COMPLAINTS_INVALID_FIELD, /* a field is missing or breaks its rule (why says which) */
  COMPLAINTS_NOT_FOUND,     /* no such complaint (or an unknown token) */
  COMPLAINTS_OWN,           /* the administrator lodged this complaint themself */
  COMPLAINTS_NOT_RECEIVED,  /* taking: it was taken already (or closed) */
  COMPLAINTS_NOT_IN_REVIEW, /* noting or closing: not taken yet, or closed already */
  COMPLAINTS_CLOSED,        /* the complainant's reply: the complaint is closed */
  COMPLAINTS_LIMITED,       /* lodging or replying: the quota's bucket is full (retry_after_s) */
  COMPLAINTS_STORE_FAILED,  /* see *out_store_rc */
};

/* How many lodgings and replies a complainant may send: at most per_hour in an hour counted
 * under key (the caller's bucket: the account's, or the client address's). They are counted
 * in the transaction that stores them, and one over the quota stores nothing and counts
 * nothing, so neither a refused text nor requests sent at the same moment get past it. On
 * COMPLAINTS_LIMITED, retry_after_s says when the bucket has room again (at least 1). A NULL
 * quota, key or per_hour < 1: no limit. */
struct complaints_quota {
  const char *key;
  int64_t per_hour;
  int64_t retry_after_s; /* out */
};

/* What a complainant writes. Texts as received (UTF-8, not yet tidied); email and about may
 * be NULL or empty. user_id: the signed-in account lodging it, 0 for none. */
struct complaints_lodging {
  int64_t user_id;
  const char *name;
  const char *email;
  const char *category;
  const char *about;
  const char *body;
};

/* Checks and stores a complaint with a fresh token, audited (complaint.lodge), and queues
 * the acknowledgement mail when an address was given and svc->mailer is set. COMPLAINTS_OK
 * with *out (free with store_complaint_clear), COMPLAINTS_INVALID_FIELD (why),
 * COMPLAINTS_LIMITED (quota) or COMPLAINTS_STORE_FAILED. */
enum complaints_rc complaints_lodge(struct store_complaint *out, struct svc *svc,
                                    const struct complaints_lodging *in,
                                    struct complaints_quota *quota, char *why, size_t whylen,
                                    int *out_store_rc);

/* The complaint a status token opens, with the notes shown to the complainant: COMPLAINTS_OK
 * (*out and *out_notes, free with store_complaint_clear and store_complaint_notes_free),
 * COMPLAINTS_NOT_FOUND for a token that is malformed or unknown. */
enum complaints_rc complaints_open(struct store_complaint *out,
                                   struct store_complaint_note **out_notes, size_t *out_n,
                                   struct svc *svc, const char *token, int *out_store_rc);

/* A complaint by id for staff, with every note. As complaints_open. */
enum complaints_rc complaints_get(struct store_complaint *out,
                                  struct store_complaint_note **out_notes, size_t *out_n,
                                  struct svc *svc, int64_t id, int *out_store_rc);

/* One page of complaints (status NULL: all), newest first, before id before_id (0: from the
 * newest); *out_next: the before_id of the next page, 0 when none. out_counts (may be NULL):
 * how many complaints are in each status (index: enum complaint_status), read in the same
 * snapshot as the page. */
enum complaints_rc complaints_list(struct store_complaint **out, size_t *out_n, int64_t *out_next,
                                   int64_t out_counts[3], struct svc *svc,
                                   const enum complaint_status *status, int64_t before_id,
                                   int *out_store_rc);
/* Every complaint (status NULL: all), newest first, read in one snapshot a page at a time:
 * fn is called with each (its texts valid during the call only) and stops the walk by
 * returning false. For the staff's CSV export. */
enum complaints_rc complaints_each(struct svc *svc, const enum complaint_status *status,
                                   bool (*fn)(const struct store_complaint *c, void *ctx),
                                   void *ctx, int *out_store_rc);
/* The complaints an account lodged, newest first (at most COMPLAINTS_LIST_MAX). */
enum complaints_rc complaints_of_user(struct store_complaint **out, size_t *out_n, struct svc *svc,
                                      int64_t user_id, int *out_store_rc);

/* What stands in a complaint's texts once its retention period has ended (see
 * complaints_erase_due): its name, text and outcome text, and every note's text. */
#define COMPLAINTS_ERASED_TEXT "[dihapus: masa simpan berakhir / erased: retention period ended]"
/* Complaints one call of complaints_erase_due erases at most (one transaction). */
#define COMPLAINTS_ERASE_BATCH 50

/* The end of the retention period (Indonesia's personal data protection law, UU 27/2022:
 * personal data is kept no longer than its purpose needs): erases the complaints closed more
 * than retention_days before now_ms, oldest closing first, at most COMPLAINTS_ERASE_BATCH in
 * one transaction. Each keeps its reference, category, dates, handler and outcome for the
 * LSP's register; its name, text, outcome text and notes' texts become
 * COMPLAINTS_ERASED_TEXT, its e-mail and reference become empty, the account that lodged it
 * is no longer linked (it leaves that account's list; its status link shows the record), and
 * it is audited (complaint.erase, by the system, with the retention period). Open complaints
 * are never erased. retention_days 0: nothing is erased. COMPLAINTS_OK with *out_n (how many;
 * fewer than COMPLAINTS_ERASE_BATCH: none is due any more) or COMPLAINTS_STORE_FAILED. */
enum complaints_rc complaints_erase_due(size_t *out_n, struct svc *svc, int64_t now_ms,
                                        int64_t retention_days, int *out_store_rc);

/* admin takes complaint id (received -> in_review), audited (complaint.take). not_involved:
 * admin declares they took no part in what the complaint is about (ISO/IEC 17024 9.9; the
 * service cannot know who did): without it COMPLAINTS_INVALID_FIELD ("not_involved: …" in
 * why), and the audit entry records it. *out: the complaint after it (free with
 * store_complaint_clear). */
enum complaints_rc complaints_take(struct store_complaint *out, struct svc *svc, int64_t id,
                                   int64_t admin, bool not_involved, char *why, size_t whylen,
                                   int *out_store_rc);

/* admin adds a note to a complaint in review (shown: a progress report the complainant reads,
 * and is mailed when they gave an address), audited (complaint.note). */
enum complaints_rc complaints_note(struct store_complaint *out, struct svc *svc, int64_t id,
                                   int64_t admin, bool shown, const char *text, char *why,
                                   size_t whylen, int *out_store_rc);

/* The complainant, by their status token, replies while the complaint is received or in
 * review: a note shown to them and to staff, with no author account (from_complainant),
 * audited (complaint.reply, by the complaint's account or STORE_AUDIT_SYSTEM when it was
 * lodged without one; the note's number, never the words). Nobody is mailed: staff see the
 * reply marked in the queue (awaiting_staff). COMPLAINTS_OK with *out (the complaint after
 * it, free with store_complaint_clear), COMPLAINTS_NOT_FOUND for a token that is malformed
 * (not looked up) or unknown, COMPLAINTS_INVALID_FIELD ("text: …" in why),
 * COMPLAINTS_CLOSED, COMPLAINTS_LIMITED (a reply counts in the quota as a lodging does), or
 * COMPLAINTS_STORE_FAILED; nothing is written unless COMPLAINTS_OK. */
enum complaints_rc complaints_reply(struct store_complaint *out, struct svc *svc, const char *token,
                                    const char *text, struct complaints_quota *quota, char *why,
                                    size_t whylen, int *out_store_rc);

/* admin closes a complaint in review with an outcome ("upheld" / "not_upheld") and its text,
 * declaring, as complaints_take, that they were not involved; audited (complaint.close); the
 * complainant is mailed when they gave an address. */
enum complaints_rc complaints_close(struct store_complaint *out, struct svc *svc, int64_t id,
                                    int64_t admin, bool not_involved, const char *outcome,
                                    const char *text, char *why, size_t whylen, int *out_store_rc);

/* How many complaints wait in each status (index: enum complaint_status), for the admin
 * page's summary. */
enum complaints_rc complaints_counts(int64_t out_counts[3], struct svc *svc, int *out_store_rc);

/* The status page's URL of a token under public_url; false when it does not fit. */
bool complaints_url(char out[COMPLAINTS_URL_MAX], const char *public_url, const char *token);

/* The JSON of a complaint, with the notes given (may be NULL), each saying whether it is the
 * complainant's reply (from_complainant). For staff (staff true): every field but the token
 * (the complainant's key, which staff never need), with the account ids, the handler's and
 * authors' names (null for a reply) and whether a reply awaits staff (awaiting_staff). For
 * the complainant: reference, dates, status, category, about, body, their name, outcome and
 * the notes given, without e-mail address, account ids or staff names. */
json_t *complaints_json(const struct store_complaint *c, const struct store_complaint_note *notes,
                        size_t n, bool staff);

#endif
