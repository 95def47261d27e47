/*
 * Certificate issuance: reads the attempt's holder and exam version and builds the claims
 * outside the write lock (issue_prepare), then, inside a transaction (its own, or the
 * decision's), draws the status list index, signs, and stores the certificate with its
 * audit and log entries, or returns the non-revoked certificate the attempt already has.
 */
#include "common/issue.h"

#include "common/accounts.h"
#include "common/certlog.h"
#include "common/credential_jwt.h"
#include "common/issued_claims.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/audit_text.h"
#include "common/catalog.h"
#include "common/keystore.h"
#include "common/recert.h"
#include "store/store_cert_jwt.h"
#include "store/store_credential.h"
#include "ujikom/clock.h"
#include "ujikom/json_compact.h"
#include "ujikom/person_name.h"
#include "ujikom/status_list.h"
#include "ujikom/utf8.h"

static const char *const rc_names[] = {
    [ISSUE_CREATED] = "created",         [ISSUE_EXISTING] = "existing",
    [ISSUE_NOT_FOUND] = "not_found",     [ISSUE_NOT_COMPETENT] = "not_competent",
    [ISSUE_UNAVAILABLE] = "unavailable", [ISSUE_BAD_HOLDER] = "bad_holder",
    [ISSUE_INTERNAL] = "internal",
};

const char *issue_rc_name(enum issue_rc rc) {
  return (size_t)rc < sizeof(rc_names) / sizeof(rc_names[0]) ? rc_names[rc] : "internal";
}

/* Copies text into a claim field, cutting at a UTF-8 boundary when it is too long. */
static void claim_copy(char *dst, size_t size, const char *src) {
  size_t len = NULL == src ? 0 : utf8_cut(src, strlen(src), size - 1);
  if (len > 0) {
    memcpy(dst, src, len);
  }
  dst[len] = '\0';
}

/* t plus whole calendar years (29 February becomes 1 March in non-leap years). */
static int64_t add_years(int64_t t, long years) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (NULL == gmtime_r(&tt, &tm)) {
    return t + (int64_t)years * 365 * 86400;
  }
  tm.tm_year += (int)years;
  return (int64_t)timegm(&tm);
}

static int map_store_rc(int rc, char *err, size_t errlen, const char *what) {
  snprintf(err, errlen, "%s: store %s", what, store_rc_name(rc));
  return (STORE_BUSY == rc || STORE_UNAVAILABLE == rc) ? ISSUE_UNAVAILABLE : ISSUE_INTERNAL;
}

static char *units_json(const struct cert_claims *c) {
  json_t *arr = json_array();
  for (size_t i = 0; NULL != arr && i < c->nunits; i++) {
    if (0 != json_array_append_new(arr, json_pack("{s:s, s:s}", "code", c->units[i].code, "title",
                                                  c->units[i].title))) {
      json_decref(arr);
      return NULL;
    }
  }
  char *text = NULL == arr ? NULL : json_compact(arr, false);
  json_decref(arr);
  return text;
}

/* Reads what the claims need outside any transaction: the attempt's holder (checked by the
 * name validator) into cl, its user and exam version. ISSUE_CREATED means "go on". */
static enum issue_rc read_inputs(struct issue_prep *p, char *version, size_t version_size,
                                 struct svc *svc, int64_t attempt_id, char *err, size_t errlen) {
  struct cert_claims *cl = p->claims;
  struct store_rd *rd = NULL;
  struct store_attempt a;
  struct store_user u;
  enum issue_rc result = ISSUE_INTERNAL;
  memset(&a, 0, sizeof a);
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return (enum issue_rc)map_store_rc(rc, err, errlen, "read");
  }
  rc = store_attempt_get(rd, &a, attempt_id);
  if (STORE_NONE == rc) {
    snprintf(err, errlen, "no attempt %lld", (long long)attempt_id);
    result = ISSUE_NOT_FOUND;
    goto cleanup;
  }
  if (STORE_OK != rc) {
    result = (enum issue_rc)map_store_rc(rc, err, errlen, "attempt look-up");
    goto cleanup;
  }
  rc = accounts_read(rd, a.user_id, &u);
  if (STORE_OK != rc) {
    result = (enum issue_rc)map_store_rc(rc, err, errlen, "holder look-up");
    goto cleanup;
  }
  /* An account stored before names had one validator may hold a name no certificate can
   * carry: say so rather than fail at signing. */
  char why[160] = "", *holder = NULL;
  if (PERSON_NAME_OK != person_name_for_record(&holder, u.name, strlen(u.name), why, sizeof why)) {
    snprintf(err, errlen,
             "the holder's name cannot be printed on a certificate: %s; the account's name must "
             "be corrected first",
             why);
    result = ISSUE_BAD_HOLDER;
    goto cleanup;
  }
  claim_copy(cl->holder, sizeof cl->holder, holder);
  free(holder);
  rc = credential_holder_read(p->holder, rd, a.user_id);
  if (STORE_OK != rc) {
    result = (enum issue_rc)map_store_rc(rc, err, errlen, "holder look-up");
    goto cleanup;
  }
  p->user_id = a.user_id;
  snprintf(version, version_size, "%s", a.exam_version);
  result = ISSUE_CREATED; /* meaning: go on */
cleanup:
  store_attempt_clear(&a);
  store_rd_end(rd);
  return result;
}

int issue_claims_from_exam(struct cert_claims *cl, const struct exam *exam,
                           const struct exam_subsectors *subsectors, long default_years,
                           int64_t issued, const char *issuer_name, const char *issuer_url) {
  if (exam->nunits > CERT_MAX_UNITS) {
    return -1;
  }
  claim_copy(cl->subsector, sizeof cl->subsector, exam->subsector);
  const struct exam_subsector *sub = exam_subsector_find(subsectors, exam->subsector);
  claim_copy(cl->subsector_name, sizeof cl->subsector_name, NULL == sub ? NULL : sub->name_id);
  claim_copy(cl->scheme_id, sizeof cl->scheme_id, exam->id);
  claim_copy(cl->scheme_title, sizeof cl->scheme_title,
             (NULL != exam->scheme && exam->scheme[0]) ? exam->scheme : exam->title);
  claim_copy(cl->issuer_name, sizeof cl->issuer_name, issuer_name);
  claim_copy(cl->issuer_url, sizeof cl->issuer_url, issuer_url);
  cl->nunits = exam->nunits;
  for (size_t i = 0; i < exam->nunits; i++) {
    claim_copy(cl->units[i].code, sizeof cl->units[i].code, exam->units[i].code);
    claim_copy(cl->units[i].title, sizeof cl->units[i].title, exam->units[i].title);
  }
  long years = exam->validity_years > 0 ? exam->validity_years : default_years;
  cl->issued = issued;
  /* Expiry at 00:00 UTC, so the QR token's whole days say exactly what the credential's
   * seconds say, and "valid until" (the day before) is one date everywhere (ujikom/cert.h). */
  cl->expires = cert_day_ceil(add_years(issued, years));
  return 0;
}

struct cert_record issue_record_of(const struct store_cert *c) {
  return (struct cert_record){.serial = c->serial,
                              .holder = c->holder,
                              .subsector = c->subsector,
                              .scheme_id = c->exam_id,
                              .kid = c->kid,
                              .issued = c->issued_s,
                              .expires = c->expires_s};
}

/* The display text of certificate out (its record and tokens filled), with the register seals
 * of both tokens in front (ujikom/cert.h, "the register seal"). 0 or -1. */
static int seal_display(struct store_cert *out, const struct cert_claims *cl,
                        const struct token_key *key) {
  unsigned char qr[CERT_SEAL_LEN], jws[CERT_SEAL_LEN];
  const struct cert_record r = issue_record_of(out);
  char *display = cert_display_encode(cl);
  struct cert_sealer *sealer = NULL;
  int rc = -1;
  if (NULL != display && 0 == cert_sealer_new(&sealer, key) &&
      0 == cert_seal(qr, sealer, CERT_SEAL_QR, &r, out->qr_token, display) &&
      0 == cert_seal(jws, sealer, CERT_SEAL_JWS, &r, out->jws, display) &&
      NULL != (out->display = cert_display_sealed(display, qr, jws))) {
    rc = 0;
  }
  cert_sealer_free(sealer);
  free(display);
  return rc;
}

int issue_cert_sign(struct store_cert *out, struct cert_claims *cl, const struct token_key *key) {
  memcpy(cl->kid, key->pub.kid, sizeof cl->kid);
  if (0 != cert_serial_generate(cl->serial)) {
    return -1;
  }
  memcpy(out->serial, cl->serial, sizeof out->serial);
  claim_copy(out->holder, sizeof out->holder, cl->holder);
  claim_copy(out->subsector, sizeof out->subsector, cl->subsector);
  claim_copy(out->exam_id, sizeof out->exam_id, cl->scheme_id);
  out->issued_s = cl->issued;
  out->expires_s = cl->expires;
  memcpy(out->kid, cl->kid, sizeof out->kid);
  memcpy(out->replaces, cl->replaces, sizeof out->replaces);
  out->has_status_index = cl->has_status;
  out->status_index = (int64_t)cl->status_index;
  snprintf(out->status, sizeof out->status, "%s", STORE_CERT_VALID);
  /* The seal covers the record as stored (the row's fields, not the claims they came from). */
  if (0 != cert_jws_sign(&out->jws, cl, key) || 0 != cert_qr_token_sign(&out->qr_token, cl, key) ||
      NULL == (out->units = units_json(cl)) || 0 != seal_display(out, cl, key)) {
    return -2;
  }
  return 0;
}

/* The claims of the exam version the attempt was taken in (issue_claims_from_exam). */
static enum issue_rc fill_exam_claims(struct cert_claims *cl, struct svc *svc, const char *version,
                                      char *err, size_t errlen) {
  const struct exam *exam = NULL;
  if (NULL == svc->catalog ||
      0 != catalog_version_from_store(svc->catalog, svc->store, &exam, version) || NULL == exam) {
    snprintf(err, errlen, "exam version %s is not available", version);
    return ISSUE_INTERNAL;
  }
  if (0 != issue_claims_from_exam(cl, exam, catalog_subsectors(svc->catalog),
                                  svc->cfg->cert_validity_years, clock_wall_s(),
                                  svc->cfg->cert_issuer, svc->cfg->public_url)) {
    snprintf(err, errlen, "exam %s has more than %d units", exam->id, CERT_MAX_UNITS);
    return ISSUE_INTERNAL;
  }
  return ISSUE_CREATED;
}

enum issue_rc issue_prepare(struct issue_prep *out, struct svc *svc, int64_t attempt_id, char *err,
                            size_t errlen) {
  char version[65] = "";
  memset(out, 0, sizeof *out);
  snprintf(err, errlen, "internal error");
  if (NULL == svc->keys || NULL == svc->store) {
    snprintf(err, errlen, "signing keys or store not loaded");
    return ISSUE_INTERNAL;
  }
  out->claims = calloc(1, sizeof *out->claims);
  out->holder = calloc(1, sizeof *out->holder);
  if (NULL == out->claims || NULL == out->holder) {
    issue_prep_clear(out);
    return ISSUE_UNAVAILABLE;
  }
  out->attempt_id = attempt_id;
  out->licence = svc->cfg->cert_licence;
  out->jwt_key = keystore_es256_active(svc->keys);
  out->public_url = svc->cfg->public_url;
  enum issue_rc result = read_inputs(out, version, sizeof version, svc, attempt_id, err, errlen);
  if (ISSUE_CREATED == result) {
    result = fill_exam_claims(out->claims, svc, version, err, errlen);
  }
  if (ISSUE_CREATED != result) {
    issue_prep_clear(out);
    return result;
  }
  err[0] = '\0';
  return ISSUE_CREATED;
}

void issue_prep_clear(struct issue_prep *p) {
  free(p->claims);
  free(p->holder);
  memset(p, 0, sizeof *p);
}

/* Whether a status index is taken, for status_list_random_index; a store failure is kept
 * in rc (and the index counted as taken, so the draw ends). */
struct index_probe {
  struct store_rd *rd;
  int rc;
};

static bool index_in_use(void *ctx, uint64_t index) {
  struct index_probe *p = ctx;
  int rc = store_cert_status_index_used(p->rd, (int64_t)index);
  if (rc < 0) {
    p->rc = rc;
  }
  return STORE_NONE != rc;
}

/* The audit entry of an issuance: attempt, serial, kid, exam, what it replaces and what it
 * recertifies (recertifies "" for none). */
static int audit_issue(struct store_tx *tx, const struct store_cert *c, const char *recertifies,
                       int64_t actor) {
  char subject[48];
  json_t *after = json_pack("{s:I, s:s, s:s, s:s}", "attempt", (json_int_t)c->attempt_id, "serial",
                            c->serial, "kid", c->kid, "exam", c->exam_id);
  if (NULL != after && c->replaces[0]) {
    json_object_set_new(after, "replaces", json_string(c->replaces));
  }
  if (NULL != after && recertifies[0]) {
    json_object_set_new(after, "recertifies", json_string(recertifies));
  }
  char *text = audit_text(after);
  if (NULL == text) {
    return STORE_UNAVAILABLE;
  }
  snprintf(subject, sizeof subject, "certificate:%s", c->serial);
  int rc = store_audit_append(tx, NULL, actor, "certificate.issue", subject, NULL, text);
  free(text);
  return rc;
}

/* What every issuance records beside the certificate and its documents, in its transaction:
 * the transparency log's entry, the link to the holder's certificate it renews, the audit
 * entry. */
static int record_issue_tx(struct store_tx *tx, const struct store_cert *c, int64_t started_ms,
                           int64_t actor) {
  int rc = certlog_append_tx(tx, CERTLOG_ISSUE, c, NULL);
  char recertifies[26] = ""; /* the holder's certificate this one renews, if any */
  if (STORE_OK == rc) {
    rc = recert_link_tx(tx, c, started_ms, recertifies);
  }
  if (STORE_OK == rc) {
    rc = audit_issue(tx, c, recertifies, actor);
  }
  return rc;
}

/* The checks every issuance makes in its transaction: when the attempt has a non-revoked
 * certificate, *existing is that one (*out_rc ISSUE_EXISTING, STORE_OK, and *may_issue
 * false); otherwise the attempt must exist with the verdict K (STORE_CONFLICT with
 * ISSUE_NOT_FOUND or ISSUE_NOT_COMPETENT). *started_ms is the attempt's start. */
static int check_issuable_tx(struct store_rd *rd, struct store_cert *existing,
                             enum issue_rc *out_rc, bool *may_issue, int64_t *started_ms,
                             int64_t attempt_id) {
  struct store_attempt a;
  memset(&a, 0, sizeof a);
  *may_issue = false;
  int rc = store_cert_by_attempt(rd, existing, attempt_id);
  if (STORE_OK == rc) {
    *out_rc = ISSUE_EXISTING;
    return STORE_OK;
  }
  if (STORE_NONE != rc) {
    return rc;
  }
  rc = store_attempt_get(rd, &a, attempt_id);
  enum verdict verdict = a.verdict;
  *started_ms = a.started_ms;
  store_attempt_clear(&a);
  if (STORE_NONE == rc) {
    *out_rc = ISSUE_NOT_FOUND;
    return STORE_CONFLICT;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  if (VERDICT_K != verdict) {
    *out_rc = ISSUE_NOT_COMPETENT;
    return STORE_CONFLICT;
  }
  *may_issue = true;
  return STORE_OK;
}

/* What an issuance signs, before it is stored: the certificate row, its credential and the
 * credential's JWT. */
struct issue_signed {
  struct store_cert cert;
  char salt[OB3_SALT_LEN + 1];
  char *jsonld; /* NULL: no credential could be made (issued all the same, made on request) */
  char *jwt;    /* NULL without an ES256 key, or without jsonld */
};

static void issue_signed_clear(struct issue_signed *sig) {
  store_cert_clear(&sig->cert);
  free(sig->jsonld);
  free(sig->jwt);
  memset(sig, 0, sizeof *sig);
}

/* Chooses, from what rd shows, what the certificate of p's attempt is signed over: the
 * attempt's last revoked certificate (the decision went away from K and came back: the new
 * one names it) in `replaces`, and a random unused status list index (in the lists as they
 * are, or in lists of twice the length when those are nearly full). A store code. */
static int choose_claims(struct store_rd *rd, struct issue_prep *p) {
  struct cert_claims *cl = p->claims;
  int rc = store_cert_last_revoked(rd, cl->replaces, p->attempt_id);
  if (rc < 0) {
    return rc;
  }
  int64_t highest = -1; /* the lists cover it: draw over them, or over a doubled one */
  rc = store_cert_status_index_max(rd, &highest);
  if (rc < 0) {
    return rc;
  }
  struct index_probe probe = {rd, STORE_OK};
  uint64_t index = 0;
  if (0 != status_list_random_index(&index, (uint64_t)(highest + 1), CERT_STATUS_INDEX_LIMIT,
                                    index_in_use, &probe)) {
    return probe.rc < 0 ? probe.rc : STORE_HARD; /* every index taken, or the CSPRNG failed */
  }
  cl->has_status = true;
  cl->status_index = index;
  return STORE_OK;
}

/* Signs everything the certificate of p's attempt needs with key, over the claims
 * choose_claims completed. STORE_OK (clear *out with issue_signed_clear) or STORE_HARD. */
static int sign_claims(struct issue_signed *out, const struct issue_prep *p,
                       const struct token_key *key) {
  struct cert_claims *cl = p->claims;
  memset(out, 0, sizeof *out);
  if (0 != issue_cert_sign(&out->cert, cl, key)) {
    issue_signed_clear(out);
    return STORE_HARD;
  }
  out->cert.attempt_id = p->attempt_id;
  out->cert.user_id = p->user_id;
  /* The OB 3.0 credential with its embedded proof, and its JWT form from the same document.
   * Without a document (credential_make logged why) the certificate is issued all the same,
   * with or without an ES256 key: both forms are made on request once they can be
   * (credential_jsonld, credential_jwt). A document the ES256 key fails to sign is a failure. */
  json_t *doc = credential_make(out->salt, &out->jsonld, cl, p->holder, p->licence, key);
  int rc = STORE_OK;
  if (NULL != doc && NULL != p->jwt_key &&
      NULL == (out->jwt = credential_jwt_make(doc, p->jwt_key, p->public_url))) {
    rc = STORE_HARD;
  }
  json_decref(doc);
  if (STORE_OK != rc) {
    issue_signed_clear(out);
  }
  return rc;
}

/* Stores what sign_claims signed inside tx, with what every issuance records. */
static int store_signed_tx(struct store_tx *tx, const struct issue_signed *sig, int64_t started_ms,
                           int64_t actor) {
  const struct store_cert *c = &sig->cert;
  int rc = store_cert_insert(tx, c);
  if (STORE_OK == rc && NULL != sig->jsonld) {
    rc = store_credential_put(tx, c->serial, sig->salt, sig->jsonld, clock_wall_ms());
    rc = STORE_NONE == rc ? STORE_HARD : rc; /* a new certificate has no credential yet */
  }
  if (STORE_OK == rc && NULL != sig->jwt) {
    rc = store_cert_jwt_put(tx, c->serial, sig->jwt, clock_wall_ms());
  }
  if (STORE_OK == rc) {
    rc = record_issue_tx(tx, c, started_ms, actor);
  }
  return rc;
}

int issue_insert_tx(struct store_tx *tx, struct store_cert *out, enum issue_rc *out_rc,
                    struct issue_prep *p, const struct token_key *key, int64_t actor) {
  struct store_rd *rd = store_tx_rd(tx);
  struct issue_signed sig;
  memset(out, 0, sizeof *out);
  *out_rc = ISSUE_INTERNAL;
  bool may_issue = false;
  int64_t started_ms = 0;
  int rc = check_issuable_tx(rd, out, out_rc, &may_issue, &started_ms, p->attempt_id);
  if (STORE_OK != rc || !may_issue) {
    return rc;
  }
  rc = choose_claims(rd, p);
  if (STORE_OK == rc) {
    rc = sign_claims(&sig, p, key);
  }
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_signed_tx(tx, &sig, started_ms, actor);
  if (STORE_OK == rc) {
    *out = sig.cert; /* the caller's now */
    memset(&sig.cert, 0, sizeof sig.cert);
    *out_rc = ISSUE_CREATED;
  }
  issue_signed_clear(&sig);
  return rc;
}

/* issue_certificate signs before its transaction, so that the store's single writer, and
 * every write queued behind it, never waits for a signature (four of them and the
 * credential's canonical form are most of an issuance's CPU): choose_claims in a snapshot,
 * then sign_claims outside it. The transaction checks what was chosen again; when it changed
 * meanwhile it stores nothing and the caller signs again. */
static int sign_ahead(struct issue_signed *out, struct svc *svc, struct issue_prep *p,
                      const struct token_key *key) {
  struct store_rd *rd = NULL;
  memset(out, 0, sizeof *out);
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = choose_claims(rd, p);
  }
  store_rd_end(rd);
  return STORE_OK == rc ? sign_claims(out, p, key) : rc;
}

struct issue_txn {
  const struct issue_prep *prep;
  const struct issue_signed *sig;
  int64_t actor;
  struct store_cert existing; /* ISSUE_EXISTING: the attempt's certificate */
  enum issue_rc result;
  bool stale; /* what was signed no longer holds: sign again */
};

/* Stores what sign_ahead signed, after the checks every issuance makes and a check that what
 * it chose still holds. */
static int issue_txn_fn(struct store_tx *tx, void *arg) {
  struct issue_txn *t = arg;
  struct store_rd *rd = store_tx_rd(tx);
  const struct store_cert *c = &t->sig->cert;
  char replaces[sizeof c->replaces] = "";
  bool may_issue = false;
  int64_t started_ms = 0;
  store_cert_clear(&t->existing); /* a retried transaction starts again */
  t->result = ISSUE_INTERNAL;
  t->stale = false;
  int rc =
      check_issuable_tx(rd, &t->existing, &t->result, &may_issue, &started_ms, t->prep->attempt_id);
  if (STORE_OK != rc || !may_issue) {
    return rc;
  }
  rc = store_cert_last_revoked(rd, replaces, t->prep->attempt_id);
  if (rc < 0) {
    return rc;
  }
  if (0 != strcmp(replaces, c->replaces)) {
    t->stale = true; /* a certificate of the attempt was revoked since: it must be named */
    return STORE_CONFLICT;
  }
  rc = store_cert_status_index_used(rd, c->status_index);
  if (rc < 0) {
    return rc;
  }
  if (STORE_NONE != rc) {
    t->stale = true; /* another certificate took the index since */
    return STORE_CONFLICT;
  }
  rc = store_signed_tx(tx, t->sig, started_ms, t->actor);
  if (STORE_OK == rc) {
    t->result = ISSUE_CREATED;
  }
  return rc;
}

/* Rounds of signing ahead before a change that keeps invalidating them (a revocation of the
 * same attempt's certificate, a status index drawn twice) is answered as busy. */
#define ISSUE_SIGN_ROUNDS 3

enum issue_rc issue_certificate(struct store_cert *out, struct svc *svc, int64_t attempt_id,
                                int64_t actor_user_id, char *err, size_t errlen) {
  struct issue_prep prep;
  struct store_rd *rd = NULL;
  memset(out, 0, sizeof *out);
  snprintf(err, errlen, "internal error");
  if (NULL == svc->keys || NULL == svc->store) {
    snprintf(err, errlen, "signing keys or store not loaded");
    return ISSUE_INTERNAL;
  }
  /* Issued already: no claims to build. */
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_by_attempt(rd, out, attempt_id);
  }
  store_rd_end(rd);
  if (STORE_OK == rc) {
    err[0] = '\0';
    return ISSUE_EXISTING;
  }
  if (STORE_NONE != rc) {
    return (enum issue_rc)map_store_rc(rc, err, errlen, "certificate look-up");
  }
  enum issue_rc result = issue_prepare(&prep, svc, attempt_id, err, errlen);
  if (ISSUE_CREATED != result) {
    return result;
  }
  const struct token_key *key = keystore_active(svc->keys);
  struct issue_signed sig;
  struct issue_txn t = {.prep = &prep, .sig = &sig, .actor = actor_user_id};
  memset(&sig, 0, sizeof sig);
  memset(&t.existing, 0, sizeof t.existing);
  for (int round = 0; round < ISSUE_SIGN_ROUNDS; round++) {
    issue_signed_clear(&sig);
    rc = sign_ahead(&sig, svc, &prep, key);
    if (STORE_OK == rc) {
      rc = store_txn(svc->store, issue_txn_fn, &t);
    }
    if (!(STORE_CONFLICT == rc && t.stale)) {
      break;
    }
  }
  issue_prep_clear(&prep);
  if (STORE_OK == rc && ISSUE_CREATED == t.result) {
    *out = sig.cert; /* the caller's now */
    memset(&sig.cert, 0, sizeof sig.cert);
  } else if (STORE_OK == rc) {
    *out = t.existing;
    memset(&t.existing, 0, sizeof t.existing);
  }
  issue_signed_clear(&sig);
  store_cert_clear(&t.existing);
  if (STORE_OK == rc) {
    err[0] = '\0';
    return t.result;
  }
  if (STORE_CONFLICT == rc && t.stale) {
    snprintf(err, errlen, "the attempt's certificates changed while issuing; retry");
    return ISSUE_UNAVAILABLE;
  }
  if (STORE_CONFLICT == rc && ISSUE_NOT_COMPETENT == t.result) {
    snprintf(err, errlen, "attempt %lld is not competent", (long long)attempt_id);
    return ISSUE_NOT_COMPETENT;
  }
  if (STORE_CONFLICT == rc && ISSUE_NOT_FOUND == t.result) {
    snprintf(err, errlen, "no attempt %lld", (long long)attempt_id);
    return ISSUE_NOT_FOUND;
  }
  if (STORE_EXISTS == rc) { /* once in 2^80, the serial collided */
    snprintf(err, errlen, "serial collision; retry");
    return ISSUE_UNAVAILABLE;
  }
  return (enum issue_rc)map_store_rc(rc, err, errlen, "certificate insert");
}

struct display_batch {
  struct store_cert *list;
  char **display; /* per entry; NULL where the credential would not give claims */
  size_t n;
  size_t stored;
};

static int display_txn(struct store_tx *tx, void *arg) {
  struct display_batch *b = arg;
  b->stored = 0;
  for (size_t i = 0; i < b->n; i++) {
    if (NULL == b->display[i]) {
      continue;
    }
    int rc = store_cert_set_display(tx, b->list[i].serial, b->display[i]);
    if (STORE_OK == rc) {
      b->stored++;
    } else if (STORE_NONE != rc) { /* NONE: filled meanwhile (by the same text) */
      return rc;
    }
  }
  return STORE_OK;
}

int issue_display_backfill(struct svc *svc, size_t *out_filled) {
  char after[CERT_SERIAL_SIZE] = "";
  struct cert_claims *cl = malloc(sizeof *cl);
  int rc = STORE_OK;
  *out_filled = 0;
  if (NULL == cl) {
    return STORE_UNAVAILABLE;
  }
  for (;;) {
    struct display_batch b = {0};
    struct store_rd *rd = NULL;
    rc = store_rd_begin(svc->store, &rd);
    if (STORE_OK == rc) {
      rc = store_cert_list_undisplayed(rd, &b.list, &b.n, after, 200);
    }
    store_rd_end(rd);
    if (STORE_OK != rc || 0 == b.n) {
      store_cert_list_free(b.list, b.n);
      break;
    }
    b.display = calloc(b.n, sizeof *b.display);
    if (NULL == b.display) {
      store_cert_list_free(b.list, b.n);
      rc = STORE_UNAVAILABLE;
      break;
    }
    for (size_t i = 0; i < b.n; i++) { /* what was signed, read back from the credential */
      if (0 == issued_claims_of(cl, svc, &b.list[i])) {
        b.display[i] = cert_display_encode(cl);
      }
    }
    snprintf(after, sizeof after, "%s", b.list[b.n - 1].serial);
    rc = store_txn(svc->store, display_txn, &b);
    *out_filled += b.stored;
    for (size_t i = 0; i < b.n; i++) {
      free(b.display[i]);
    }
    free(b.display);
    store_cert_list_free(b.list, b.n);
    if (STORE_OK != rc) {
      break;
    }
  }
  free(cl);
  return rc;
}
