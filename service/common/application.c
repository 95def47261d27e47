/*
 * Applications and eligibility: the NIK's sealing, submitting, reading (the NIK opened only
 * on request), listing and deciding, each change with its audit entry in one transaction.
 */
#include "common/application.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "common/accounts.h"
#include "common/api_time.h"
#include "common/audit_text.h"
#include "common/catalog.h"
#include "common/keyfile.h"
#include "ujikom/b64.h"
#include "ujikom/json_compact.h"

#define SEAL_PREFIX  "v1."
#define SEAL_NONCE   12
#define SEAL_TAG     16
#define SEAL_RAW_LEN (SEAL_NONCE + APPLICANT_NIK_LEN + SEAL_TAG)

struct application_key {
  uint8_t seal[32]; /* AES-256-GCM */
};

struct application_key *application_key_from(const uint8_t material[APPLICATION_KEY_LEN]) {
  static const char label[] = "ujikom application: NIK seal v1";
  struct application_key *k = calloc(1, sizeof *k);
  unsigned int n = 0;
  /* A purpose-labelled key (HMAC-SHA256 as a one-block HKDF-Expand): the file's material
   * never seals anything itself. */
  if (NULL == k ||
      NULL == HMAC(EVP_sha256(), material, APPLICATION_KEY_LEN, (const uint8_t *)label,
                   sizeof label - 1, k->seal, &n) ||
      32 != n) {
    application_key_free(k);
    return NULL;
  }
  return k;
}

void application_key_free(struct application_key *key) {
  if (NULL != key) {
    OPENSSL_cleanse(key, sizeof *key);
    free(key);
  }
}

int application_key_open(struct application_key **out, const char *data_dir, bool create, char *err,
                         size_t errlen) {
  uint8_t material[APPLICATION_KEY_LEN];
  char path[1024];
  *out = NULL;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", data_dir, APPLICATION_KEY_FILE) >= sizeof path) {
    snprintf(err, errlen, "the data directory's path is too long");
    return -1;
  }
  if (0 != keyfile_secret(material, sizeof material, path, create, err, errlen)) {
    return -1;
  }
  *out = application_key_from(material);
  OPENSSL_cleanse(material, sizeof material);
  if (NULL == *out) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

/* AES-256-GCM over the NIK's 16 bytes, bound to its account by the additional data. */
static bool nik_gcm(bool seal, const struct application_key *key, int64_t user_id,
                    const uint8_t nonce[SEAL_NONCE], const uint8_t *in, uint8_t *out,
                    uint8_t tag[SEAL_TAG]) {
  char aad[80];
  int aad_len = snprintf(aad, sizeof aad, "ujikom NIK v1, account %lld", (long long)user_id);
  int n = 0, fin = 0;
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  bool ok = NULL != ctx &&
            1 == EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->seal, nonce, seal) &&
            1 == EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)aad, aad_len) &&
            1 == EVP_CipherUpdate(ctx, out, &n, in, APPLICANT_NIK_LEN) && APPLICANT_NIK_LEN == n &&
            (seal || 1 == EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, tag)) &&
            1 == EVP_CipherFinal_ex(ctx, out + n, &fin) && 0 == fin &&
            (!seal || 1 == EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, tag));
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

int application_nik_seal(char out[APPLICATION_SEALED_SIZE], const struct application_key *key,
                         int64_t user_id, const char *nik) {
  uint8_t raw[SEAL_RAW_LEN];
  const size_t plen = sizeof SEAL_PREFIX - 1;
  int ret = -1;
  out[0] = '\0';
  if (NULL != key && NULL != nik && strlen(nik) == APPLICANT_NIK_LEN &&
      1 == RAND_bytes(raw, SEAL_NONCE) &&
      nik_gcm(true, key, user_id, raw, (const uint8_t *)nik, raw + SEAL_NONCE,
              raw + SEAL_NONCE + APPLICANT_NIK_LEN)) {
    memcpy(out, SEAL_PREFIX, plen);
    ret = 0 < b64_encode(out + plen, APPLICATION_SEALED_SIZE - plen, raw, sizeof raw, B64_URL) ? 0
                                                                                               : -1;
  }
  OPENSSL_cleanse(raw, sizeof raw);
  if (0 != ret) {
    out[0] = '\0';
  }
  return ret;
}

int application_nik_open(char out[APPLICANT_NIK_LEN + 1], const struct application_key *key,
                         int64_t user_id, const char *sealed) {
  uint8_t raw[SEAL_RAW_LEN + 4];
  const size_t plen = sizeof SEAL_PREFIX - 1;
  bool ok =
      NULL != key && NULL != sealed && 0 == strncmp(sealed, SEAL_PREFIX, plen) &&
      SEAL_RAW_LEN == b64_decode(raw, sizeof raw, sealed + plen, strlen(sealed + plen), B64_URL) &&
      nik_gcm(false, key, user_id, raw, raw + SEAL_NONCE, (uint8_t *)out,
              raw + SEAL_NONCE + APPLICANT_NIK_LEN);
  out[APPLICANT_NIK_LEN] = '\0';
  ok = ok && applicant_nik_valid(out);
  OPENSSL_cleanse(raw, sizeof raw);
  if (!ok) {
    OPENSSL_cleanse(out, APPLICANT_NIK_LEN + 1);
  }
  return ok ? 0 : -1;
}

/* ------------------------------------------------------------------ helpers */

static void err_reset(struct application_err *err) {
  err->store_rc = STORE_OK;
  err->why[0] = '\0';
}

static enum application_rc store_failed(struct application_err *err, int rc) {
  err->store_rc = rc < 0 ? rc : STORE_HARD;
  return APPLICATION_STORE_FAILED;
}

/* What an audit entry says of an application: never the NIK, nor the personal data. */
static json_t *audit_state(const struct store_application *a) {
  return json_pack("{s:I, s:s, s:I, s:s, s:s?}", "application_id", (json_int_t)a->id, "exam_id",
                   a->exam_id, "candidate_id", (json_int_t)a->user_id, "status", a->status,
                   "reason", a->reason);
}

/* ------------------------------------------------------------------ submit */

struct submit_ctx {
  struct store_application a;
  enum application_rc refusal;
};

static int submit_txn(struct store_tx *tx, void *arg) {
  struct submit_ctx *c = arg;
  struct store_application old;
  memset(&old, 0, sizeof old);
  c->refusal = APPLICATION_OK;
  int rc = store_application_get(store_tx_rd(tx), &old, c->a.user_id, c->a.exam_id);
  if (STORE_OK == rc && 0 == strcmp(old.status, STORE_APPLICATION_ELIGIBLE)) {
    store_application_clear(&old);
    c->refusal = APPLICATION_LOCKED;
    return STORE_CONFLICT;
  }
  store_application_clear(&old);
  if (STORE_OK != rc && STORE_NONE != rc) {
    return rc;
  }
  rc = store_application_put(tx, &c->a, &c->a.id);
  if (STORE_OK != rc) {
    return rc;
  }
  snprintf(c->a.status, sizeof c->a.status, "%s", STORE_APPLICATION_PENDING);
  return audit_creation(tx, c->a.user_id, "application.submit", "application", c->a.id,
                        audit_state(&c->a));
}

enum application_rc application_submit(int64_t *out_id, struct svc *svc, int64_t user_id,
                                       const char *exam_id, const json_t *body, int64_t now_ms,
                                       struct application_err *err) {
  struct submit_ctx c;
  json_t *personal = NULL, *self = NULL;
  char nik[APPLICANT_NIK_LEN + 1];
  char sealed[APPLICATION_SEALED_SIZE];
  enum application_rc res = APPLICATION_INTERNAL;
  memset(&c, 0, sizeof c);
  *out_id = 0;
  err_reset(err);
  const struct exam *exam =
      NULL == svc->catalog || NULL == exam_id ? NULL : catalog_current(svc->catalog, exam_id);
  if (NULL == exam || strlen(exam_id) >= sizeof c.a.exam_id) {
    return APPLICATION_EXAM_NOT_FOUND;
  }
  if (NULL == svc->application_key) {
    return APPLICATION_NO_KEY;
  }
  if (!json_is_object(body)) {
    snprintf(err->why, sizeof err->why, "body: must be an object {personal, self_assessment}");
    return APPLICATION_INVALID;
  }
  if (0 != applicant_personal_check(&personal, nik, json_object_get(body, "personal"), err->why,
                                    sizeof err->why) ||
      0 != applicant_self_check(&self, exam, json_object_get(body, "self_assessment"), err->why,
                                sizeof err->why)) {
    res = APPLICATION_INVALID;
    goto cleanup;
  }
  if (json_object_size(body) != 2) {
    snprintf(err->why, sizeof err->why, "body: only personal and self_assessment are taken");
    res = APPLICATION_INVALID;
    goto cleanup;
  }
  if (0 != application_nik_seal(sealed, svc->application_key, user_id, nik)) {
    goto cleanup;
  }
  c.a.user_id = user_id;
  memcpy(c.a.exam_id, exam_id, strlen(exam_id) + 1);
  c.a.personal = json_compact(personal, false);
  c.a.self_assessment = json_compact(self, false);
  c.a.nik_sealed = sealed;
  c.a.submitted_ms = now_ms;
  if (NULL == c.a.personal || NULL == c.a.self_assessment) {
    goto cleanup;
  }
  int rc = store_txn(svc->store, submit_txn, &c);
  if (STORE_CONFLICT == rc && APPLICATION_OK != c.refusal) {
    res = c.refusal;
  } else if (STORE_OK != rc) {
    res = store_failed(err, rc);
  } else {
    *out_id = c.a.id;
    res = APPLICATION_OK;
  }
cleanup:
  OPENSSL_cleanse(nik, sizeof nik);
  OPENSSL_cleanse(sealed, sizeof sealed);
  free(c.a.personal);
  free(c.a.self_assessment);
  json_decref(personal);
  json_decref(self);
  return res;
}

/* ------------------------------------------------------------------ reading */

void application_view_clear(struct application_view *v) {
  if (NULL == v) {
    return;
  }
  store_application_clear(&v->a);
  json_decref(v->personal);
  json_decref(v->self_assessment);
  store_attachment_list_free(v->files, v->nfiles);
  OPENSSL_cleanse(v, sizeof *v);
}

/* Fills out from the read row a (taken): the JSON parsed, the NIK opened (kept only when
 * reveal) for its last four digits. */
static enum application_rc make_view(struct application_view *out, struct svc *svc,
                                     struct store_application *a, bool reveal) {
  char nik[APPLICANT_NIK_LEN + 1];
  out->a = *a;
  memset(a, 0, sizeof *a);
  out->personal = json_loads(out->a.personal, 0, NULL);
  out->self_assessment = json_loads(out->a.self_assessment, 0, NULL);
  if (NULL == svc->application_key) {
    return APPLICATION_NO_KEY;
  }
  if (NULL == out->personal || NULL == out->self_assessment ||
      0 != application_nik_open(nik, svc->application_key, out->a.user_id, out->a.nik_sealed)) {
    return APPLICATION_INTERNAL;
  }
  memcpy(out->nik_last4, nik + APPLICANT_NIK_LEN - 4, 5);
  if (reveal) {
    memcpy(out->nik, nik, sizeof nik);
    out->nik_revealed = true;
  }
  OPENSSL_cleanse(nik, sizeof nik);
  free(out->a.nik_sealed);
  out->a.nik_sealed = NULL;
  return APPLICATION_OK;
}

/* Reads the application (by id when id > 0, else by user and exam), its candidate and its
 * attached files (*files of *nfiles). */
static enum application_rc read_app(struct store_application *a, struct store_user *u,
                                    struct store_attachment **files, size_t *nfiles,
                                    struct svc *svc, int64_t id, int64_t user_id,
                                    const char *exam_id, struct application_err *err) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = id > 0 ? store_application_by_id(rd, a, id)
                : store_application_get(rd, a, user_id, NULL == exam_id ? "" : exam_id);
  }
  if (STORE_OK == rc) {
    rc = accounts_read(rd, a->user_id, u);
    if (STORE_OK == rc) {
      rc = store_application_attachments(rd, a->id, files, nfiles);
    }
    if (STORE_OK != rc) {
      store_application_clear(a);
    }
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return APPLICATION_NOT_FOUND;
  }
  return STORE_OK == rc ? APPLICATION_OK : store_failed(err, rc);
}

static enum application_rc view_of(struct application_view *out, struct svc *svc, int64_t id,
                                   int64_t user_id, const char *exam_id, bool reveal,
                                   struct application_err *err) {
  struct store_application a;
  struct store_user u;
  memset(out, 0, sizeof *out);
  memset(&a, 0, sizeof a);
  memset(&u, 0, sizeof u);
  err_reset(err);
  enum application_rc res =
      read_app(&a, &u, &out->files, &out->nfiles, svc, id, user_id, exam_id, err);
  if (APPLICATION_OK != res) {
    return res;
  }
  snprintf(out->candidate_name, sizeof out->candidate_name, "%s", u.name);
  snprintf(out->candidate_email, sizeof out->candidate_email, "%s", u.email);
  res = make_view(out, svc, &a, reveal);
  if (APPLICATION_OK != res) {
    application_view_clear(out);
  }
  return res;
}

enum application_rc application_own(struct application_view *out, struct svc *svc, int64_t user_id,
                                    const char *exam_id, bool reveal, struct application_err *err) {
  return view_of(out, svc, 0, user_id, exam_id, reveal, err);
}

struct look_ctx {
  int64_t viewer;
  const struct store_application *a;
};

static int look_txn(struct store_tx *tx, void *arg) {
  const struct look_ctx *c = arg;
  return audit_creation(
      tx, c->viewer, "application.nik_view", "application", c->a->id,
      json_pack("{s:I, s:s}", "candidate_id", (json_int_t)c->a->user_id, "exam_id", c->a->exam_id));
}

int application_staff_may(struct store_rd *rd, int64_t id, int64_t viewer, bool admin, bool *out) {
  *out = admin;
  return admin ? STORE_OK : store_application_assigned(rd, id, viewer, out);
}

/* application_staff_may in a read transaction of its own: APPLICATION_OK when viewer may,
 * APPLICATION_NOT_FOUND when not, or APPLICATION_STORE_FAILED. */
static enum application_rc staff_may(struct svc *svc, int64_t id, int64_t viewer, bool admin,
                                     struct application_err *err) {
  struct store_rd *rd = NULL;
  bool may = false;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = application_staff_may(rd, id, viewer, admin, &may);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return store_failed(err, rc);
  }
  return may ? APPLICATION_OK : APPLICATION_NOT_FOUND;
}

enum application_rc application_for_staff(struct application_view *out, struct svc *svc,
                                          int64_t viewer, bool admin, int64_t id, bool reveal,
                                          struct application_err *err) {
  memset(out, 0, sizeof *out);
  err_reset(err);
  if (id <= 0 || viewer <= 0) {
    return APPLICATION_NOT_FOUND;
  }
  enum application_rc res = staff_may(svc, id, viewer, admin, err);
  if (APPLICATION_OK != res) {
    return res;
  }
  res = view_of(out, svc, id, 0, NULL, reveal, err);
  if (APPLICATION_OK != res || !reveal) {
    return res;
  }
  /* A staff member's look at a NIK is on the record before they see it. */
  struct look_ctx c = {.viewer = viewer, .a = &out->a};
  int rc = store_txn(svc->store, look_txn, &c);
  if (STORE_OK != rc) {
    application_view_clear(out);
    return store_failed(err, rc);
  }
  return APPLICATION_OK;
}

static bool status_known(const char *s) {
  return 0 == strcmp(s, STORE_APPLICATION_PENDING) || 0 == strcmp(s, STORE_APPLICATION_ELIGIBLE) ||
         0 == strcmp(s, STORE_APPLICATION_NOT_YET);
}

enum application_rc application_list(struct store_application **out, size_t *out_n,
                                     int64_t *out_next, struct svc *svc, int64_t viewer, bool admin,
                                     const char *status, int64_t after_id,
                                     struct application_err *err) {
  struct store_rd *rd = NULL;
  *out = NULL;
  *out_n = 0;
  *out_next = 0;
  err_reset(err);
  if (NULL != status && '\0' == status[0]) {
    status = NULL;
  }
  if (NULL != status && !status_known(status)) {
    snprintf(err->why, sizeof err->why, "status: must be pending, eligible or not_yet");
    return APPLICATION_INVALID;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    bool more = false;
    rc = store_application_list(rd, out, out_n, status, admin ? 0 : viewer, after_id,
                                APPLICATION_LIST_MAX, &more);
    *out_next = STORE_OK == rc && more ? (*out)[*out_n - 1].id : 0;
  }
  store_rd_end(rd);
  return STORE_OK == rc ? APPLICATION_OK : store_failed(err, rc);
}

/* ------------------------------------------------------------------ deciding */

struct decide_ctx {
  int64_t actor;
  bool admin;
  int64_t id;
  const char *outcome;
  const char *reason;
  struct store_application after;
  enum application_rc refusal;
};

static int decide_txn(struct store_tx *tx, void *arg) {
  struct decide_ctx *c = arg;
  struct store_application before;
  memset(&before, 0, sizeof before);
  store_application_clear(&c->after);
  memset(&c->after, 0, sizeof c->after);
  c->refusal = APPLICATION_OK;
  bool may = false;
  int rc = application_staff_may(store_tx_rd(tx), c->id, c->actor, c->admin, &may);
  if (STORE_OK == rc) {
    rc = may ? store_application_by_id(store_tx_rd(tx), &before, c->id) : STORE_NONE;
  }
  if (STORE_NONE == rc) {
    c->refusal = APPLICATION_NOT_FOUND;
    return STORE_CONFLICT;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  if (0 != strcmp(before.status, STORE_APPLICATION_PENDING)) {
    store_application_clear(&before);
    c->refusal = APPLICATION_NOT_PENDING;
    return STORE_CONFLICT;
  }
  int64_t now = store_tx_now_ms(tx);
  rc = store_application_decide(tx, c->id, c->outcome, c->actor, now, c->reason);
  if (STORE_OK == rc) {
    rc = store_application_by_id(store_tx_rd(tx), &c->after, c->id);
  }
  if (STORE_OK == rc) {
    free(c->after.nik_sealed);
    c->after.nik_sealed = NULL;
    rc = audit_change(tx, c->actor, "application.decision", "application", c->id,
                      audit_state(&before), audit_state(&c->after));
  }
  store_application_clear(&before);
  return STORE_NONE == rc ? STORE_HARD : rc;
}

enum application_rc application_decide(struct store_application *out, struct svc *svc,
                                       int64_t actor, bool admin, int64_t id, const char *outcome,
                                       const char *reason, struct application_err *err) {
  struct decide_ctx c;
  memset(&c, 0, sizeof c);
  memset(out, 0, sizeof *out);
  err_reset(err);
  if (id <= 0) {
    return APPLICATION_NOT_FOUND;
  }
  if (NULL == outcome || (0 != strcmp(outcome, STORE_APPLICATION_ELIGIBLE) &&
                          0 != strcmp(outcome, STORE_APPLICATION_NOT_YET))) {
    snprintf(err->why, sizeof err->why, "outcome: must be eligible or not_yet");
    return APPLICATION_INVALID;
  }
  if (NULL == reason || !applicant_text_ok(reason, strlen(reason), APPLICANT_MAX_REASON)) {
    snprintf(err->why, sizeof err->why,
             "reason: required, 1 to %d bytes of text without control characters",
             APPLICANT_MAX_REASON);
    return APPLICATION_INVALID;
  }
  c.actor = actor;
  c.admin = admin;
  c.id = id;
  c.outcome = outcome;
  c.reason = reason;
  int rc = store_txn(svc->store, decide_txn, &c);
  if (STORE_CONFLICT == rc && APPLICATION_OK != c.refusal) {
    store_application_clear(&c.after);
    return c.refusal;
  }
  if (STORE_OK != rc) {
    store_application_clear(&c.after);
    return store_failed(err, rc);
  }
  *out = c.after;
  return APPLICATION_OK;
}

int application_allows_start(struct store_rd *rd, int64_t user_id, const struct exam *exam,
                             bool *out_ok) {
  struct store_application a;
  *out_ok = !exam->requires_application;
  if (*out_ok) {
    return STORE_OK;
  }
  memset(&a, 0, sizeof a);
  int rc = store_application_get(rd, &a, user_id, exam->id);
  *out_ok = STORE_OK == rc && 0 == strcmp(a.status, STORE_APPLICATION_ELIGIBLE);
  store_application_clear(&a);
  return STORE_NONE == rc ? STORE_OK : rc;
}

json_t *application_view_json(const struct application_view *v, bool staff) {
  char masked[APPLICANT_NIK_LEN + 1];
  memset(masked, '*', APPLICANT_NIK_LEN - 4);
  memcpy(masked + APPLICANT_NIK_LEN - 4, v->nik_last4, 5);
  json_t *personal = json_deep_copy(v->personal);
  if (NULL == personal || 0 != json_object_set_new(personal, "nik_masked", json_string(masked)) ||
      (v->nik_revealed && 0 != json_object_set_new(personal, "nik", json_string(v->nik)))) {
    json_decref(personal);
    return NULL;
  }
  json_t *files = json_array();
  for (size_t i = 0; NULL != files && i < v->nfiles; i++) {
    char url[160];
    snprintf(url, sizeof url, "/api/applications/%" PRId64 "/files/%s", v->a.id,
             v->files[i].sha256);
    json_array_append_new(files,
                          json_pack("{s:s, s:s, s:s, s:I, s:s}", "sha256", v->files[i].sha256,
                                    "name", v->files[i].name, "type", v->files[i].mime, "size",
                                    (json_int_t)v->files[i].size, "url", url));
  }
  return json_pack(
      "{s:I, s:s, s:s, s:o, s:o, s:o, s:s?, s:o, s:O, s:o, s:o}", "id", (json_int_t)v->a.id,
      "exam_id", v->a.exam_id, "status", v->a.status, "submitted_at", json_time(v->a.submitted_ms),
      "decided_at", json_time(v->a.decided_ms), "decided_by",
      v->a.decided_by > 0 ? json_integer(v->a.decided_by) : json_null(), "reason", v->a.reason,
      "personal", personal, "self_assessment", v->self_assessment, "candidate",
      staff ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)v->a.user_id, "name",
                        v->candidate_name, "email", v->candidate_email)
            : json_null(),
      "files", files);
}
