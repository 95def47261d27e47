/*
 * Certificates in the store: the signed forms and the claims they carry, one non-revoked
 * certificate per passed attempt (a revoked one may be followed by a new one that names it
 * in `replaces`), and their status: valid, suspended (reversible) or revoked (final), with
 * who, when and why; the random index of each in the published status lists.
 */
#ifndef UJIKOM_STORE_CERTS_H
#define UJIKOM_STORE_CERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/person_name.h"

struct store_tx;
struct store_rd;

#define STORE_CERT_VALID     "valid"
#define STORE_CERT_REVOKED   "revoked"
#define STORE_CERT_SUSPENDED "suspended" /* reversible (BNSP pembekuan) */

struct store_cert {
  char serial[26];
  int64_t attempt_id;
  int64_t user_id;
  char holder[PERSON_NAME_SIZE];
  char subsector[16];
  char exam_id[41];
  char *units;      /* JSON text [{"code":..,"title":..}], malloc'd */
  int64_t issued_s; /* seconds since the epoch */
  int64_t expires_s;
  char kid[9];
  char *jws;                /* malloc'd */
  char *qr_token;           /* malloc'd */
  char *display;            /* cert_display_encode text, malloc'd; NULL when not stored */
  char status[10];          /* STORE_CERT_VALID, _REVOKED or _SUSPENDED */
  int64_t revoked_ms;       /* 0 unless revoked */
  char revoked_reason[501]; /* "" unless revoked */
  int64_t revoked_by;       /* user id, 0 unless revoked */

  int64_t suspended_ms;       /* 0 unless suspended */
  char suspended_reason[501]; /* "" unless suspended */
  int64_t suspended_by;       /* user id, 0 unless suspended */
  char replaces[26];          /* the revoked certificate this one replaces, or "" */
  bool has_status_index;      /* false: issued without a status list entry */
  int64_t status_index;       /* index in the status lists when has_status_index */
};

/* Frees units, jws, qr_token and display of a certificate filled by a look-up (the struct itself is
 * the caller's). NULL allowed. */
void store_cert_clear(struct store_cert *c);

/* Inserts a new certificate (status valid; units/jws/qr_token must be set; display should
 * be, NULL leaves it to issue_display_backfill; replaces "" for none).
 * STORE_OK; STORE_EXISTS when the attempt already has a non-revoked certificate, or the
 * status index or (astronomically unlikely) the serial is taken; negative on storage
 * errors. */
int store_cert_insert(struct store_tx *tx, const struct store_cert *c);

/* Look-ups: STORE_OK (clear with store_cert_clear), STORE_NONE, or negative. The serial
 * must be canonical (cert_serial_parse). */
int store_cert_by_serial(struct store_rd *rd, struct store_cert *out, const char *serial);
/* By attempt: its non-revoked certificate (STORE_NONE when it has none, or only revoked ones). */
int store_cert_by_attempt(struct store_rd *rd, struct store_cert *out, int64_t attempt_id);
/* The serial of the attempt's most recently revoked certificate: STORE_OK (out filled),
 * STORE_NONE (out ""), or negative. */
int store_cert_last_revoked(struct store_rd *rd, char out[26], int64_t attempt_id);
/* The look-up for verification: as store_cert_by_serial with qr_token and display (NULL
 * when not stored), but without the bulk of a row: no credential (jws NULL) and no units
 * ("": the display text carries them). */
int store_cert_by_serial_brief(struct store_rd *rd, struct store_cert *out, const char *serial);

/* What a verification reads, in one statement: the brief row (as store_cert_by_serial_brief)
 * and where the transparency log recorded the certificate's issuance. */
struct store_cert_logged {
  struct store_cert cert;
  bool logged;        /* the log holds its issuance entry (the two fields below) */
  uint64_t log_index; /* its position, 0-based */
  int64_t logged_ms;  /* when it was appended */
  int64_t generation; /* store_cert_state_generation, read in the same statement */
};

/* STORE_OK, STORE_NONE (no certificate with that serial) or < 0; store_cert_clear(&out->cert)
 * afterwards. */
int store_cert_by_serial_logged(struct store_rd *rd, struct store_cert_logged *out,
                                const char *serial);

/* Certificates without display text (issued before it was stored), with their credential,
 * at most limit (1..1000), in serial order after `after` ("" to start). Same result as
 * store_cert_list. */
int store_cert_list_undisplayed(struct store_rd *rd, struct store_cert **out, size_t *out_n,
                                const char *after, int limit);
/* Stores the display text of a certificate that had none. STORE_OK, STORE_NONE (no such
 * certificate, or it has display text already), or negative. */
int store_cert_set_display(struct store_tx *tx, const char *serial, const char *display);

/* Which certificates a list shows; every member optional (0 / NULL: any). */
struct store_cert_query {
  int64_t user_id;          /* > 0: one holder's */
  int64_t before_s;         /* > 0: issued before this second */
  const char *after_serial; /* those after this certificate in the list's order (the last
                             * one of the page before: exact, unlike before_s, when many
                             * were issued in one second); none when it does not exist */
  const char *text;         /* part of the serial or of the holder's name, ASCII case ignored */
  const char *status;       /* STORE_CERT_VALID, _SUSPENDED or _REVOKED */
};

/* A page of certificates, newest first (then by serial), matching q: at most limit
 * (1..1000), *out_more whether more follow (read in the same statement). Without
 * jws/qr_token (NULL). On STORE_OK *out is an array of *out_n entries to free with
 * store_cert_list_free. */
int store_cert_list(struct store_rd *rd, struct store_cert **out, size_t *out_n,
                    const struct store_cert_query *q, int limit, bool *out_more);
void store_cert_list_free(struct store_cert *list, size_t n);

/* The status changes: revoke (from valid or suspended; final), suspend (from valid) and
 * reinstate (from suspended), at the transaction's time, by by_user_id (0: the system) with
 * reason (ignored for reinstate). */
enum store_cert_change { STORE_CERT_TO_REVOKED, STORE_CERT_TO_SUSPENDED, STORE_CERT_TO_VALID };
/* STORE_OK, STORE_NONE (no such serial), STORE_CONFLICT (the certificate's status does not
 * allow the change), or negative. */
int store_cert_set_status(struct store_tx *tx, const char *serial, enum store_cert_change change,
                          int64_t by_user_id, const char *reason);

/* Whether a status index is given to a certificate: STORE_OK (it is), STORE_NONE, or
 * negative. */
int store_cert_status_index_used(struct store_rd *rd, int64_t index);
/* The highest status index given to any certificate, or -1 when none has one (STORE_OK or
 * negative). The published lists cover it (common/status_lists.c). */
int store_cert_status_index_max(struct store_rd *rd, int64_t *out);
/* The status indexes of every certificate whose status is `status` (STORE_CERT_REVOKED or
 * STORE_CERT_SUSPENDED) and that has one. On STORE_OK *out (free()) holds *out_n indexes
 * (NULL when none). */
int store_cert_status_indexes(struct store_rd *rd, int64_t **out, size_t *out_n,
                              const char *status);
/* A number that grows with every status change of any certificate (STORE_OK or negative). */
int store_cert_status_epoch(struct store_rd *rd, int64_t *out);
/* The certificate state generation (migration 0032): a number that grows, in the same
 * transaction, with every write that could change an online verdict about a certificate
 * already in the register (its status, reasons and times, any of its content, any
 * transparency log entry changed or deleted), whichever process or node writes it; a new
 * certificate or log entry leaves it. What a process verified about a certificate while it
 * read generation G stays true while the generation is G. STORE_OK or negative. */
int store_cert_state_generation(struct store_rd *rd, int64_t *out);

/* A signed status list credential as published, kept so that it is signed again only when
 * a status changed (epoch), the signing key (kid) or the public URL changed. */
struct store_status_list {
  int64_t epoch;
  char kid[9];
  char url[512];
  int64_t built_ms;
  char *credential; /* malloc'd */
};
void store_status_list_clear(struct store_status_list *l);
/* purpose: "revocation" or "suspension". STORE_OK (clear with store_status_list_clear),
 * STORE_NONE, or negative. */
int store_status_list_get(struct store_rd *rd, struct store_status_list *out, const char *purpose);
/* Stores (replaces) the list of purpose. STORE_OK or negative. */
int store_status_list_put(struct store_tx *tx, const char *purpose,
                          const struct store_status_list *l);

/* The cached PNG of a certificate's QR code (QR encoding is expensive, so it is rendered
 * once per URL). STORE_OK with *out (malloc'd, free()) and *out_len; STORE_NONE when there
 * is no such certificate or nothing cached for this url; negative on errors. */
int store_cert_png_get(struct store_rd *rd, unsigned char **out, size_t *out_len,
                       const char *serial, const char *url);
/* Stores the rendering cache of the PNG that encodes url. STORE_OK, STORE_NONE (no such
 * certificate), or negative. */
int store_cert_png_put(struct store_tx *tx, const char *serial, const char *url, const void *png,
                       size_t len);

#endif
