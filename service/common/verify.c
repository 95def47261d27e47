/*
 * The verdict on a certificate (see verify.h): signature, register, log and status, checked
 * in that order for every form, with the register seal (ujikom/cert.h) standing in for the
 * Ed25519 check when the very token the service issued is presented again.
 */
#include "common/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/certlog.h"
#include "common/issue.h"
#include "common/keystore.h"
#include "common/log.h"
#include "common/verify_cache.h"
#include "store/store.h"
#include "ujikom/es256.h"
#include "ujikom/vc_jwt.h"

#define HOUR_MS ((int64_t)3600 * 1000)
/* The rate_limits keys of forgery alarms: "<prefix>all" and "<prefix><serial>:<reason>". */
#define ALARM_KEY_PREFIX "verify-alarm:"

static const char *const reason_codes[VERIFY_REASON__MAX] = {
#define VERIFY_REASON_CODE(name, code) [name] = (code),
    VERIFY_REASONS(VERIFY_REASON_CODE)
#undef VERIFY_REASON_CODE
};

const char *verify_reason_code(enum verify_reason r) {
  return (unsigned)r < VERIFY_REASON__MAX ? reason_codes[r] : "";
}

bool verify_reason_alarms(enum verify_reason r) {
  return VERIFY_NOT_IN_REGISTER == r || VERIFY_CLAIMS_DIFFER == r || VERIFY_NOT_IN_LOG == r ||
         VERIFY_KEY_COMPROMISED == r;
}

struct verify_result *verify_result_new(void) {
  struct verify_result *o = malloc(sizeof *o);
  if (NULL == o) {
    return NULL;
  }
  size_t units = offsetof(struct verify_result, v.claims.units);
  size_t after = units + sizeof o->v.claims.units;
  memset(o, 0, units);
  memset((char *)o + after, 0, sizeof *o - after);
  return o;
}

/* The reason a token's own verification failed, when it did. */
static enum verify_reason fault_reason(enum cert_fault f) {
  switch (f) {
  case CERT_FAULT_UNKNOWN_KEY:
    return VERIFY_UNKNOWN_KEY;
  case CERT_FAULT_BAD_SIGNATURE:
    return VERIFY_BAD_SIGNATURE;
  case CERT_FAULT_NOT_YET_VALID:
    return VERIFY_NOT_YET_VALID;
  case CERT_FAULT_NONE:
  case CERT_FAULT_MALFORMED:
  default:
    return VERIFY_MALFORMED;
  }
}

void verify_judge(enum cert_verdict *out_verdict, enum verify_reason *out_reason,
                  const struct verify_facts *f) {
  const struct cert_verification *v = f->v;
  enum cert_verdict signed_verdict = v->verdict; /* *out_verdict may be v->verdict itself */
  enum cert_fault fault = v->fault;
  *out_verdict = CERT_NOT_GENUINE;
  if (!v->claims_valid) {
    *out_reason = fault_reason(fault);
    return;
  }
  bool issued = f->in_register && f->claims_equal && f->logged;
  if (f->compromised_since_ms >= 0 && (!issued || f->logged_ms >= f->compromised_since_ms)) {
    /* The thief could have signed it: only what the log recorded before the theft counts. */
    *out_reason = VERIFY_KEY_COMPROMISED;
    return;
  }
  if (!f->in_register) {
    *out_reason = VERIFY_NOT_IN_REGISTER;
    return;
  }
  if (!f->claims_equal) {
    *out_reason = VERIFY_CLAIMS_DIFFER;
    return;
  }
  if (!f->logged) {
    *out_reason = VERIFY_NOT_IN_LOG;
    return;
  }
  if (CERT_NOT_GENUINE == signed_verdict) {
    *out_reason = fault_reason(fault); /* not yet valid */
    return;
  }
  *out_reason = VERIFY_REASON_NONE;
  if (NULL != f->status && 0 == strcmp(f->status, STORE_CERT_REVOKED)) {
    *out_verdict = CERT_REVOKED;
  } else if (NULL != f->status && 0 == strcmp(f->status, STORE_CERT_SUSPENDED)) {
    *out_verdict = CERT_SUSPENDED;
  } else {
    *out_verdict = signed_verdict; /* genuine or expired */
  }
}

/* --- the register --- */

static void copy(char *dst, size_t size, const char *src) {
  size_t n = strnlen(src, size - 1);
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* True when the row's seal for form holds with token (the stored text of that form). */
static bool sealed(const struct keystore *ks, const struct store_cert *c, enum cert_seal_form form,
                   const char *token) {
  unsigned char seal[CERT_SEAL_LEN]; /* form's seal: the other is only checked for its shape */
  const char *display = NULL;
  const struct cert_sealer *key = NULL == ks ? NULL : keystore_sealer(ks, c->kid);
  if (NULL == key || NULL == token || NULL == c->display ||
      0 != cert_display_unseal(&display, CERT_SEAL_QR == form ? seal : NULL,
                               CERT_SEAL_JWS == form ? seal : NULL, c->display)) {
    return false;
  }
  const struct cert_record r = issue_record_of(c);
  return cert_seal_check(key, form, &r, token, display, seal);
}

/* The claims of a sealed row, as the form presents them (QR: whole days). The seal proved
 * the row was written with the token it names, from the same claims, by the key's holder. */
static void claims_from_row(struct cert_verification *v, const struct store_cert *c, bool qr_days,
                            int64_t now) {
  struct cert_claims *cl = &v->claims;
  if (0 != cert_display_decode(cl, c->display)) {
    cl->nunits = 0;
  }
  copy(cl->serial, sizeof cl->serial, c->serial);
  copy(cl->holder, sizeof cl->holder, c->holder);
  copy(cl->subsector, sizeof cl->subsector, c->subsector);
  copy(cl->scheme_id, sizeof cl->scheme_id, c->exam_id);
  copy(cl->kid, sizeof cl->kid, c->kid);
  cl->holder_id[0] = cl->issuer_url[0] = '\0'; /* neither is shown */
  cl->issued = c->issued_s;
  cl->expires = c->expires_s;
  if (qr_days) {
    cert_claims_qr_days(cl);
  }
  v->reason[0] = '\0';
  v->fault = CERT_FAULT_NONE;
  cert_verification_issued(v, now);
}

/* True when every claim the token signed equals the register's record (a QR token keeps
 * whole days: the start of the issue day, and expiry rounded up to a day boundary). */
static bool claims_equal(const struct cert_claims *t, const struct store_cert *c, bool qr_days) {
  int64_t issued = c->issued_s, expires = c->expires_s;
  if (qr_days) { /* as cert_claims_qr_days rounds */
    issued = issued < 0 ? 0 : issued - issued % 86400;
    expires = expires < 0 ? 0 : cert_day_ceil(expires);
  }
  return 0 == strcmp(t->serial, c->serial) && 0 == strcmp(t->holder, c->holder) &&
         0 == strcmp(t->subsector, c->subsector) && 0 == strcmp(t->scheme_id, c->exam_id) &&
         0 == strcmp(t->kid, c->kid) && t->issued == issued && t->expires == expires;
}

/* Adds the display claims (units, titles) a QR token does not carry, for a token whose
 * claims equal the register's record: from the sealed display text, or, for a row without
 * one (issued before seals), from the stored credential verified in full. */
static void enrich(struct cert_claims *cl, struct svc *svc, const struct keystore *ks,
                   const struct store_cert *c, int64_t now) {
  if (0 != cl->nunits) {
    return;
  }
  if (sealed(ks, c, CERT_SEAL_QR, c->qr_token)) {
    if (0 != cert_display_decode(cl, c->display)) {
      cl->nunits = 0;
    }
    return;
  }
  struct store_rd *rd = NULL;
  struct store_cert full;
  struct cert_verification *v = malloc(sizeof *v);
  size_t nkeys = 0;
  const struct token_pubkey *keys = keystore_public(ks, &nkeys);
  memset(&full, 0, sizeof full);
  if (NULL == v || STORE_OK != store_rd_begin(svc->store, &rd)) {
    free(v);
    return;
  }
  if (STORE_OK == store_cert_by_serial(rd, &full, c->serial) && NULL != full.jws) {
    cert_jws_verify(v, full.jws, strlen(full.jws), keys, nkeys, now);
    if (v->claims_valid && claims_equal(&v->claims, &full, false)) {
      memcpy(cl->subsector_name, v->claims.subsector_name, sizeof cl->subsector_name);
      memcpy(cl->scheme_title, v->claims.scheme_title, sizeof cl->scheme_title);
      memcpy(cl->issuer_name, v->claims.issuer_name, sizeof cl->issuer_name);
      cl->nunits = v->claims.nunits;
      memcpy(cl->units, v->claims.units, cl->nunits * sizeof cl->units[0]);
    }
  }
  store_rd_end(rd);
  store_cert_clear(&full);
  free(v);
}

/* --- alarms --- */

struct alarm {
  const char *serial, *reason, *form, *kid;
  char key[96];
  bool written;
};

static int alarm_tx(struct store_tx *tx, void *arg) {
  struct alarm *a = arg;
  struct store_ratelimit all, one;
  int64_t now = store_tx_now_ms(tx);
  a->written = false;
  /* Counters of past hours decide nothing any more: each alarm takes them away, so the
   * table keeps at most an hour's alarms (VERIFY_ALARMS_PER_HOUR + 1 rows) however long an
   * attack goes on, as each log-in purges the expired sessions. */
  int rc = store_ratelimit_purge(tx, ALARM_KEY_PREFIX, now - HOUR_MS + 1, NULL);
  if (STORE_OK != rc) {
    return rc;
  }
  rc = store_ratelimit_get(store_tx_rd(tx), &one, a->key);
  if (STORE_OK == rc && now - one.window_start_ms < HOUR_MS) {
    return STORE_OK; /* this serial and reason already raised its alarm this hour */
  }
  if (STORE_OK != rc && STORE_NONE != rc) {
    return rc;
  }
  rc = store_ratelimit_hit(tx, &all, ALARM_KEY_PREFIX "all", now, HOUR_MS, VERIFY_ALARMS_PER_HOUR,
                           0);
  if (STORE_OK != rc || all.count > VERIFY_ALARMS_PER_HOUR) {
    return rc;
  }
  rc = store_ratelimit_hit(tx, &one, a->key, now, HOUR_MS, 1, 0);
  if (STORE_OK != rc) {
    return rc;
  }
  char subject[64], after[200];
  snprintf(subject, sizeof subject, "certificate:%s", a->serial);
  snprintf(after, sizeof after, "{\"reason\":\"%s\",\"form\":\"%s\",\"kid\":\"%s\"}", a->reason,
           a->form, a->kid);
  rc =
      store_audit_append(tx, NULL, STORE_AUDIT_SYSTEM, "certificate.forgery", subject, NULL, after);
  a->written = STORE_OK == rc;
  return rc;
}

/* Records that a token signed with one of our keys was not issued as presented. The serial
 * and kid come from signed claims (canonical serial, base32 kid: safe in JSON and logs). */
static bool raise_alarm(struct svc *svc, const struct verify_result *o, const char *request_id) {
  static const char *const forms[] = {"qr", "credential", "serial"};
  const struct cert_claims *cl = &o->v.claims;
  struct alarm a = {.serial = cl->serial,
                    .reason = verify_reason_code(o->reason),
                    .form = forms[o->form],
                    .kid = cl->kid};
  char serial[CERT_SERIAL_SIZE];
  if (0 != cert_serial_parse(serial, NULL, cl->serial)) {
    a.serial = "invalid"; /* signed, yet not a serial: still one alarm per hour */
  }
  snprintf(a.key, sizeof a.key, ALARM_KEY_PREFIX "%s:%s", a.serial, a.reason);
  int rc = store_txn(svc->store, alarm_tx, &a);
  if (STORE_OK != rc) {
    log_msg(LOG_ERROR, request_id, "security: forged certificate %s (%s, key %s) not audited: %s",
            a.serial, a.reason, a.kid, store_rc_name(rc));
    return false;
  }
  if (a.written) {
    log_msg(LOG_WARN, request_id,
            "security: certificate %s presented as %s is signed with key %s but %s; audited "
            "(a stolen key? see docs/security.md)",
            a.serial, a.form, a.kid, a.reason);
  }
  return a.written;
}

/* --- verification --- */

/* A verification that found nothing token-like (a typo, a cut URL): malformed. */
static void refuse(struct cert_verification *v, const char *why) {
  v->verdict = CERT_NOT_GENUINE;
  v->fault = CERT_FAULT_MALFORMED;
  v->claims_valid = false;
  snprintf(v->reason, sizeof v->reason, "%s", why);
}

/* What a verification read from the store (or from the cache of what was proved). */
struct found {
  struct store_cert row;
  bool from_row; /* the claims are the sealed row's own */
  bool in_register;
  bool logged;
  uint64_t index;
  int64_t logged_ms;
  int64_t generation; /* the certificate state generation the row was read at */
  /* The row comes from the cache, whose entries are rows whose seal (of the look-up's
   * form: QR token for the brief row, credential for the full one) held under ks. */
  bool proved;
  /* The row's seal of the look-up's form was checked now and held: the row is kept in the
   * cache when the verification is done (keep_form says which). */
  bool keep;
  enum verify_cache_form keep_form;
  struct verify_cache *cache; /* may be NULL */
  const struct keystore *ks;  /* the keys the verification uses */
};

static void found_of(struct found *f, struct store_cert_logged *l, bool proved) {
  f->row = l->cert;
  f->in_register = true;
  f->logged = l->logged;
  f->index = l->log_index;
  f->logged_ms = l->logged_ms;
  f->generation = l->generation;
  f->proved = proved;
}

/* Looks serial up and its log position: the brief row and the position in one statement (the
 * path of every QR scan), or, full, the row with its credential, then the position; either
 * from the cache when it holds the row at the store's current generation. */
static int look_up(struct found *f, struct store_rd *rd, const char *serial, bool full) {
  struct verify_cache *cache = f->cache;
  const struct keystore *ks = f->ks;
  struct store_cert_logged l;
  memset(f, 0, sizeof *f);
  f->cache = cache;
  f->ks = ks;
  int rc = verify_cache_get(cache, &l, full ? VERIFY_CACHE_SERIAL : VERIFY_CACHE_QR, serial,
                            keystore_id(ks), rd);
  if (STORE_NONE != rc) {
    if (STORE_OK == rc) {
      found_of(f, &l, true);
    }
    return rc;
  }
  if (!full) {
    rc = store_cert_by_serial_logged(rd, &l, serial);
    if (STORE_OK == rc) {
      found_of(f, &l, false);
    }
    return STORE_NONE == rc ? STORE_OK : rc;
  }
  rc = store_cert_state_generation(rd, &f->generation); /* first: never newer than the row */
  if (STORE_OK == rc) {
    rc = store_cert_by_serial(rd, &f->row, serial);
  }
  if (STORE_OK != rc) {
    return STORE_NONE == rc ? STORE_OK : rc;
  }
  f->in_register = true;
  rc = certlog_issued_at(rd, serial, &f->index, &f->logged_ms);
  f->logged = STORE_OK == rc;
  return STORE_NONE == rc ? STORE_OK : rc;
}

/* The row's seal for form holds with token: proved by the cache, or checked now (and, when it
 * holds, the row is to be kept for the next verification of the same certificate). */
static bool proved_sealed(struct found *f, enum cert_seal_form form, const char *token) {
  if (f->proved) {
    return true;
  }
  if (!sealed(f->ks, &f->row, form, token)) {
    return false;
  }
  f->keep = true;
  f->keep_form = CERT_SEAL_QR == form ? VERIFY_CACHE_QR : VERIFY_CACHE_SERIAL;
  return true;
}

/* Done with what f read: its row goes to the cache when its seal was checked now, else is
 * freed. */
static void found_done(struct found *f) {
  if (!f->keep) {
    store_cert_clear(&f->row);
    return;
  }
  struct store_cert_logged l = {.cert = f->row,
                                .logged = f->logged,
                                .log_index = f->index,
                                .logged_ms = f->logged_ms,
                                .generation = f->generation};
  memset(&f->row, 0, sizeof f->row);
  verify_cache_put(f->cache, &l, f->keep_form, keystore_id(f->ks));
}

/* The QR form: the token stored for its serial, with its seal, is answered from the row;
 * anything else is verified in full. */
static int check_qr(struct verify_result *o, struct found *f, struct store_rd *rd,
                    const struct keystore *ks, const char *text, size_t len, int64_t now) {
  const char *tok = NULL;
  size_t tlen = 0;
  char serial[CERT_SERIAL_SIZE];
  size_t nkeys = 0;
  const struct token_pubkey *keys = keystore_public(ks, &nkeys);
  if (strcspn(text, "/?# \t\r\n") >= len) { /* a bare token, as /V/<token> gives it */
    tok = text;
    tlen = len;
  } else if (0 != cert_qr_url_token(&tok, &tlen, text, len)) {
    refuse(&o->v, "not a QR token or QR URL");
    return STORE_OK;
  }
  if (0 == cert_qr_token_serial(serial, tok, tlen) &&
      0 == cert_serial_parse(serial, NULL, serial)) {
    int rc = look_up(f, rd, serial, false);
    if (STORE_OK != rc) {
      return rc;
    }
  }
  const char *stored = f->in_register ? f->row.qr_token : NULL;
  if (NULL != stored && strlen(stored) == tlen && 0 == strncasecmp(tok, stored, tlen) &&
      proved_sealed(f, CERT_SEAL_QR, stored)) {
    claims_from_row(&o->v, &f->row, true, now);
    f->from_row = true;
    return STORE_OK;
  }
  cert_qr_token_verify(&o->v, tok, tlen, keys, nkeys, now);
  if (o->v.claims_valid && !f->in_register) {
    int rc = look_up(f, rd, o->v.claims.serial, false); /* the serial read above was unsigned */
    if (STORE_OK != rc) {
      return rc;
    }
  }
  return STORE_OK;
}

/* True when the signing input (header and payload, the text up to the second '.') of two
 * compact JWTs is the same: the same claims under the same key. (ECDSA signatures differ
 * from one signing to the next, so the signatures are not compared: the caller verified
 * the presented one.) */
static bool same_signing_input(const char *a, size_t alen, const char *b) {
  const char *end = strrchr(b, '.');
  size_t n = NULL == end ? 0 : (size_t)(end - b);
  return n > 0 && alen > n && '.' == a[n] && 0 == memcmp(a, b, n);
}

/* A credential form whose signature held under key kid: when the register issued it as
 * presented (issued), the register's record answers; otherwise its own claims are kept for
 * the alarm and the verdict is that it was not issued so. */
static void settle_credential(struct verify_result *o, struct found *f, bool issued,
                              const char *kid, int64_t now) {
  if (issued) {
    claims_from_row(&o->v, &f->row, false, now);
    f->from_row = true;
  } else {
    o->v.claims_valid = true;
    o->v.verdict = CERT_NOT_GENUINE;
    o->v.fault = CERT_FAULT_NONE;
    o->v.reason[0] = '\0';
  }
  copy(o->v.claims.kid, sizeof o->v.claims.kid, kid); /* the key that signed it */
}

/* Whether the register issued a JWT with the signing input of text for serial: STORE_OK with
 * *out, or a negative store code. */
static int jwt_issued(bool *out, struct store_rd *rd, const char *serial, const char *text,
                      size_t len) {
  char **issued = NULL;
  size_t n = 0;
  *out = false;
  int rc = store_cert_jwt_list(rd, &issued, &n, serial);
  for (size_t i = 0; STORE_OK == rc && i < n && !*out; i++) {
    *out = same_signing_input(text, len, issued[i]);
  }
  store_cert_jwt_list_free(issued, n);
  return rc;
}

/* The credential's JWT form (ES256): the signature under one of the issuer's P-256 keys, the
 * OB 3.0 claim rules, then the register: one of the JWTs it issued for the serial the id
 * names must have the same header and payload, so the register's record answers for every
 * claim (a JWT signed with our key that the register did not issue is CLAIMS_DIFFER or
 * NOT_IN_REGISTER, and alarms). */
static int check_credential_jwt(struct verify_result *o, struct found *f, struct store_rd *rd,
                                const struct keystore *ks, const char *text, size_t len,
                                int64_t now) {
  size_t nkeys = 0;
  const struct es256_pubkey *keys = keystore_es256_public(ks, &nkeys);
  const struct es256_pubkey *key = NULL;
  json_t *payload = NULL;
  char serial[CERT_SERIAL_SIZE], why[160];
  bool issued = false;
  enum cert_fault fault = es256_jwt_verify(&payload, &key, text, len, keys, nkeys, why, sizeof why);
  if (CERT_FAULT_NONE == fault && 0 != vc_jwt_check_claims(payload, why, sizeof why)) {
    fault = CERT_FAULT_MALFORMED;
  } else if (CERT_FAULT_NONE == fault && 0 != vc_credential_claims(&o->v.claims, payload)) {
    snprintf(why, sizeof why, "the credential's id names no certificate");
    fault = CERT_FAULT_MALFORMED;
  }
  json_decref(payload);
  if (CERT_FAULT_NONE != fault) {
    refuse(&o->v, why);
    o->v.fault = fault;
    return STORE_OK;
  }
  memcpy(serial, o->v.claims.serial, sizeof serial);
  int rc = look_up(f, rd, serial, false);
  if (STORE_OK == rc && f->in_register) {
    rc = jwt_issued(&issued, rd, serial, text, len);
  }
  if (STORE_OK != rc) {
    return rc;
  }
  settle_credential(o, f, issued, key->kid, now);
  return STORE_OK;
}

/* Whether the register keeps the JSON-LD credential doc (proof and all) for serial: STORE_OK
 * with *out, or a negative store code. */
static int jsonld_issued(bool *out, struct store_rd *rd, const char *serial, const json_t *doc) {
  char salt[STORE_SALT_SIZE], *kept = NULL;
  *out = false;
  int rc = store_credential_get(rd, salt, &kept, serial);
  if (STORE_OK == rc && NULL != kept) {
    json_t *k = json_loads(kept, 0, NULL);
    *out = NULL != k && json_equal(k, doc);
    json_decref(k);
  }
  free(kept);
  return STORE_NONE == rc ? STORE_OK : rc;
}

/* The credential's JSON-LD form: its embedded eddsa-rdfc-2022 proof by one of the issuer's
 * Ed25519 keys, then the register: the credential kept for the serial its id names must be
 * this very document, so the register's record answers for every claim. */
static int check_credential_jsonld(struct verify_result *o, struct found *f, struct store_rd *rd,
                                   const struct keystore *ks, const char *text, size_t len,
                                   int64_t now) {
  size_t nkeys = 0;
  const struct token_pubkey *keys = keystore_public(ks, &nkeys);
  char kid[TOKEN_KID_LEN + 1], why[160];
  bool issued = false;
  json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
  enum cert_fault fault = vc_jsonld_proof(kid, doc, keys, nkeys, why, sizeof why);
  if (CERT_FAULT_NONE == fault && 0 != vc_credential_claims(&o->v.claims, doc)) {
    snprintf(why, sizeof why, "the credential's id names no certificate");
    fault = CERT_FAULT_MALFORMED;
  }
  int rc = STORE_OK;
  if (CERT_FAULT_NONE != fault) {
    refuse(&o->v, why);
    o->v.fault = fault;
  } else {
    rc = look_up(f, rd, o->v.claims.serial, false);
    if (STORE_OK == rc && f->in_register) {
      rc = jsonld_issued(&issued, rd, o->v.claims.serial, doc);
    }
    if (STORE_OK == rc) {
      settle_credential(o, f, issued, kid, now);
    }
  }
  json_decref(doc);
  return rc;
}

/* The credential form: always verified in full (the signature cache keeps repeats cheap). */
static int check_credential(struct verify_result *o, struct found *f, struct store_rd *rd,
                            const struct keystore *ks, const char *text, size_t len, int64_t now) {
  char alg[16];
  if (len > 0 && '{' == text[0]) {
    return check_credential_jsonld(o, f, rd, ks, text, len, now);
  }
  if (0 == es256_jws_alg(alg, sizeof alg, text, len) && 0 == strcmp(alg, "ES256")) {
    return check_credential_jwt(o, f, rd, ks, text, len, now);
  }
  size_t nkeys = 0;
  const struct token_pubkey *keys = keystore_public(ks, &nkeys);
  cert_jws_verify(&o->v, text, len, keys, nkeys, now);
  char serial[CERT_SERIAL_SIZE];
  if (o->v.claims_valid && 0 == cert_serial_parse(serial, NULL, o->v.claims.serial)) {
    return look_up(f, rd, serial, false);
  }
  return STORE_OK;
}

/* The serial form: the register's stored credential is what is verified. */
static int check_serial(struct verify_result *o, struct found *f, struct store_rd *rd,
                        const struct keystore *ks, const char *text, int64_t now) {
  char serial[CERT_SERIAL_SIZE];
  size_t nkeys = 0;
  const struct token_pubkey *keys = keystore_public(ks, &nkeys);
  if (0 != cert_serial_parse(serial, NULL, text)) {
    refuse(&o->v, "not a certificate number (or a mistyped one)");
    o->reason = VERIFY_MALFORMED;
    return STORE_OK;
  }
  int rc = look_up(f, rd, serial, true);
  if (STORE_OK != rc || !f->in_register) {
    refuse(&o->v, "no certificate with this number");
    o->reason = VERIFY_NOT_FOUND;
    return rc;
  }
  const char *jws = NULL == f->row.jws ? "" : f->row.jws;
  if (proved_sealed(f, CERT_SEAL_JWS, jws)) {
    claims_from_row(&o->v, &f->row, false, now);
    f->from_row = true;
    return STORE_OK;
  }
  cert_jws_verify(&o->v, jws, strlen(jws), keys, nkeys, now);
  if (CERT_FAULT_MALFORMED == o->v.fault) {
    /* The number was right; what the register holds for it is no credential of ours. */
    o->v.fault = CERT_FAULT_BAD_SIGNATURE;
  }
  return STORE_OK;
}

int verify_certificate(struct verify_result *out, struct svc *svc, enum verify_form form,
                       const char *text, size_t len, int64_t now_ms, const char *request_id) {
  struct keystore *ks = svc->keys;
  struct store_rd *rd = NULL;
  struct found f;
  int64_t now = now_ms / 1000;
  memset(&f, 0, sizeof f);
  f.cache = svc->verdicts;
  f.ks = ks;
  out->form = form;
  out->reason = VERIFY_REASON_NONE;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK != rc) {
    return rc;
  }
  switch (form) {
  case VERIFY_FORM_QR:
    rc = check_qr(out, &f, rd, ks, text, len, now);
    break;
  case VERIFY_FORM_CREDENTIAL:
    rc = check_credential(out, &f, rd, ks, text, len, now);
    break;
  case VERIFY_FORM_SERIAL:
  default:
    rc = check_serial(out, &f, rd, ks, text, now);
    break;
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    store_cert_clear(&f.row);
    return rc;
  }
  if (VERIFY_REASON_NONE != out->reason) { /* nothing to judge: a typo or an unknown number */
    store_cert_clear(&f.row);
    return 0;
  }
  struct keystore_key_state st = {.compromised_since_ms = -1};
  if (out->v.claims_valid && NULL != ks) {
    (void)keystore_key_state(ks, out->v.claims.kid, &st);
  }
  bool same = f.in_register && out->v.claims_valid &&
              (f.from_row || claims_equal(&out->v.claims, &f.row, VERIFY_FORM_QR == form));
  const struct verify_facts facts = {.v = &out->v,
                                     .in_register = f.in_register,
                                     .claims_equal = same,
                                     .logged = f.logged,
                                     .logged_ms = f.logged_ms,
                                     .compromised_since_ms =
                                         st.retired ? st.compromised_since_ms : -1,
                                     .status = f.in_register ? f.row.status : NULL};
  verify_judge(&out->v.verdict, &out->reason, &facts);
  out->in_register = f.in_register;
  out->logged = f.logged;
  out->log_index = f.index;
  out->logged_ms = f.logged_ms;
  if (CERT_REVOKED == out->v.verdict) {
    out->status_ms = f.row.revoked_ms;
    copy(out->status_reason, sizeof out->status_reason, f.row.revoked_reason);
  } else if (CERT_SUSPENDED == out->v.verdict) {
    out->status_ms = f.row.suspended_ms;
    copy(out->status_reason, sizeof out->status_reason, f.row.suspended_reason);
  }
  if (same && !f.from_row) {
    enrich(&out->v.claims, svc, ks, &f.row, now);
  }
  if (verify_reason_alarms(out->reason)) {
    out->alarmed = raise_alarm(svc, out, request_id);
  }
  found_done(&f);
  return 0;
}
