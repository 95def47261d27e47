/*
 * Complaints (see complaints.h): the fields' rules, who may take, note and close a
 * complaint, each step with its audit entry in one transaction, and the mails to the
 * complainant, sent once that transaction committed.
 */
#include "common/complaints.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/accounts.h"
#include "common/api_time.h"
#include "common/audit_text.h"
#include "common/ratelimits.h"
#include "common/mailer.h"
#include "ujikom/session_token.h"

/* One step's context: what it writes, and the complaint as it is after it. */
struct complaints_ctx {
  const char *token;              /* reply: the complainant's status token */
  int64_t id;                     /* take, note, close: the complaint */
  int64_t admin;                  /* take, note, close: who acts */
  bool shown;                     /* note */
  enum complaint_outcome outcome; /* close */
  const char *text;               /* note, reply, close: tidied */
  struct store_complaint lodged;  /* lodge: the row to store (its texts owned by the caller) */
  struct store_complaint after;   /* the complaint read back after the step */
  int64_t seq;                    /* note, reply: the note's number */
  enum complaints_rc refusal;     /* COMPLAINTS_OK, or why nothing was written */
  struct complaints_quota *quota; /* lodge, reply: NULL for none */
};

static enum complaints_rc store_failed(int *out_store_rc, int rc) {
  *out_store_rc = rc < 0 ? rc : STORE_HARD;
  return COMPLAINTS_STORE_FAILED;
}

/* Writes the reason of a refusal into why (which may be NULL). */
static void say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...) {
  if (NULL == why || 0 == whylen) {
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, whylen, fmt, ap);
  va_end(ap);
}

/* ------------------------------------------------------------------------------------ */
/* the fields */

/* field's text through complaint_text_tidy (NULL counts as empty): COMPLAINTS_OK with *out
 * (free()), COMPLAINTS_INVALID_FIELD with why ("field: rule"), or COMPLAINTS_STORE_FAILED
 * when memory ran out. */
static enum complaints_rc tidy_field(char **out, const char *field, const char *text, size_t min,
                                     size_t max, char *why, size_t whylen, int *out_store_rc) {
  enum complaint_text_status st =
      complaint_text_tidy(out, text, NULL == text ? 0 : strlen(text), min, max);
  switch (st) {
  case COMPLAINT_TEXT_OK:
    return COMPLAINTS_OK;
  case COMPLAINT_TEXT_NOMEM:
    return store_failed(out_store_rc, STORE_UNAVAILABLE);
  case COMPLAINT_TEXT_INVALID_UTF8:
    say(why, whylen, "%s: not valid UTF-8.", field);
    break;
  case COMPLAINT_TEXT_CONTROL:
    say(why, whylen, "%s: control characters are not allowed (line breaks and tabs are).", field);
    break;
  case COMPLAINT_TEXT_BIDI:
    say(why, whylen, "%s: bidirectional formatting characters are not allowed.", field);
    break;
  case COMPLAINT_TEXT_TOO_SHORT:
    if (min <= 1) {
      say(why, whylen, "%s: missing.", field);
    } else {
      say(why, whylen, "%s: at least %zu characters.", field, min);
    }
    break;
  case COMPLAINT_TEXT_TOO_LONG:
    say(why, whylen, "%s: at most %zu characters.", field, max);
    break;
  }
  return COMPLAINTS_INVALID_FIELD;
}

static enum complaints_rc category_field(enum complaint_category *out, const char *text, char *why,
                                         size_t whylen) {
  if (complaint_category_parse(text, out)) {
    return COMPLAINTS_OK;
  }
  char list[160] = "";
  size_t used = 0;
  for (int i = 0; i < COMPLAINT_CATEGORY__MAX && used < sizeof list; i++) {
    int n = snprintf(list + used, sizeof list - used, "%s%s", 0 == i ? "" : ", ",
                     complaint_category_name((enum complaint_category)i));
    used += n > 0 ? (size_t)n : 0;
  }
  say(why, whylen, "category: one of %s.", list);
  return COMPLAINTS_INVALID_FIELD;
}

/* The checked fields of a lodging, owned here. */
struct lodged_fields {
  char *name, *email, *about, *body;
  enum complaint_category category;
};

static void lodged_fields_free(struct lodged_fields *f) {
  free(f->name);
  free(f->email);
  free(f->about);
  free(f->body);
  memset(f, 0, sizeof *f);
}

/* Every field of in by its rule, in the order of the form: COMPLAINTS_OK with *out (free with
 * lodged_fields_free, also after a refusal), COMPLAINTS_INVALID_FIELD with why, or
 * COMPLAINTS_STORE_FAILED (out of memory). */
static enum complaints_rc check_lodging(struct lodged_fields *out,
                                        const struct complaints_lodging *in, char *why,
                                        size_t whylen, int *out_store_rc) {
  memset(out, 0, sizeof *out);
  if (ACCOUNTS_OK != accounts_name(&out->name, in->name, NULL, 0)) {
    if (NULL != why && whylen > 0) {
      accounts_name_refusal(why, whylen, in->name);
    }
    return COMPLAINTS_INVALID_FIELD;
  }
  const char *email = NULL == in->email ? "" : in->email;
  if ('\0' != email[0] && !accounts_email_valid(email)) {
    say(why, whylen,
        "email: not an e-mail address (one @, a domain with a dot, 3 to 254 "
        "characters); leave it empty to be answered on the status page only.");
    return COMPLAINTS_INVALID_FIELD;
  }
  out->email = strdup(email);
  if (NULL == out->email) {
    return store_failed(out_store_rc, STORE_UNAVAILABLE);
  }
  enum complaints_rc rc = category_field(&out->category, in->category, why, whylen);
  if (COMPLAINTS_OK == rc) {
    rc = tidy_field(&out->about, "about", in->about, 0, COMPLAINT_ABOUT_MAX_CHARS, why, whylen,
                    out_store_rc);
  }
  if (COMPLAINTS_OK == rc && NULL != strchr(out->about, '\n')) {
    say(why, whylen, "about: one line, without line breaks.");
    rc = COMPLAINTS_INVALID_FIELD;
  }
  if (COMPLAINTS_OK == rc) {
    rc = tidy_field(&out->body, "body", in->body, COMPLAINT_BODY_MIN_CHARS,
                    COMPLAINT_TEXT_MAX_CHARS, why, whylen, out_store_rc);
  }
  return rc;
}

/* ------------------------------------------------------------------------------------ */
/* mail to the complainant */

/* Lines of a mail: staff texts are broken at a space once a line has this many characters,
 * and cut, whatever it holds, before this many bytes (SMTP carries lines of 998 at most). */
#define MAIL_LINE_CHARS     76
#define MAIL_LINE_MAX_BYTES 900

/* The code points of s[from..to). */
static size_t chars_between(const char *s, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to; i++) {
    n += 0x80 != ((unsigned char)s[i] & 0xC0);
  }
  return n;
}

/* text (UTF-8) broken into mail lines: a line is broken at its last space once it has
 * MAIL_LINE_CHARS characters, and a word that alone passes MAIL_LINE_MAX_BYTES is cut between
 * two characters. malloc'd, or NULL when memory ran out. */
static char *mail_lines(const char *text) {
  size_t len = strlen(text), o = 0, line = 0, line_chars = 0, space = SIZE_MAX;
  char *out = malloc(2 * len + 1); /* room for a break after every byte */
  if (NULL == out) {
    return NULL;
  }
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if ('\n' == c) {
      out[o++] = c;
      line = o;
      line_chars = 0;
      space = SIZE_MAX;
      continue;
    }
    if (0x80 != ((unsigned char)c & 0xC0)) { /* the first byte of a character */
      if (line_chars >= MAIL_LINE_CHARS && SIZE_MAX != space) {
        out[space] = '\n';
        line = space + 1;
        line_chars = chars_between(out, line, o);
        space = SIZE_MAX;
      }
      if (o - line >= MAIL_LINE_MAX_BYTES) {
        out[o++] = '\n';
        line = o;
        line_chars = 0;
        space = SIZE_MAX;
      }
      line_chars++;
    }
    if (' ' == c) {
      space = o;
    }
    out[o++] = c;
  }
  out[o] = '\0';
  return out;
}

/* printf into a buffer of the size the text needs: malloc'd, or NULL. */
static char *text_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *text_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = n < 0 ? NULL : malloc((size_t)n + 1);
  if (NULL != s) {
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  return s;
}

/* The signature of the LSP's mails. */
static const char *mail_sender(const struct svc *svc) {
  return '\0' != svc->cfg->cert_issuer[0] ? svc->cfg->cert_issuer : "ujikom";
}

/* Queues subject and body (which carries the status link: wiped and freed here) to c's
 * address. A mail not queued is logged by the mailer; the step stands without it. */
static void mail_send(struct svc *svc, const struct store_complaint *c, const char *subject,
                      char *body) {
  if (NULL != body) {
    mailer_send(svc->mailer, c->email, subject, body);
    OPENSSL_cleanse(body, strlen(body));
  }
  free(body);
}

/* Whether c's complainant is written to: an address given, and mail configured. */
static bool mail_wanted(const struct svc *svc, const struct store_complaint *c) {
  return NULL != svc->mailer && NULL != svc->cfg && NULL != c->email && '\0' != c->email[0];
}

/* The acknowledgement of a complaint lodged, in Indonesian and English. */
static void mail_acknowledgement(struct svc *svc, const struct store_complaint *c) {
  char ref[COMPLAINT_REF_SIZE], url[COMPLAINTS_URL_MAX], subject[128];
  if (!mail_wanted(svc, c) || !complaints_url(url, svc->cfg->public_url, c->token)) {
    return;
  }
  complaint_ref(ref, c->id);
  snprintf(subject, sizeof subject, "Pengaduan %s diterima / Complaint %s received", ref, ref);
  char *body =
      text_printf("Yth. %s,\n\n"
                  "Pengaduan Anda telah kami terima dengan nomor %s. Kami akan\n"
                  "menanganinya dan mengabari Anda melalui alamat email ini. Status\n"
                  "pengaduan dapat Anda lihat kapan saja di:\n\n%s\n\n"
                  "Jangan bagikan tautan ini: siapa pun yang memilikinya dapat membaca\n"
                  "pengaduan Anda. Sebutkan nomor pengaduan bila menghubungi kami.\n\n"
                  "-- \n\n"
                  "Dear %s,\n\n"
                  "We have received your complaint, reference %s. We will look into\n"
                  "it and write to you at this address. You can follow its status at any\n"
                  "time at:\n\n%s\n\n"
                  "Keep this link to yourself: anyone who has it can read your complaint.\n"
                  "Quote the reference when you contact us.\n\n"
                  "-- \n%s\n",
                  c->name, ref, url, c->name, ref, url, mail_sender(svc));
  mail_send(svc, c, subject, body);
  OPENSSL_cleanse(url, sizeof url);
}

/* A progress report (a note shown to the complainant), or the outcome when closed: the
 * staff's text after a bilingual opening. */
static void mail_news(struct svc *svc, const struct store_complaint *c, const char *text) {
  char ref[COMPLAINT_REF_SIZE], url[COMPLAINTS_URL_MAX], subject[128], opening[320];
  if (!mail_wanted(svc, c) || !complaints_url(url, svc->cfg->public_url, c->token)) {
    return;
  }
  complaint_ref(ref, c->id);
  if (COMPLAINT_CLOSED == c->status) {
    bool upheld = COMPLAINT_UPHELD == c->outcome;
    snprintf(subject, sizeof subject, "Pengaduan %s selesai / Complaint %s closed", ref, ref);
    snprintf(opening, sizeof opening,
             "Pengaduan Anda %s telah selesai ditangani.\nHasilnya: %s.\n\n"
             "Your complaint %s has been dealt with.\nIts outcome: %s.",
             ref, upheld ? "terbukti, pengaduan diterima" : "tidak terbukti", ref,
             upheld ? "upheld" : "not upheld");
  } else {
    snprintf(subject, sizeof subject, "Kabar pengaduan %s / News of complaint %s", ref, ref);
    snprintf(opening, sizeof opening,
             "Ada kabar tentang pengaduan Anda %s.\nThere is news about your complaint %s.", ref,
             ref);
  }
  char *lines = mail_lines(text);
  char *body = NULL == lines ? NULL
                             : text_printf("Yth. %s / Dear %s,\n\n%s\n\n%s\n\n"
                                           "Status pengaduan / The complaint's status:\n%s\n\n"
                                           "-- \n%s\n",
                                           c->name, c->name, opening, lines, url, mail_sender(svc));
  free(lines);
  mail_send(svc, c, subject, body);
  OPENSSL_cleanse(url, sizeof url);
}

/* ------------------------------------------------------------------------------------ */
/* the steps */

/* The start of every run of a step's body (a body may run again after STORE_BUSY). */
static void step_reset(struct complaints_ctx *c) {
  store_complaint_clear(&c->after);
  memset(&c->after, 0, sizeof c->after);
  c->seq = 0;
  c->refusal = COMPLAINTS_OK;
}

/* Reads complaint id back into c->after, as the step left it. */
static int read_back(struct store_tx *tx, struct complaints_ctx *c, int64_t id) {
  int rc = store_complaint_get(store_tx_rd(tx), &c->after, id);
  return STORE_NONE == rc ? STORE_HARD : rc;
}

/* The audit entry of a step on complaint id: its subject "complaint:<id>", after (taken). */
static int audit_step(struct store_tx *tx, int64_t actor, const char *action, int64_t id,
                      json_t *after) {
  return audit_creation(tx, actor, action, "complaint", id, after);
}

/* Counts this lodging or reply in the quota's bucket, in the transaction that stores it: one
 * over the quota is refused (STORE_CONFLICT, COMPLAINTS_LIMITED), and rolling back un-counts
 * it, as it does a lodging the store then fails. */
static int quota_take(struct store_tx *tx, struct complaints_ctx *c) {
  struct complaints_quota *q = c->quota;
  if (NULL == q || NULL == q->key || q->per_hour < 1) {
    return STORE_OK;
  }
  int rc = ratelimits_hourly_take(tx, q->key, q->per_hour, &q->retry_after_s);
  if (STORE_CONFLICT == rc) {
    c->refusal = COMPLAINTS_LIMITED;
  }
  return rc;
}

static int lodge_txn(struct store_tx *tx, void *arg) {
  struct complaints_ctx *c = arg;
  int64_t id = 0;
  step_reset(c);
  int rc = quota_take(tx, c);
  if (STORE_OK != rc) {
    return rc;
  }
  c->lodged.created_ms = store_tx_now_ms(tx);
  rc = store_complaint_create(tx, &id, &c->lodged);
  if (STORE_OK == rc) {
    /* The category and whether an account lodged it: never who, nor what they wrote. */
    rc = audit_step(tx, c->lodged.user_id, "complaint.lodge", id,
                    json_pack("{s:s, s:b}", "category", complaint_category_name(c->lodged.category),
                              "signed_in", c->lodged.user_id > 0));
  }
  return STORE_OK == rc ? read_back(tx, c, id) : rc;
}

/* Whether admin may do a step on complaint c->id that needs it in status need: STORE_OK, or
 * STORE_CONFLICT with c->refusal (no such complaint, the admin's own, another status). */
static int step_allowed(struct store_tx *tx, struct complaints_ctx *c, enum complaint_status need,
                        enum complaints_rc wrong_status) {
  struct store_complaint cur;
  int rc = store_complaint_get(store_tx_rd(tx), &cur, c->id);
  if (STORE_NONE == rc) {
    c->refusal = COMPLAINTS_NOT_FOUND;
    return STORE_CONFLICT;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  /* Impartiality: whoever lodged a complaint takes no part in handling it. */
  if (0 != cur.user_id && cur.user_id == c->admin) {
    c->refusal = COMPLAINTS_OWN;
  } else if (need != cur.status) {
    c->refusal = wrong_status;
  }
  store_complaint_clear(&cur);
  return COMPLAINTS_OK == c->refusal ? STORE_OK : STORE_CONFLICT;
}

static int take_txn(struct store_tx *tx, void *arg) {
  struct complaints_ctx *c = arg;
  step_reset(c);
  int rc = step_allowed(tx, c, COMPLAINT_RECEIVED, COMPLAINTS_NOT_RECEIVED);
  if (STORE_OK == rc) {
    rc = store_complaint_take(tx, c->id, c->admin, store_tx_now_ms(tx));
  }
  if (STORE_OK == rc) {
    rc = audit_step(tx, c->admin, "complaint.take", c->id,
                    json_pack("{s:s, s:b}", "status", complaint_status_name(COMPLAINT_IN_REVIEW),
                              "not_involved", true));
  }
  return STORE_OK == rc ? read_back(tx, c, c->id) : rc;
}

static int note_txn(struct store_tx *tx, void *arg) {
  struct complaints_ctx *c = arg;
  step_reset(c);
  int rc = step_allowed(tx, c, COMPLAINT_IN_REVIEW, COMPLAINTS_NOT_IN_REVIEW);
  if (STORE_OK == rc) {
    rc = store_complaint_note_add(tx, &c->seq, c->id, c->admin, c->shown, c->text,
                                  store_tx_now_ms(tx));
  }
  if (STORE_OK == rc) {
    rc = audit_step(tx, c->admin, "complaint.note", c->id,
                    json_pack("{s:I, s:b}", "seq", (json_int_t)c->seq, "shown", c->shown));
  }
  return STORE_OK == rc ? read_back(tx, c, c->id) : rc;
}

/* The complainant's reply: their complaint found by its token, open. The entry is the
 * complainant's as complaint.lodge's is (their account, or the system when none). */
static int reply_txn(struct store_tx *tx, void *arg) {
  struct complaints_ctx *c = arg;
  struct store_complaint cur;
  step_reset(c);
  int rc = store_complaint_by_token(store_tx_rd(tx), &cur, c->token);
  if (STORE_OK == rc) {
    rc = quota_take(tx, c);
    if (STORE_OK != rc) {
      store_complaint_clear(&cur);
      return rc;
    }
  }
  if (STORE_NONE == rc) {
    c->refusal = COMPLAINTS_NOT_FOUND;
    return STORE_CONFLICT;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  const int64_t id = cur.id, actor = cur.user_id > 0 ? cur.user_id : STORE_AUDIT_SYSTEM;
  const bool closed = COMPLAINT_CLOSED == cur.status;
  store_complaint_clear(&cur);
  if (closed) {
    c->refusal = COMPLAINTS_CLOSED;
    return STORE_CONFLICT;
  }
  rc = store_complaint_note_add(tx, &c->seq, id, 0, true, c->text, store_tx_now_ms(tx));
  if (STORE_OK == rc) {
    rc =
        audit_step(tx, actor, "complaint.reply", id, json_pack("{s:I}", "seq", (json_int_t)c->seq));
  }
  return STORE_OK == rc ? read_back(tx, c, id) : rc;
}

static int close_txn(struct store_tx *tx, void *arg) {
  struct complaints_ctx *c = arg;
  step_reset(c);
  int rc = step_allowed(tx, c, COMPLAINT_IN_REVIEW, COMPLAINTS_NOT_IN_REVIEW);
  if (STORE_OK == rc) {
    rc = store_complaint_close(tx, c->id, c->admin, c->outcome, c->text, store_tx_now_ms(tx));
  }
  if (STORE_OK == rc) {
    rc = audit_step(tx, c->admin, "complaint.close", c->id,
                    json_pack("{s:s, s:b}", "outcome", complaint_outcome_name(c->outcome),
                              "not_involved", true));
  }
  return STORE_OK == rc ? read_back(tx, c, c->id) : rc;
}

/* The end of the retention period: the due complaints erased and audited in one
 * transaction (complaints_erase_due). */
struct erase_ctx {
  int64_t closed_before_ms, now_ms, retention_days;
  size_t erased;
};

static int erase_txn(struct store_tx *tx, void *arg) {
  struct erase_ctx *e = arg;
  int64_t *ids = NULL;
  size_t n = 0;
  e->erased = 0;
  int rc = store_complaint_due_erasure(store_tx_rd(tx), &ids, &n, e->closed_before_ms,
                                       COMPLAINTS_ERASE_BATCH);
  for (size_t i = 0; STORE_OK == rc && i < n; i++) {
    rc = store_complaint_erase(tx, ids[i], COMPLAINTS_ERASED_TEXT, e->now_ms);
    if (STORE_OK == rc) {
      rc = audit_step(tx, STORE_AUDIT_SYSTEM, "complaint.erase", ids[i],
                      json_pack("{s:I}", "retention_days", (json_int_t)e->retention_days));
    }
  }
  free(ids);
  e->erased = STORE_OK == rc ? n : 0;
  /* read as due in this transaction: still there, closed and kept */
  return STORE_NONE == rc || STORE_CONFLICT == rc ? STORE_HARD : rc;
}

enum complaints_rc complaints_erase_due(size_t *out_n, struct svc *svc, int64_t now_ms,
                                        int64_t retention_days, int *out_store_rc) {
  const int64_t day_ms = (int64_t)86400 * 1000;
  *out_n = 0;
  if (retention_days <= 0) {
    return COMPLAINTS_OK;
  }
  if (retention_days > now_ms / day_ms) {
    return COMPLAINTS_OK; /* a period reaching back before the epoch: nothing closed then */
  }
  struct erase_ctx e = {.closed_before_ms = now_ms - retention_days * day_ms,
                        .now_ms = now_ms,
                        .retention_days = retention_days};
  /* Nearly every sweep finds nothing due: a read says so without taking the write lock that
   * the candidates' saves wait for. */
  struct store_rd *rd = NULL;
  int64_t *due = NULL;
  size_t ndue = 0;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_complaint_due_erasure(rd, &due, &ndue, e.closed_before_ms, 1);
  }
  store_rd_end(rd);
  free(due);
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  if (0 == ndue) {
    return COMPLAINTS_OK;
  }
  rc = store_txn(svc->store, erase_txn, &e);
  if (STORE_OK != rc) {
    return store_failed(out_store_rc, rc);
  }
  *out_n = e.erased;
  return COMPLAINTS_OK;
}

/* Runs a step's body in one transaction: COMPLAINTS_OK with *out (the complaint after it),
 * the body's refusal, or COMPLAINTS_STORE_FAILED. */
static enum complaints_rc run_step(struct store_complaint *out, struct complaints_ctx *c,
                                   struct svc *svc, store_txn_fn fn, int *out_store_rc) {
  int rc = store_txn(svc->store, fn, c);
  enum complaints_rc res = COMPLAINTS_OK;
  if (STORE_CONFLICT == rc && COMPLAINTS_OK != c->refusal) {
    res = c->refusal;
  } else if (STORE_OK != rc) {
    res = store_failed(out_store_rc, rc);
  }
  if (COMPLAINTS_OK == res) {
    *out = c->after;
  } else {
    store_complaint_clear(&c->after);
  }
  return res;
}

enum complaints_rc complaints_lodge(struct store_complaint *out, struct svc *svc,
                                    const struct complaints_lodging *in,
                                    struct complaints_quota *quota, char *why, size_t whylen,
                                    int *out_store_rc) {
  struct lodged_fields f;
  struct complaints_ctx c;
  memset(out, 0, sizeof *out);
  memset(&c, 0, sizeof c);
  *out_store_rc = STORE_OK;
  say(why, whylen, "%s", ""); /* no refusal yet */
  enum complaints_rc res = check_lodging(&f, in, why, whylen, out_store_rc);
  if (COMPLAINTS_OK != res) {
    lodged_fields_free(&f);
    return res;
  }
  c.lodged = (struct store_complaint){.user_id = in->user_id > 0 ? in->user_id : 0,
                                      .name = f.name,
                                      .email = f.email,
                                      .category = f.category,
                                      .about = f.about,
                                      .body = f.body};
  c.quota = quota;
  if (0 != session_token_new(c.lodged.token)) {
    res = store_failed(out_store_rc, STORE_HARD); /* no randomness: nothing safe to hand out */
  } else {
    res = run_step(out, &c, svc, lodge_txn, out_store_rc);
  }
  OPENSSL_cleanse(c.lodged.token, sizeof c.lodged.token);
  lodged_fields_free(&f);
  if (COMPLAINTS_OK == res) {
    mail_acknowledgement(svc, out);
  }
  return res;
}

/* The handler's declaration that they took no part in what the complaint is about (ISO/IEC
 * 17024 9.9: decided by persons not involved): the service cannot know who was, so the one
 * who takes or closes a complaint says so, and the audit entry records it. */
static bool declared(bool not_involved, char *why, size_t whylen) {
  if (!not_involved) {
    say(why, whylen,
        "not_involved: confirm that you took no part in what the complaint is about; "
        "otherwise leave it to another administrator.");
  }
  return not_involved;
}

enum complaints_rc complaints_take(struct store_complaint *out, struct svc *svc, int64_t id,
                                   int64_t admin, bool not_involved, char *why, size_t whylen,
                                   int *out_store_rc) {
  struct complaints_ctx c;
  memset(out, 0, sizeof *out);
  memset(&c, 0, sizeof c);
  *out_store_rc = STORE_OK;
  say(why, whylen, "%s", ""); /* no refusal yet */
  if (!declared(not_involved, why, whylen)) {
    return COMPLAINTS_INVALID_FIELD;
  }
  c.id = id;
  c.admin = admin;
  return run_step(out, &c, svc, take_txn, out_store_rc);
}

enum complaints_rc complaints_note(struct store_complaint *out, struct svc *svc, int64_t id,
                                   int64_t admin, bool shown, const char *text, char *why,
                                   size_t whylen, int *out_store_rc) {
  struct complaints_ctx c;
  char *tidy = NULL;
  memset(out, 0, sizeof *out);
  memset(&c, 0, sizeof c);
  *out_store_rc = STORE_OK;
  say(why, whylen, "%s", ""); /* no refusal yet */
  enum complaints_rc res =
      tidy_field(&tidy, "text", text, 1, COMPLAINT_TEXT_MAX_CHARS, why, whylen, out_store_rc);
  if (COMPLAINTS_OK == res) {
    c = (struct complaints_ctx){.id = id, .admin = admin, .shown = shown, .text = tidy};
    res = run_step(out, &c, svc, note_txn, out_store_rc);
  }
  if (COMPLAINTS_OK == res && shown) {
    mail_news(svc, out, tidy);
  }
  free(tidy);
  return res;
}

enum complaints_rc complaints_reply(struct store_complaint *out, struct svc *svc, const char *token,
                                    const char *text, struct complaints_quota *quota, char *why,
                                    size_t whylen, int *out_store_rc) {
  struct complaints_ctx c;
  char *tidy = NULL;
  memset(out, 0, sizeof *out);
  memset(&c, 0, sizeof c);
  *out_store_rc = STORE_OK;
  say(why, whylen, "%s", ""); /* no refusal yet */
  if (NULL == token || !session_token_well_formed(token)) {
    return COMPLAINTS_NOT_FOUND; /* as complaints_open: no look-up for what is no token */
  }
  enum complaints_rc res =
      tidy_field(&tidy, "text", text, 1, COMPLAINT_TEXT_MAX_CHARS, why, whylen, out_store_rc);
  if (COMPLAINTS_OK == res) {
    c = (struct complaints_ctx){.token = token, .text = tidy, .quota = quota};
    res = run_step(out, &c, svc, reply_txn, out_store_rc);
  }
  free(tidy);
  return res;
}

enum complaints_rc complaints_close(struct store_complaint *out, struct svc *svc, int64_t id,
                                    int64_t admin, bool not_involved, const char *outcome,
                                    const char *text, char *why, size_t whylen, int *out_store_rc) {
  struct complaints_ctx c;
  enum complaint_outcome o = COMPLAINT_UPHELD;
  char *tidy = NULL;
  memset(out, 0, sizeof *out);
  memset(&c, 0, sizeof c);
  *out_store_rc = STORE_OK;
  say(why, whylen, "%s", ""); /* no refusal yet */
  if (!complaint_outcome_parse(outcome, &o)) {
    say(why, whylen, "outcome: %s or %s.", complaint_outcome_name(COMPLAINT_UPHELD),
        complaint_outcome_name(COMPLAINT_NOT_UPHELD));
    return COMPLAINTS_INVALID_FIELD;
  }
  enum complaints_rc res =
      tidy_field(&tidy, "text", text, 1, COMPLAINT_TEXT_MAX_CHARS, why, whylen, out_store_rc);
  if (COMPLAINTS_OK == res && !declared(not_involved, why, whylen)) {
    res = COMPLAINTS_INVALID_FIELD;
  }
  if (COMPLAINTS_OK == res) {
    c = (struct complaints_ctx){.id = id, .admin = admin, .outcome = o, .text = tidy};
    res = run_step(out, &c, svc, close_txn, out_store_rc);
  }
  if (COMPLAINTS_OK == res) {
    mail_news(svc, out, tidy);
  }
  free(tidy);
  return res;
}

/* ------------------------------------------------------------------------------------ */
/* reading */

/* The complaint (by token when token is not NULL, else by id) and its notes (only the shown
 * ones when shown_only), in one snapshot. */
static enum complaints_rc read_complaint(struct store_complaint *out,
                                         struct store_complaint_note **out_notes, size_t *out_n,
                                         struct svc *svc, const char *token, int64_t id,
                                         bool shown_only, int *out_store_rc) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc =
        NULL != token ? store_complaint_by_token(rd, out, token) : store_complaint_get(rd, out, id);
  }
  if (STORE_OK == rc) {
    rc = store_complaint_notes(rd, out_notes, out_n, out->id, shown_only);
    if (STORE_OK != rc) {
      store_complaint_clear(out);
      rc = STORE_NONE == rc ? STORE_HARD : rc;
    }
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return COMPLAINTS_NOT_FOUND;
  }
  return STORE_OK == rc ? COMPLAINTS_OK : store_failed(out_store_rc, rc);
}

enum complaints_rc complaints_open(struct store_complaint *out,
                                   struct store_complaint_note **out_notes, size_t *out_n,
                                   struct svc *svc, const char *token, int *out_store_rc) {
  memset(out, 0, sizeof *out);
  *out_notes = NULL;
  *out_n = 0;
  *out_store_rc = STORE_OK;
  if (NULL == token || !session_token_well_formed(token)) {
    return COMPLAINTS_NOT_FOUND;
  }
  return read_complaint(out, out_notes, out_n, svc, token, 0, true, out_store_rc);
}

enum complaints_rc complaints_get(struct store_complaint *out,
                                  struct store_complaint_note **out_notes, size_t *out_n,
                                  struct svc *svc, int64_t id, int *out_store_rc) {
  memset(out, 0, sizeof *out);
  *out_notes = NULL;
  *out_n = 0;
  *out_store_rc = STORE_OK;
  if (id <= 0) {
    return COMPLAINTS_NOT_FOUND;
  }
  return read_complaint(out, out_notes, out_n, svc, NULL, id, false, out_store_rc);
}

enum complaints_rc complaints_list(struct store_complaint **out, size_t *out_n, int64_t *out_next,
                                   int64_t out_counts[3], struct svc *svc,
                                   const enum complaint_status *status, int64_t before_id,
                                   int *out_store_rc) {
  struct store_rd *rd = NULL;
  bool more = false;
  *out = NULL;
  *out_n = 0;
  *out_next = 0;
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_complaint_list(rd, out, out_n, status, before_id < 0 ? 0 : before_id,
                              COMPLAINTS_LIST_MAX, &more);
  }
  if (STORE_OK == rc && NULL != out_counts) {
    rc = store_complaint_counts(rd, out_counts);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    store_complaint_list_free(*out, *out_n);
    *out = NULL;
    *out_n = 0;
    return store_failed(out_store_rc, rc);
  }
  if (more && *out_n > 0) {
    *out_next = (*out)[*out_n - 1].id;
  }
  return COMPLAINTS_OK;
}

/* Rows per page of complaints_each: the store's largest page. */
#define EACH_PAGE 1000

enum complaints_rc complaints_each(struct svc *svc, const enum complaint_status *status,
                                   bool (*fn)(const struct store_complaint *c, void *ctx),
                                   void *ctx, int *out_store_rc) {
  struct store_rd *rd = NULL;
  struct store_complaint *page = NULL;
  size_t n = 0;
  bool more = true, going = true;
  int64_t before = 0;
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  while (STORE_OK == rc && more && going) {
    rc = store_complaint_list(rd, &page, &n, status, before, EACH_PAGE, &more);
    for (size_t i = 0; STORE_OK == rc && going && i < n; i++) {
      going = fn(&page[i], ctx);
    }
    before = STORE_OK == rc && n > 0 ? page[n - 1].id : before;
    more = more && n > 0;
    store_complaint_list_free(page, n);
    page = NULL;
    n = 0;
  }
  store_rd_end(rd);
  return STORE_OK == rc ? COMPLAINTS_OK : store_failed(out_store_rc, rc);
}

enum complaints_rc complaints_of_user(struct store_complaint **out, size_t *out_n, struct svc *svc,
                                      int64_t user_id, int *out_store_rc) {
  struct store_rd *rd = NULL;
  *out = NULL;
  *out_n = 0;
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_complaint_list_by_user(rd, out, out_n, user_id, COMPLAINTS_LIST_MAX);
  }
  store_rd_end(rd);
  return STORE_OK == rc ? COMPLAINTS_OK : store_failed(out_store_rc, rc);
}

enum complaints_rc complaints_counts(int64_t out_counts[3], struct svc *svc, int *out_store_rc) {
  struct store_rd *rd = NULL;
  memset(out_counts, 0, 3 * sizeof out_counts[0]);
  *out_store_rc = STORE_OK;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_complaint_counts(rd, out_counts);
  }
  store_rd_end(rd);
  return STORE_OK == rc ? COMPLAINTS_OK : store_failed(out_store_rc, rc);
}

bool complaints_url(char out[COMPLAINTS_URL_MAX], const char *public_url, const char *token) {
  int n = snprintf(out, COMPLAINTS_URL_MAX, "%s%s%s", public_url, COMPLAINTS_PATH, token);
  return n > 0 && n < COMPLAINTS_URL_MAX;
}

/* ------------------------------------------------------------------------------------ */
/* JSON */

/* An account id, or null for none (0). */
static json_t *json_id(int64_t id) {
  return id > 0 ? json_integer((json_int_t)id) : json_null();
}

/* One note: its number, time and text, and whether it is the complainant's reply; for staff
 * also whether it is shown and who wrote it (nobody's account for a reply: null). */
static json_t *note_json(const struct store_complaint_note *n, bool staff) {
  json_t *j =
      json_pack("{s:I, s:o, s:s, s:b}", "seq", (json_int_t)n->seq, "at", json_time(n->created_ms),
                "text", NULL != n->body ? n->body : "", "from_complainant", n->from_complainant);
  if (NULL != j && staff &&
      (0 != json_object_set_new(j, "shown", json_boolean(n->shown)) ||
       0 != json_object_set_new(j, "author", json_pack("s?", n->author_name)) ||
       0 != json_object_set_new(j, "author_id", json_id(n->author_id)))) {
    json_decref(j);
    j = NULL;
  }
  return j;
}

/* What only staff see: the row's id, the contact, the account, the handler and whether a
 * reply of the complainant's waits for them. */
static bool add_staff_fields(json_t *j, const struct store_complaint *c) {
  return 0 == json_object_set_new(j, "id", json_integer((json_int_t)c->id)) &&
         0 == json_object_set_new(j, "awaiting_staff", json_boolean(c->awaiting_staff)) &&
         0 == json_object_set_new(j, "email", json_string(NULL != c->email ? c->email : "")) &&
         0 == json_object_set_new(j, "user_id", json_id(c->user_id)) &&
         0 == json_object_set_new(j, "handler_id", json_id(c->handler_id)) &&
         0 == json_object_set_new(j, "handler", json_pack("s?", c->handler_name));
}

json_t *complaints_json(const struct store_complaint *c, const struct store_complaint_note *notes,
                        size_t n, bool staff) {
  char ref[COMPLAINT_REF_SIZE];
  bool closed = COMPLAINT_CLOSED == c->status;
  complaint_ref(ref, c->id);
  json_t *list = json_array();
  for (size_t i = 0; NULL != list && NULL != notes && i < n; i++) {
    if (0 != json_array_append_new(list, note_json(&notes[i], staff))) {
      json_decref(list);
      list = NULL;
    }
  }
  if (NULL == list) {
    return NULL;
  }
  json_t *j = json_pack(
      "{s:s, s:s?, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:o, s:o, s:o, s:o, s:o}", "reference", ref,
      "status", complaint_status_name(c->status), "category", complaint_category_name(c->category),
      "name", NULL != c->name ? c->name : "", "about", NULL != c->about ? c->about : "", "body",
      NULL != c->body ? c->body : "", "outcome", closed ? complaint_outcome_name(c->outcome) : NULL,
      "outcome_text", closed ? c->outcome_text : NULL, "created_at", json_time(c->created_ms),
      "taken_at", json_time(c->taken_ms), "closed_at", json_time(c->closed_ms), "erased_at",
      json_time(c->erased_ms), "notes", list);
  if (NULL != j && staff && !add_staff_fields(j, c)) {
    json_decref(j);
    j = NULL;
  }
  return j;
}
