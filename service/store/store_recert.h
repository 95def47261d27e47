/*
 * Re-certification in the store: the reminders sent before a certificate expires (one per
 * certificate and threshold) and the re-certifications a holder opened, with the
 * certificate that renewed the old one once it is issued. The rules (when a reminder is due,
 * who may open a re-certification, what the link means) are common/recert.h's.
 */
#ifndef UJIKOM_STORE_RECERT_H
#define UJIKOM_STORE_RECERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/person_name.h"

struct store_tx;
struct store_rd;

/* A certificate whose reminder for a threshold is due, with where to send it. */
struct store_recert_due {
  char serial[26];
  int64_t user_id;
  char email[255];
  char holder[PERSON_NAME_SIZE];
  char exam_id[41];
  int64_t expires_s;
  int64_t days;       /* store_recert_undelivered: the reminder's threshold (0 otherwise) */
  int64_t claimed_ms; /* store_recert_undelivered: when it was claimed (0: released) */
};

/* Valid certificates expiring after now_s and at most days days after it, of enabled
 * accounts, that have no reminder for days or a nearer threshold and were not renewed yet:
 * soonest expiry first, at most limit (1..STORE_LIST_MAX). On STORE_OK *out (free()) holds
 * *out_n entries (NULL when none). */
int store_recert_due(struct store_rd *rd, struct store_recert_due **out, size_t *out_n,
                     int64_t now_s, int64_t days, int limit);

/* Records serial's reminder for days at now_ms, unless it has one for days or a nearer
 * threshold already: STORE_OK when recorded, STORE_NONE when it had (nothing written), or
 * negative. mailed: delivered already; false records a claim on its mail, settled later by
 * store_recert_reminder_settle. */
int store_recert_reminder_put(struct store_tx *tx, const char *serial, int64_t days, int64_t now_ms,
                              bool mailed);

/* Reminders whose mail is not delivered yet (mailed = 0) and was claimed at or before
 * claimed_before_ms (a released one has 0), of valid certificates expiring after now_s, of
 * enabled accounts, not renewed yet, and without a nearer threshold's reminder: oldest claim
 * first, at most limit (1..STORE_LIST_MAX), with days and claimed_ms filled in. On STORE_OK
 * *out (free()) holds *out_n entries (NULL when none). */
int store_recert_undelivered(struct store_rd *rd, struct store_recert_due **out, size_t *out_n,
                             int64_t now_s, int64_t claimed_before_ms, int limit);

/* Claims a pending reminder again at now_ms, if it is still pending and still claimed at
 * claimed_ms (so two sweeps cannot both send it): STORE_OK, STORE_NONE (taken meanwhile or
 * delivered), or negative. */
int store_recert_reminder_reclaim(struct store_tx *tx, const char *serial, int64_t days,
                                  int64_t claimed_ms, int64_t now_ms);

/* What became of a claimed reminder's mail: delivered (taken by the server, or refused for
 * good: either way never sent again) marks it mailed; otherwise its claim is released (its
 * claim time set to 0) and the next sweep sends it again. STORE_OK, STORE_NONE when there is
 * no such pending reminder (nothing written), or negative. */
int store_recert_reminder_settle(struct store_tx *tx, const char *serial, int64_t days,
                                 bool delivered);

/* A re-certification the holder opened. */
struct store_recert {
  char old_serial[26];
  int64_t user_id;
  char exam_id[41];
  int64_t opened_ms;
  char new_serial[26]; /* "" until the renewing certificate is issued */
  int64_t linked_ms;   /* 0 until then */
};

/* Opens the re-certification of old_serial: STORE_OK, STORE_EXISTS when it is open already
 * (nothing changed), or negative. */
int store_recert_open(struct store_tx *tx, const struct store_recert *r);

/* The re-certification of old_serial: STORE_OK (*out filled), STORE_NONE, or negative. */
int store_recert_get(struct store_rd *rd, struct store_recert *out, const char *old_serial);

/* The user's re-certification of exam_id still waiting for its certificate, opened most
 * recently: STORE_OK (*out filled), STORE_NONE, or negative. */
int store_recert_pending(struct store_rd *rd, struct store_recert *out, int64_t user_id,
                         const char *exam_id);

/* Writes new_serial as the certificate renewing old_serial, at now_ms: STORE_OK, STORE_NONE
 * when old_serial has no pending re-certification, or negative. */
int store_recert_link(struct store_tx *tx, const char *old_serial, const char *new_serial,
                      int64_t now_ms);

/* Both links of serial: the certificate it recertifies and the one that renewed it (""
 * when none). STORE_OK or negative. */
int store_recert_links(struct store_rd *rd, const char *serial, char recertifies[26],
                       char renewed_by[26]);

/* The user's re-certifications, newest first, at most limit (1..STORE_LIST_MAX). On
 * STORE_OK *out (free()) holds *out_n entries (NULL when none). */
int store_recert_list_user(struct store_rd *rd, struct store_recert **out, size_t *out_n,
                           int64_t user_id, int limit);

#endif
