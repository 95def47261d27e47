/*
 * Re-certification: the rules of reminding a holder before their certificate expires and of
 * the path to renew it.
 *
 * Reminders: from the farthest threshold of --recert-remind-days (e.g. 90,30,7 days before
 * expiry) the holder's page shows the reminder; with a mailer, a periodic sweep on one node
 * at a time (store_lead) mails it once per certificate and threshold: the transaction that
 * decides to send it claims it in the store, so neither a restart nor a second node sends it
 * twice, and the mail's fate settles the claim: taken by the server (or refused for good),
 * it is never sent again; not taken (the relay unreachable past every try, a shutdown), the
 * claim is released and the next sweep sends it again, as it does for a claim whose process
 * died (after a lease longer than the mailer keeps a mail). A certificate first seen past
 * several thresholds gets one mail, for the nearest.
 *
 * Path: from the reminder the holder opens the re-certification of a valid certificate (the
 * window opens at the farthest threshold); the retake rules of the certificate's exam then
 * count only the attempts started since, so a competent holder may take the exam again; the
 * certificate issued for such an attempt recertifies the old one (store_recert_link, in the
 * issuance's transaction and audit entry), and the old one, never revoked for it, keeps its
 * own expiry and says "renewed by" the new one.
 */
#ifndef UJIKOM_COMMON_RECERT_H
#define UJIKOM_COMMON_RECERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"

#define RECERT_MAX_THRESHOLDS 8
#define RECERT_MAX_DAYS       3650
/* The re-certification window when no reminder thresholds are configured. */
#define RECERT_DEFAULT_WINDOW_DAYS 90
/* Reminders handed to the mailer per sweep at most; fewer when its queue holds less than
 * this beyond half its size (the other half is kept for password-reset mails). */
#define RECERT_MAILS_PER_SWEEP 16

/* Reminder thresholds in days before expiry, nearest first; n 0: no reminders. */
struct recert_thresholds {
  int64_t days[RECERT_MAX_THRESHOLDS];
  size_t n;
};

/* Reads text ("90,30,7": distinct whole numbers 1..RECERT_MAX_DAYS, comma-separated, at most
 * RECERT_MAX_THRESHOLDS; "" for none) into *out, sorted nearest first. 0, or -1 with a
 * one-line message in err. */
int recert_thresholds_parse(struct recert_thresholds *out, const char *text, char *err,
                            size_t errlen);

/* The days before expiry from which a certificate's re-certification is open and its
 * reminder shows: the farthest threshold of the configuration, or
 * RECERT_DEFAULT_WINDOW_DAYS. */
int64_t recert_window_days(const struct config *cfg);

/* Whole days from now_ms until expires_s, rounded up (0 once expired). */
int64_t recert_days_left(int64_t expires_s, int64_t now_ms);

/* One sweep at now_ms: first the claimed reminders whose mail was not delivered (released,
 * or claimed longer ago than the lease), then for each threshold, nearest first, the
 * reminders that are due: each claimed and mailed, at most RECERT_MAILS_PER_SWEEP in all
 * (the rest wait for the next sweep). Does nothing without a mailer. *out_sent: the
 * reminders handed to the mailer. STORE_OK or negative. */
int recert_sweep(struct svc *svc, int64_t now_ms, size_t *out_sent);

enum recert_rc {
  RECERT_OK = 0,
  RECERT_NOT_FOUND,    /* no such certificate, or not the holder's */
  RECERT_NOT_VALID,    /* revoked or suspended */
  RECERT_NOT_YET,      /* its expiry is farther than the window */
  RECERT_RENEWED,      /* a certificate renewed it already */
  RECERT_EXAM_GONE,    /* its exam is no longer offered */
  RECERT_STORE_FAILED, /* see *out_store_rc */
};

/* The stable code of rc ("not_found", ...). */
const char *recert_rc_name(enum recert_rc rc);

/* Opens holder's re-certification of certificate `serial` (any spelling cert_serial_parse
 * takes) at now_ms, audited (certificate.recertify); idempotent while it waits for its
 * certificate (*out_created false). On RECERT_OK *out is the re-certification (its exam_id
 * is the exam to start). A refusal writes nothing. */
enum recert_rc recert_open(struct store_recert *out, bool *out_created, struct svc *svc,
                           int64_t holder, const char *serial, int64_t now_ms, int *out_store_rc);

/* When the current re-certification cycle of user_id at exam_id began (the attempts the
 * retake rules count start there), 0 when none is open: STORE_OK or negative. */
int recert_cycle_start(struct store_rd *rd, int64_t user_id, const char *exam_id,
                       int64_t *out_since_ms);

/* In the issuance's transaction: when cert (just inserted) is for an attempt started at
 * attempt_started_ms within a re-certification of the holder at the same exam, links it as
 * renewing the old certificate and writes the old serial into recertifies (else ""). STORE_OK
 * or negative. */
int recert_link_tx(struct store_tx *tx, const struct store_cert *cert, int64_t attempt_started_ms,
                   char recertifies[26]);

#endif
