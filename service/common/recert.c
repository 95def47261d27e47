/*
 * Re-certification: reminder thresholds, the reminder sweep and its mail, opening a
 * re-certification and linking the certificate that renews.
 */
#include "common/recert.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit_text.h"
#include "common/catalog.h"
#include "common/log.h"
#include "common/mailer.h"
#include "ujikom/cert.h"
#include "ujikom/timefmt.h"

#define DAY_S  86400
#define DAY_MS (DAY_S * (int64_t)1000)

int recert_thresholds_parse(struct recert_thresholds *out, const char *text, char *err,
                            size_t errlen) {
  memset(out, 0, sizeof *out);
  const char *p = NULL == text ? "" : text;
  while ('\0' != *p) {
    char *end = NULL;
    errno = 0;
    long v = '0' <= *p && *p <= '9' ? strtol(p, &end, 10) : -1;
    if (v < 1 || v > RECERT_MAX_DAYS || 0 != errno || (',' != *end && '\0' != *end)) {
      snprintf(err, errlen,
               "--recert-remind-days: '%s' is not a list of days 1-%d separated by commas", text,
               RECERT_MAX_DAYS);
      return -1;
    }
    if (out->n == RECERT_MAX_THRESHOLDS) {
      snprintf(err, errlen, "--recert-remind-days: at most %d thresholds", RECERT_MAX_THRESHOLDS);
      return -1;
    }
    /* Insertion keeps them nearest first; a repeated one is refused. */
    size_t i = out->n;
    for (; i > 0 && out->days[i - 1] > v; i--) {
      out->days[i] = out->days[i - 1];
    }
    if (i > 0 && out->days[i - 1] == v) {
      snprintf(err, errlen, "--recert-remind-days: %ld is given twice", v);
      return -1;
    }
    out->days[i] = v;
    out->n++;
    p = ',' == *end ? end + 1 : end;
    if (',' == *end && '\0' == *p) {
      snprintf(err, errlen, "--recert-remind-days: '%s' ends with a comma", text);
      return -1;
    }
  }
  return 0;
}

int64_t recert_window_days(const struct config *cfg) {
  struct recert_thresholds t;
  char err[160];
  if (0 != recert_thresholds_parse(&t, cfg->recert_remind_days, err, sizeof err) || 0 == t.n) {
    return RECERT_DEFAULT_WINDOW_DAYS;
  }
  return t.days[t.n - 1];
}

int64_t recert_days_left(int64_t expires_s, int64_t now_ms) {
  int64_t left_ms = expires_s * 1000 - now_ms;
  return left_ms <= 0 ? 0 : (left_ms + DAY_MS - 1) / DAY_MS;
}

/* ------------------------------------------------------------------ the sweep */

/* Queue slots the sweep leaves free for the mails people wait for (password-reset links):
 * while the relay is down, reminders waiting for another try must not fill the queue. */
#define RECERT_MAIL_RESERVE (MAILER_QUEUE_MAX / 2)

struct remind_ctx {
  const char *serial;
  int64_t days;
  int64_t claimed_ms; /* reclaim_txn: the claim it must still hold */
  int64_t now_ms;
};

/* Claims a due reminder: recorded, its mail not delivered yet. */
static int claim_txn(struct store_tx *tx, void *arg) {
  const struct remind_ctx *c = arg;
  return store_recert_reminder_put(tx, c->serial, c->days, c->now_ms, false);
}

/* Claims a pending reminder again, to send its mail once more. */
static int reclaim_txn(struct store_tx *tx, void *arg) {
  const struct remind_ctx *c = arg;
  return store_recert_reminder_reclaim(tx, c->serial, c->days, c->claimed_ms, c->now_ms);
}

/* A reminder whose mail is with the mailer, told its fate on the mailer's thread. */
struct reminder_mail {
  struct store *store;
  char serial[CERT_SERIAL_SIZE];
  int64_t days;
  bool delivered;
};

static int settle_txn(struct store_tx *tx, void *arg) {
  const struct reminder_mail *r = arg;
  int rc = store_recert_reminder_settle(tx, r->serial, r->days, r->delivered);
  return STORE_NONE == rc ? STORE_OK : rc;
}

/* Taken or refused for good: never sent again. Not taken (the relay unreachable past every
 * try, or a shutdown): the claim is released and the next sweep sends it again. */
static void settle_reminder(struct reminder_mail *r) {
  int rc = store_txn(r->store, settle_txn, r);
  if (STORE_OK != rc) {
    log_msg(LOG_WARN, NULL, "recert: the reminder of certificate %s: %s not recorded (store %s)",
            r->serial, r->delivered ? "its delivery" : "its failed mail",
            store_rc_name(rc)); /* sent again once its claim is old */
  }
  free(r);
}

static void reminder_mailed(void *ctx, enum mail_fate fate) {
  struct reminder_mail *r = ctx;
  r->delivered = MAIL_NOT_SENT != fate;
  if (MAIL_REFUSED == fate) {
    log_msg(LOG_WARN, NULL,
            "recert: the reminder of certificate %s was refused for good (by the mail "
            "server, or its holder's address cannot take mail); it is not sent again",
            r->serial);
  }
  settle_reminder(r);
}

/* How old a claim must be before its reminder is sent again although its mail's fate never
 * came (the process that claimed it died): longer than the mailer keeps a mail, every try
 * and every wait between tries included, plus ten minutes. */
static int64_t claim_lease_ms(const struct config *cfg) {
  int64_t waits = 0;
  for (int i = 0; i < MAILER_RETRIES; i++) {
    waits += (int64_t)cfg->smtp_retry_s << (2 * i); /* 1, 4, 16 times --smtp-retry */
  }
  return (waits + (int64_t)(MAILER_RETRIES + 1) * MAILER_TOTAL_TIMEOUT_S + 600) * 1000;
}

/* The reminder mail of d, in Indonesian and English (the certificate is bilingual too),
 * handed to the mailer with its claim (serial, days), which the mail's fate settles (an
 * address no mail can go to: refused for good at once). False when not queued: the claim is
 * then released, for the next sweep. */
static bool send_reminder(struct svc *svc, const struct store_recert_due *d, int64_t now_ms) {
  const struct exam *x = NULL != svc->catalog ? catalog_current(svc->catalog, d->exam_id) : NULL;
  const char *title = NULL != x ? x->title : d->exam_id;
  const char *title_en = NULL != x && NULL != x->title_en ? x->title_en : title;
  char date[16], subject[160], body[4096];
  if (0 == time_format(date, sizeof date, d->expires_s, TIME_DATE)) {
    snprintf(date, sizeof date, "?");
  }
  long long left = (long long)recert_days_left(d->expires_s, now_ms);
  snprintf(subject, sizeof subject,
           "Sertifikat Anda berakhir dalam %lld hari / Your certificate expires in %lld days", left,
           left);
  int n = snprintf(body, sizeof body,
                   "Yth. %s,\n\n"
                   "Sertifikat kompetensi Anda \"%s\" (nomor %s) berlaku sampai %s, %lld hari "
                   "lagi. Agar kompetensi Anda tetap diakui, ikuti sertifikasi ulang sebelum "
                   "tanggal itu. Mulai dari halaman Anda:\n\n%s/me#cert-%s\n\n"
                   "-- \n\n"
                   "Dear %s,\n\n"
                   "Your competency certificate \"%s\" (number %s) is valid until %s, %lld "
                   "days from now. To keep your competence recognised, re-certify before that "
                   "date. Start from your page:\n\n%s/me#cert-%s\n\n-- \n%s\n",
                   d->holder, title, d->serial, date, left, svc->cfg->public_url, d->serial,
                   d->holder, title_en, d->serial, date, left, svc->cfg->public_url, d->serial,
                   svc->cfg->cert_issuer);
  struct reminder_mail *r = calloc(1, sizeof *r);
  if (NULL == r) {
    log_msg(LOG_ERROR, NULL,
            "recert: out of memory; the reminder of certificate %s is sent "
            "again once its claim is old",
            d->serial);
    return false;
  }
  r->store = svc->store;
  snprintf(r->serial, sizeof r->serial, "%s", d->serial);
  r->days = d->days;
  if (n > 0 && (size_t)n < sizeof body &&
      mailer_send_then(svc->mailer, d->email, subject, body, reminder_mailed, r)) {
    return true;
  }
  log_msg(LOG_WARN, NULL,
          "recert: the reminder of certificate %s was not queued; the next "
          "sweep tries again",
          d->serial);
  r->delivered = false;
  settle_reminder(r);
  return false;
}

/* Claims each of due[0..n) with txn (from its days and claimed_ms) and mails it, as far as
 * *budget goes; *out_sent counts the mails queued. STORE_OK, or the store's failure. */
static int claim_and_send(struct svc *svc, store_txn_fn txn, const struct store_recert_due *due,
                          size_t n, int64_t now_ms, size_t *budget, size_t *out_sent) {
  for (size_t i = 0; i < n && 0 < *budget; i++) {
    struct remind_ctx c = {due[i].serial, due[i].days, due[i].claimed_ms, now_ms};
    int rc = store_txn(svc->store, txn, &c);
    if (STORE_NONE == rc) {
      continue; /* another node (or a nearer threshold) was first */
    }
    if (STORE_OK != rc) {
      return rc;
    }
    (*budget)--;
    if (send_reminder(svc, &due[i], now_ms)) {
      (*out_sent)++;
    }
  }
  return STORE_OK;
}

/* The reminders claimed before whose mail was not delivered: released ones (a relay that
 * stayed unreachable, a shutdown) and claims older than the lease (a process that died). */
static int sweep_pending(struct svc *svc, int64_t now_ms, size_t *budget, size_t *out_sent) {
  struct store_recert_due *due = NULL;
  size_t n = 0;
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_recert_undelivered(rd, &due, &n, now_ms / 1000, now_ms - claim_lease_ms(svc->cfg),
                                  (int)*budget);
    store_rd_end(rd);
  }
  if (STORE_OK == rc) {
    rc = claim_and_send(svc, reclaim_txn, due, n, now_ms, budget, out_sent);
  }
  free(due);
  return rc;
}

/* The reminders due for one threshold: claimed, then mailed; *budget counts down. */
static int sweep_threshold(struct svc *svc, int64_t days, int64_t now_ms, size_t *budget,
                           size_t *out_sent) {
  struct store_recert_due *due = NULL;
  size_t n = 0;
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_recert_due(rd, &due, &n, now_ms / 1000, days, (int)*budget);
    store_rd_end(rd);
  }
  for (size_t i = 0; i < n; i++) {
    due[i].days = days; /* the threshold each is claimed for */
  }
  if (STORE_OK == rc) {
    rc = claim_and_send(svc, claim_txn, due, n, now_ms, budget, out_sent);
  }
  free(due);
  return rc;
}

int recert_sweep(struct svc *svc, int64_t now_ms, size_t *out_sent) {
  struct recert_thresholds t;
  char err[160];
  *out_sent = 0;
  if (NULL == svc->mailer) {
    return STORE_OK;
  }
  if (0 != recert_thresholds_parse(&t, svc->cfg->recert_remind_days, err, sizeof err)) {
    return STORE_HARD; /* refused at start-up */
  }
  size_t room = mailer_room(svc->mailer);
  size_t budget = room > RECERT_MAIL_RESERVE ? room - RECERT_MAIL_RESERVE : 0;
  if (budget > RECERT_MAILS_PER_SWEEP) {
    budget = RECERT_MAILS_PER_SWEEP;
  }
  int rc = budget > 0 ? sweep_pending(svc, now_ms, &budget, out_sent) : STORE_OK;
  for (size_t i = 0; STORE_OK == rc && i < t.n && budget > 0; i++) {
    rc = sweep_threshold(svc, t.days[i], now_ms, &budget, out_sent);
  }
  return rc;
}

/* ------------------------------------------------------------------ the path */

static const char *const rc_names[] = {
    [RECERT_OK] = "ok",
    [RECERT_NOT_FOUND] = "not_found",
    [RECERT_NOT_VALID] = "not_valid",
    [RECERT_NOT_YET] = "not_yet",
    [RECERT_RENEWED] = "renewed",
    [RECERT_EXAM_GONE] = "exam_gone",
    [RECERT_STORE_FAILED] = "store_failed",
};

const char *recert_rc_name(enum recert_rc rc) {
  return (size_t)rc < sizeof rc_names / sizeof rc_names[0] ? rc_names[rc] : "unknown";
}

struct open_ctx {
  struct svc *svc;
  int64_t holder;
  int64_t now_ms;
  char serial[CERT_SERIAL_SIZE];
  struct store_recert r;
  bool created;
  enum recert_rc refusal;
};

/* Whether the certificate may be re-certified now; the refusal otherwise. */
static enum recert_rc may_open(const struct open_ctx *c, const struct store_cert *cert) {
  if (cert->user_id != c->holder) {
    return RECERT_NOT_FOUND;
  }
  if (0 != strcmp(cert->status, STORE_CERT_VALID)) {
    return RECERT_NOT_VALID;
  }
  if (recert_days_left(cert->expires_s, c->now_ms) > recert_window_days(c->svc->cfg)) {
    return RECERT_NOT_YET;
  }
  if (NULL == c->svc->catalog || NULL == catalog_current(c->svc->catalog, cert->exam_id)) {
    return RECERT_EXAM_GONE;
  }
  return RECERT_OK;
}

static int open_txn(struct store_tx *tx, void *arg) {
  struct open_ctx *c = arg;
  struct store_cert cert;
  memset(&cert, 0, sizeof cert);
  c->created = false;
  c->refusal = RECERT_OK;
  int rc = store_cert_by_serial_brief(store_tx_rd(tx), &cert, c->serial);
  if (STORE_OK == rc) {
    c->refusal = may_open(c, &cert);
  } else if (STORE_NONE == rc) {
    c->refusal = RECERT_NOT_FOUND;
  }
  if (STORE_OK == rc && RECERT_OK == c->refusal) {
    rc = store_recert_get(store_tx_rd(tx), &c->r, c->serial);
    if (STORE_OK == rc && c->r.new_serial[0]) {
      c->refusal = RECERT_RENEWED;
    }
  }
  if (STORE_NONE == rc && RECERT_OK == c->refusal) { /* a new one */
    memset(&c->r, 0, sizeof c->r);
    memcpy(c->r.old_serial, c->serial, sizeof c->r.old_serial);
    c->r.user_id = c->holder;
    snprintf(c->r.exam_id, sizeof c->r.exam_id, "%s", cert.exam_id);
    c->r.opened_ms = c->now_ms;
    rc = store_recert_open(tx, &c->r);
    c->created = STORE_OK == rc;
    if (STORE_OK == rc) {
      char subject[48];
      snprintf(subject, sizeof subject, "certificate:%s", c->serial);
      char *after = audit_text(json_pack("{s:s, s:s}", "serial", c->serial, "exam", c->r.exam_id));
      rc = NULL == after ? STORE_UNAVAILABLE
                         : store_audit_append(tx, NULL, c->holder, "certificate.recertify", subject,
                                              NULL, after);
      free(after);
    }
  }
  store_cert_clear(&cert);
  return STORE_OK == rc && RECERT_OK != c->refusal ? STORE_CONFLICT : rc;
}

enum recert_rc recert_open(struct store_recert *out, bool *out_created, struct svc *svc,
                           int64_t holder, const char *serial, int64_t now_ms, int *out_store_rc) {
  struct open_ctx c;
  memset(&c, 0, sizeof c);
  memset(out, 0, sizeof *out);
  *out_created = false;
  *out_store_rc = STORE_OK;
  c.svc = svc;
  c.holder = holder;
  c.now_ms = now_ms;
  if (NULL == serial || 0 != cert_serial_parse(c.serial, NULL, serial)) {
    return RECERT_NOT_FOUND;
  }
  int rc = store_txn(svc->store, open_txn, &c);
  if (STORE_CONFLICT == rc && RECERT_OK != c.refusal) {
    return c.refusal;
  }
  if (STORE_OK != rc) {
    *out_store_rc = rc < 0 ? rc : STORE_HARD;
    return RECERT_STORE_FAILED;
  }
  *out = c.r;
  *out_created = c.created;
  return RECERT_OK;
}

int recert_cycle_start(struct store_rd *rd, int64_t user_id, const char *exam_id,
                       int64_t *out_since_ms) {
  struct store_recert r;
  *out_since_ms = 0;
  int rc = store_recert_pending(rd, &r, user_id, exam_id);
  if (STORE_OK == rc) {
    *out_since_ms = r.opened_ms;
  }
  return STORE_NONE == rc ? STORE_OK : rc;
}

int recert_link_tx(struct store_tx *tx, const struct store_cert *cert, int64_t attempt_started_ms,
                   char recertifies[26]) {
  struct store_recert r;
  recertifies[0] = '\0';
  int rc = store_recert_pending(store_tx_rd(tx), &r, cert->user_id, cert->exam_id);
  if (STORE_NONE == rc || (STORE_OK == rc && attempt_started_ms < r.opened_ms)) {
    return STORE_OK; /* not a re-certification attempt */
  }
  if (STORE_OK == rc) {
    rc = store_recert_link(tx, r.old_serial, cert->serial, store_tx_now_ms(tx));
  }
  if (STORE_OK == rc) {
    memcpy(recertifies, r.old_serial, 26);
  }
  return STORE_NONE == rc ? STORE_HARD : rc; /* pending a moment ago in this transaction */
}
