/*
 * Evidence uploads: the rules (see common/evidence.h). Bytes go to the store as chunk rows;
 * the checks on a completed file run on the bytes read back from the store, so what is
 * checked is what is kept.
 */
#include "common/evidence.h"

#include <magic.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/application.h"
#include "common/attempts.h"
#include "common/audit_text.h"
#include "common/log.h"
#include "common/observation.h"
#include "common/reviews.h"
#include "ujikom/exam.h"
#include "ujikom/exam_form.h"
#include "ujikom/json_compact.h"

/* A store code that is not an outcome of the operation at hand. */
static enum evidence_rc from_store(int rc, const char *what) {
  log_msg(STORE_BUSY == rc || STORE_UNAVAILABLE == rc ? LOG_WARN : LOG_ERROR, NULL,
          "evidence: %s: store %s", what, store_rc_name(rc));
  if (STORE_BUSY == rc) {
    return EVIDENCE_BUSY;
  }
  return STORE_UNAVAILABLE == rc ? EVIDENCE_UNAVAILABLE : EVIDENCE_INTERNAL;
}

static enum evidence_rc from_attempts(enum attempts_rc arc) {
  switch (arc) {
  case ATTEMPTS_OK:
    return EVIDENCE_OK;
  case ATTEMPTS_NOT_FOUND:
    return EVIDENCE_NOT_FOUND;
  case ATTEMPTS_CLOSED:
  case ATTEMPTS_DEADLINE:
    return EVIDENCE_CLOSED;
  case ATTEMPTS_ITEM_NOT_IN_FORM:
    return EVIDENCE_NOT_EVIDENCE;
  case ATTEMPTS_BUSY:
    return EVIDENCE_BUSY;
  case ATTEMPTS_NO_CATALOG:
  case ATTEMPTS_UNAVAILABLE:
    return EVIDENCE_UNAVAILABLE;
  default:
    return EVIDENCE_INTERNAL;
  }
}

/* What an upload's owner takes: the kinds of file, how many, how large each. */
struct owner_rules {
  unsigned accept; /* enum exam_accept bits */
  long max_files;
  int64_t max_bytes;
};

/* The evidence item item_id of user_id's attempt_id, while it takes answers. */
static enum evidence_rc open_evidence_item(struct owner_rules *out, struct svc *svc,
                                           int64_t user_id, int64_t attempt_id, const char *item_id,
                                           int64_t now_ms) {
  struct store_attempt a;
  struct exam_form *form = NULL;
  const struct exam_item *it = NULL;
  enum attempts_rc arc =
      attempts_open_item(&a, &it, &form, svc, user_id, attempt_id, item_id, now_ms);
  store_attempt_clear(&a);
  exam_form_free(form); /* it is the catalogue's, not the form's */
  if (ATTEMPTS_OK != arc) {
    return from_attempts(arc);
  }
  if (EXAM_ITEM_EVIDENCE != it->type) {
    return EVIDENCE_NOT_EVIDENCE;
  }
  *out = (struct owner_rules){it->accept, it->max_files, (int64_t)it->max_mb * 1024 * 1024};
  return EVIDENCE_OK;
}

/* user_id's application application_id, while it takes files: until it is found eligible. */
static enum evidence_rc open_application(struct owner_rules *out, struct svc *svc, int64_t user_id,
                                         int64_t application_id) {
  struct store_rd *rd = NULL;
  struct store_application a;
  memset(&a, 0, sizeof a);
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_application_by_id(rd, &a, application_id);
  }
  store_rd_end(rd);
  bool mine = STORE_OK == rc && a.user_id == user_id;
  bool eligible = mine && 0 == strcmp(a.status, STORE_APPLICATION_ELIGIBLE);
  store_application_clear(&a);
  if (STORE_NONE == rc || (STORE_OK == rc && !mine)) {
    return EVIDENCE_NOT_FOUND;
  }
  if (STORE_OK != rc) {
    return from_store(rc, "application read");
  }
  if (eligible) {
    return EVIDENCE_CLOSED;
  }
  *out = (struct owner_rules){EVIDENCE_APPLICATION_ACCEPT, EVIDENCE_APPLICATION_MAX_FILES,
                              (int64_t)EVIDENCE_APPLICATION_MAX_MB * 1024 * 1024};
  return EVIDENCE_OK;
}

/* The KUK on the observation sheet an upload is for (unit "" for other owners). */
struct owner_kuk {
  char unit[65];
  char kuk[8];
};

static bool for_observation(const struct store_upload *u) {
  return 0 != u->attempt_id && 0 == strcmp(u->item_id, STORE_UPLOAD_OBSERVATION_ITEM);
}

/* KUK k of attempt_id's observation sheet, while assessor user_id may record on it. */
static enum evidence_rc open_observation(struct owner_rules *out, struct svc *svc, int64_t user_id,
                                         int64_t attempt_id, const struct owner_kuk *k,
                                         int64_t now_ms) {
  struct observation_err err;
  switch (observation_may_record(svc, attempt_id, k->unit, k->kuk, user_id, now_ms, &err)) {
  case OBSERVATION_OK:
    break;
  case OBSERVATION_NOT_FOUND:
    return EVIDENCE_NOT_FOUND;
  case OBSERVATION_UNKNOWN_KUK:
  case OBSERVATION_INVALID:
    return EVIDENCE_NOT_EVIDENCE;
  case OBSERVATION_REFUSED:
    return EVIDENCE_CLOSED;
  case OBSERVATION_FAILED:
    return REVIEWS_STORE_FAILED == err.reviews ? from_store(err.r.store_rc, "observation read")
                                               : EVIDENCE_INTERNAL;
  }
  *out = (struct owner_rules){EVIDENCE_OBSERVATION_ACCEPT, EVIDENCE_OBSERVATION_MAX_FILES,
                              (int64_t)EVIDENCE_OBSERVATION_MAX_MB * 1024 * 1024};
  return EVIDENCE_OK;
}

/* The owner of upload u (its attempt's item, its application or a KUK k of its attempt's
 * observation sheet), while it takes files, and what it takes. */
static enum evidence_rc open_owner(struct owner_rules *out, struct svc *svc, int64_t user_id,
                                   const struct store_upload *u, const struct owner_kuk *k,
                                   int64_t now_ms) {
  if (0 != u->application_id) {
    return open_application(out, svc, user_id, u->application_id);
  }
  if (for_observation(u)) {
    return open_observation(out, svc, user_id, u->attempt_id, k, now_ms);
  }
  return open_evidence_item(out, svc, user_id, u->attempt_id, u->item_id, now_ms);
}

/* The KUK observation upload u is for (nothing for other owners). */
static enum evidence_rc upload_kuk(struct owner_kuk *out, struct svc *svc,
                                   const struct store_upload *u) {
  memset(out, 0, sizeof *out);
  if (!for_observation(u)) {
    return EVIDENCE_OK;
  }
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_observation_upload_kuk(rd, u->id, out->unit, out->kuk);
  }
  store_rd_end(rd);
  return STORE_OK == rc ? EVIDENCE_OK : from_store(rc, "observation upload read");
}

/* The files attached to the owner of upload u (KUK k for an observation's). */
static int owner_attachments(struct store_rd *rd, const struct store_upload *u,
                             const struct owner_kuk *k, struct store_attachment **out,
                             size_t *out_n) {
  if (0 != u->application_id) {
    return store_application_attachments(rd, u->application_id, out, out_n);
  }
  if (!for_observation(u)) {
    return store_evidence_attachments(rd, u->attempt_id, u->item_id, out, out_n);
  }
  struct store_observation_photo *ph = NULL;
  size_t n = 0;
  *out = NULL;
  *out_n = 0;
  int rc = store_observation_photos(rd, u->attempt_id, k->unit, k->kuk, &ph, &n);
  if (STORE_OK == rc && n > 0) {
    *out = calloc(n, sizeof **out);
    rc = NULL == *out ? STORE_UNAVAILABLE : STORE_OK;
  }
  for (size_t i = 0; STORE_OK == rc && i < n; i++) {
    struct store_attachment *a = &(*out)[i];
    snprintf(a->item_id, sizeof a->item_id, "%s", STORE_UPLOAD_OBSERVATION_ITEM);
    memcpy(a->sha256, ph[i].sha256, sizeof a->sha256);
    memcpy(a->name, ph[i].name, sizeof a->name);
    memcpy(a->mime, ph[i].mime, sizeof a->mime);
    a->size = ph[i].size;
    a->attached_ms = ph[i].attached_ms;
  }
  store_observation_photo_list_free(ph, n);
  *out_n = STORE_OK == rc ? n : 0;
  return rc;
}

/* ------------------------------------------------------------------ create */

struct create_ctx {
  struct store_upload *u;
  const struct owner_kuk *k;
  long max_files;
};

static int create_txn(struct store_tx *tx, void *arg) {
  struct create_ctx *c = arg;
  struct store_rd *rd = store_tx_rd(tx);
  int64_t open = 0;
  struct store_attachment *att = NULL;
  size_t natt = 0;
  bool obs = for_observation(c->u);
  int rc = 0 != c->u->application_id
               ? store_upload_count_open_application(rd, c->u->application_id, &open)
           : obs ? store_observation_upload_count_open(rd, c->u->attempt_id, c->k->unit, c->k->kuk,
                                                       &open)
                 : store_upload_count_open(rd, c->u->attempt_id, c->u->item_id, &open);
  if (STORE_OK == rc) {
    rc = owner_attachments(rd, c->u, c->k, &att, &natt);
  }
  store_attachment_list_free(att, natt);
  if (STORE_OK != rc) {
    return rc;
  }
  if ((int64_t)natt + open >= c->max_files) {
    return STORE_CONFLICT;
  }
  return obs ? store_observation_upload_create(tx, c->u, c->k->unit, c->k->kuk)
             : store_upload_create(tx, c->u);
}

/* Opens a new upload for user_id into the owner out names (attempt_id and item_id, or
 * application_id, or attempt_id and KUK k), as evidence_upload_create. */
static enum evidence_rc upload_create(struct store_upload *out, struct svc *svc, int64_t user_id,
                                      const struct evidence_create *req, const struct owner_kuk *k,
                                      int64_t now_ms) {
  struct owner_rules rules;
  out->user_id = user_id;
  enum evidence_rc erc = open_owner(&rules, svc, user_id, out, k, now_ms);
  if (EVIDENCE_OK != erc) {
    return erc;
  }
  if (req->size > rules.max_bytes) {
    return EVIDENCE_TOO_LARGE;
  }
  out->size = req->size;
  out->created_ms = now_ms;
  out->updated_ms = now_ms;
  out->state = STORE_UPLOAD_OPEN;
  memcpy(out->name, req->name, sizeof out->name);
  memcpy(out->sha256_hint, req->sha256, sizeof out->sha256_hint);
  struct create_ctx c = {out, k, rules.max_files};
  int rc = STORE_EXISTS;
  for (int tries = 0; STORE_EXISTS == rc && tries < 3; tries++) {
    unsigned char raw[16];
    if (1 != RAND_bytes(raw, sizeof raw)) {
      return EVIDENCE_INTERNAL;
    }
    for (size_t i = 0; i < sizeof raw; i++) {
      snprintf(out->id + 2 * i, 3, "%02x", raw[i]);
    }
    rc = store_txn(svc->store, create_txn, &c);
  }
  if (STORE_CONFLICT == rc) {
    return EVIDENCE_TOO_MANY;
  }
  return STORE_OK == rc ? EVIDENCE_OK : from_store(rc, "upload create");
}

enum evidence_rc evidence_upload_create(struct store_upload *out, struct svc *svc, int64_t user_id,
                                        int64_t attempt_id, const struct evidence_create *req,
                                        int64_t now_ms) {
  memset(out, 0, sizeof *out);
  out->attempt_id = attempt_id;
  memcpy(out->item_id, req->item, sizeof out->item_id);
  enum evidence_rc erc = NULL == strchr(out->item_id, ':')
                             ? upload_create(out, svc, user_id, req, NULL, now_ms)
                             : EVIDENCE_NOT_EVIDENCE; /* no exam item has a colon */
  if (EVIDENCE_OK != erc) {
    memset(out, 0, sizeof *out);
  }
  return erc;
}

/* The id of user_id's application for exam_id into *out: EVIDENCE_OK, EVIDENCE_NOT_FOUND (none),
 * or an error outcome. */
static enum evidence_rc own_application(int64_t *out, struct svc *svc, int64_t user_id,
                                        const char *exam_id) {
  struct store_rd *rd = NULL;
  struct store_application a;
  memset(&a, 0, sizeof a);
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_application_get(rd, &a, user_id, exam_id);
  }
  store_rd_end(rd);
  *out = a.id;
  store_application_clear(&a);
  if (STORE_NONE == rc) {
    return EVIDENCE_NOT_FOUND;
  }
  return STORE_OK == rc ? EVIDENCE_OK : from_store(rc, "application read");
}

enum evidence_rc evidence_application_upload_create(struct store_upload *out, struct svc *svc,
                                                    int64_t user_id, const char *exam_id,
                                                    const struct evidence_create *req,
                                                    int64_t now_ms) {
  memset(out, 0, sizeof *out);
  enum evidence_rc erc = own_application(&out->application_id, svc, user_id, exam_id);
  if (EVIDENCE_OK != erc) {
    return erc;
  }
  snprintf(out->item_id, sizeof out->item_id, "%s", STORE_UPLOAD_APPLICATION_ITEM);
  erc = upload_create(out, svc, user_id, req, NULL, now_ms);
  if (EVIDENCE_OK != erc) {
    memset(out, 0, sizeof *out);
  }
  return erc;
}

enum evidence_rc evidence_observation_upload_create(struct store_upload *out, struct svc *svc,
                                                    int64_t user_id, int64_t attempt_id,
                                                    const char *unit_code, const char *kuk_id,
                                                    const struct evidence_create *req,
                                                    int64_t now_ms) {
  struct owner_kuk k;
  memset(out, 0, sizeof *out);
  memset(&k, 0, sizeof k);
  if (attempt_id <= 0 ||
      (size_t)snprintf(k.unit, sizeof k.unit, "%s", unit_code) >= sizeof k.unit ||
      (size_t)snprintf(k.kuk, sizeof k.kuk, "%s", kuk_id) >= sizeof k.kuk) {
    return EVIDENCE_NOT_EVIDENCE;
  }
  out->attempt_id = attempt_id;
  snprintf(out->item_id, sizeof out->item_id, "%s", STORE_UPLOAD_OBSERVATION_ITEM);
  enum evidence_rc erc = upload_create(out, svc, user_id, req, &k, now_ms);
  if (EVIDENCE_OK != erc) {
    memset(out, 0, sizeof *out);
  }
  return erc;
}

enum evidence_rc evidence_upload_get(struct store_upload *out, struct svc *svc, int64_t user_id,
                                     const char *upload_id) {
  struct store_rd *rd = NULL;
  memset(out, 0, sizeof *out);
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_upload_get(rd, out, upload_id);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc || (STORE_OK == rc && out->user_id != user_id)) {
    memset(out, 0, sizeof *out);
    return EVIDENCE_NOT_FOUND;
  }
  return STORE_OK == rc ? EVIDENCE_OK : from_store(rc, "upload read");
}

/* ------------------------------------------------------------------ chunks */

struct append_ctx {
  const char *id;
  int64_t pos;
  const void *data;
  size_t len;
};

static int append_txn(struct store_tx *tx, void *arg) {
  const struct append_ctx *c = arg;
  return store_upload_append(tx, c->id, c->pos, c->data, c->len, store_tx_now_ms(tx));
}

/* A chunk at an offset already stored: the same bytes as the stored chunk there is a replay
 * (nothing to do), anything else a mismatch. */
static enum evidence_rc replayed(struct svc *svc, const char *id, int64_t offset, const void *data,
                                 size_t len) {
  struct store_rd *rd = NULL;
  void *stored = NULL;
  size_t stored_len = 0;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_upload_chunk_get(rd, id, offset, &stored, &stored_len);
  }
  store_rd_end(rd);
  bool same = STORE_OK == rc && stored_len == len && 0 == memcmp(stored, data, len);
  free(stored);
  if (STORE_OK != rc && STORE_NONE != rc) {
    return from_store(rc, "chunk read");
  }
  return same ? EVIDENCE_OK : EVIDENCE_OFFSET_MISMATCH;
}

enum evidence_rc evidence_upload_put(struct store_upload *out, struct svc *svc, int64_t user_id,
                                     const char *upload_id, int64_t offset, const void *data,
                                     size_t len, int64_t now_ms) {
  enum evidence_rc erc = evidence_upload_get(out, svc, user_id, upload_id);
  if (EVIDENCE_OK != erc) {
    return erc;
  }
  if (STORE_UPLOAD_OPEN != out->state) {
    return EVIDENCE_UPLOAD_DONE;
  }
  struct owner_rules rules;
  struct owner_kuk k;
  erc = upload_kuk(&k, svc, out);
  if (EVIDENCE_OK == erc) {
    erc = open_owner(&rules, svc, user_id, out, &k, now_ms);
  }
  if (EVIDENCE_OK != erc) {
    return erc;
  }
  if (0 == len || len > EVIDENCE_CHUNK_MAX) {
    return EVIDENCE_TOO_LARGE;
  }
  if (offset < out->received) {
    return replayed(svc, upload_id, offset, data, len);
  }
  if (offset > out->received) {
    return EVIDENCE_OFFSET_MISMATCH;
  }
  if (offset + (int64_t)len > out->size) {
    return EVIDENCE_TOO_LARGE;
  }
  struct append_ctx c = {upload_id, offset, data, len};
  int rc = store_txn(svc->store, append_txn, &c);
  if (STORE_CONFLICT == rc) { /* another request moved it meanwhile: answer where it stands */
    erc = evidence_upload_get(out, svc, user_id, upload_id);
    return EVIDENCE_OK == erc ? EVIDENCE_OFFSET_MISMATCH : erc;
  }
  if (STORE_OK != rc) {
    return from_store(rc, "chunk append");
  }
  out->received += (int64_t)len;
  out->updated_ms = now_ms;
  return EVIDENCE_OK;
}

/* ------------------------------------------------------------------ complete */

struct gather {
  unsigned char *buf;
  size_t len;
  size_t cap;
};

static int gather_chunk(void *ctx, const void *data, size_t len) {
  struct gather *g = ctx;
  if (len > g->cap - g->len) {
    return -1;
  }
  memcpy(g->buf + g->len, data, len);
  g->len += len;
  return 0;
}

/* Every stored byte of upload u into *out (malloc'd, exactly u->received bytes). */
static int read_upload(struct svc *svc, const struct store_upload *u, unsigned char **out) {
  struct gather g = {malloc(u->received > 0 ? (size_t)u->received : 1), 0, (size_t)u->received};
  struct store_rd *rd = NULL;
  *out = NULL;
  if (NULL == g.buf) {
    return STORE_UNAVAILABLE;
  }
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_upload_read(rd, u->id, gather_chunk, &g);
  }
  store_rd_end(rd);
  if (STORE_OK == rc && g.len != (size_t)u->received) {
    rc = STORE_HARD; /* the chunks do not add up to the received count */
  }
  if (STORE_OK != rc) {
    free(g.buf);
    return rc;
  }
  *out = g.buf;
  return STORE_OK;
}

static void sha256_hex(char out[65], const unsigned char *buf, size_t len) {
  unsigned char md[32];
  unsigned int mdlen = 0;
  EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL);
  for (size_t i = 0; i < sizeof md; i++) {
    snprintf(out + 2 * i, 3, "%02x", md[i]);
  }
}

/* The content type of buf by libmagic ("application/octet-stream" when it cannot tell). */
static void content_type(char *out, size_t outlen, const unsigned char *buf, size_t len) {
  snprintf(out, outlen, "application/octet-stream");
  magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
  if (NULL == m) {
    return;
  }
  if (0 == magic_load(m, NULL)) {
    /* the head decides the type of every kind accepted; a bound keeps the cost flat */
    const char *t = magic_buffer(m, buf, len < (size_t)1 << 20 ? len : (size_t)1 << 20);
    if (NULL != t) {
      snprintf(out, outlen, "%s", t);
    }
  } else {
    log_msg(LOG_ERROR, NULL, "evidence: libmagic: %s", magic_error(m));
  }
  magic_close(m);
}

/* Why a file is refused (struct evidence_refusal), in the order the checks run. */
enum refusal {
  REFUSED_CHECKSUM,
  REFUSED_TYPE_NOT_ALLOWED,
  REFUSED_TYPE_NOT_ACCEPTED,
  REFUSED_IMAGE_UNREADABLE,
  REFUSED_IMAGE_TOO_LARGE,
  REFUSED_ACTIVE_CONTENT,
};
const char *const evidence_refusal_reasons[] = {
    [REFUSED_CHECKSUM] = "checksum_mismatch",
    [REFUSED_TYPE_NOT_ALLOWED] = "type_not_allowed",
    [REFUSED_TYPE_NOT_ACCEPTED] = "type_not_accepted",
    [REFUSED_IMAGE_UNREADABLE] = "image_unreadable",
    [REFUSED_IMAGE_TOO_LARGE] = "image_too_large",
    [REFUSED_ACTIVE_CONTENT] = "active_content",
    NULL,
};

/* The checks of a whole file: NULL when it may be kept (with its facts in *f and, for an
 * image, its preview in *preview), else why not. */
static const char *check_file(struct store_evidence_file *f, void **preview, size_t *preview_len,
                              unsigned accept, const struct store_upload *u,
                              const unsigned char *buf) {
  size_t len = (size_t)u->received;
  sha256_hex(f->sha256, buf, len);
  f->size = u->received;
  if ('\0' != u->sha256_hint[0] && 0 != strcmp(u->sha256_hint, f->sha256)) {
    return evidence_refusal_reasons[REFUSED_CHECKSUM];
  }
  content_type(f->mime, sizeof f->mime, buf, len);
  unsigned kind = evidence_mime_kind(f->mime);
  if (0 == kind) {
    return evidence_refusal_reasons[REFUSED_TYPE_NOT_ALLOWED];
  }
  if (0 == (accept & kind)) {
    return evidence_refusal_reasons[REFUSED_TYPE_NOT_ACCEPTED];
  }
  if (EXAM_ACCEPT_IMAGE != kind) {
    return NULL;
  }
  uint32_t w = 0, h = 0;
  if (0 != evidence_image_size(buf, len, &w, &h)) {
    return evidence_refusal_reasons[REFUSED_IMAGE_UNREADABLE];
  }
  if (!evidence_image_size_ok(w, h)) {
    return evidence_refusal_reasons[REFUSED_IMAGE_TOO_LARGE];
  }
  if (evidence_has_markup(buf, len)) {
    return evidence_refusal_reasons[REFUSED_ACTIVE_CONTENT];
  }
  f->width = w;
  f->height = h;
  if (0 != evidence_preview_jpeg(preview, preview_len, f->mime, buf, len)) {
    return evidence_refusal_reasons[REFUSED_IMAGE_UNREADABLE];
  }
  return NULL;
}

/* The answer of an evidence item: its attached files, as the scorer's shape check wants. */
static char *answer_text(const struct store_attachment *att, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; NULL != arr && i < n; i++) {
    json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}", "sha256", att[i].sha256, "name",
                                         att[i].name, "type", att[i].mime, "size",
                                         (json_int_t)att[i].size));
  }
  char *text = NULL == arr ? NULL : json_compact(arr, false);
  json_decref(arr);
  return text;
}

struct complete_ctx {
  const struct store_upload *u;
  const struct owner_kuk *k;
  const struct store_evidence_file *f;
  const void *preview;
  size_t preview_len;
  long max_files;
  int64_t not_after_ms;
  /* out */
  struct store_attachment att;
  bool closed;
};

/* Attaches the checked file to the owner of the upload: an item's, an application's, or a
 * photo on the observation sheet (audited with its hash, as the assessor's record is). */
static int owner_attach(struct store_tx *tx, const struct complete_ctx *c) {
  const struct store_upload *u = c->u;
  int64_t now = store_tx_now_ms(tx);
  if (0 != u->application_id) {
    return store_application_attach(tx, u->application_id, c->f->sha256, u->name, now);
  }
  if (!for_observation(u)) {
    return store_evidence_attach(tx, u->attempt_id, u->item_id, c->f->sha256, u->name, now);
  }
  struct store_observation_photo p;
  memset(&p, 0, sizeof p);
  memcpy(p.unit_code, c->k->unit, sizeof p.unit_code);
  memcpy(p.kuk_id, c->k->kuk, sizeof p.kuk_id);
  memcpy(p.sha256, c->f->sha256, sizeof p.sha256);
  memcpy(p.name, u->name, sizeof p.name);
  p.assessor_id = u->user_id;
  p.attached_ms = now;
  int rc = store_observation_photo_attach(tx, u->attempt_id, &p);
  if (STORE_OK == rc) {
    rc = audit_creation(tx, u->user_id, "observation.photo", "attempt", u->attempt_id,
                        json_pack("{s:s, s:s, s:s, s:s, s:I}", "unit", p.unit_code, "kuk", p.kuk_id,
                                  "sha256", p.sha256, "name", p.name, "size",
                                  (json_int_t)c->f->size));
  }
  return rc;
}

static int complete_txn(struct store_tx *tx, void *arg) {
  struct complete_ctx *c = arg;
  struct store_rd *rd = store_tx_rd(tx);
  struct store_attachment *att = NULL;
  size_t natt = 0;
  char *answer = NULL;
  c->closed = false;
  int rc = owner_attachments(rd, c->u, c->k, &att, &natt);
  if (STORE_OK != rc) {
    return rc;
  }
  store_attachment_list_free(att, natt);
  att = NULL;
  if ((long)natt >= c->max_files) {
    return STORE_CONFLICT;
  }
  rc = store_evidence_file_put(tx, c->f);
  bool held_elsewhere = STORE_EXISTS == rc;
  if (STORE_OK == rc || held_elsewhere) {
    rc = store_upload_finish(tx, c->u->id, c->f->sha256, held_elsewhere, store_tx_now_ms(tx));
  }
  if (STORE_OK == rc && NULL != c->preview) {
    rc = store_evidence_preview_put(tx, c->f->sha256, "image/jpeg", c->preview, c->preview_len);
  }
  bool item = 0 == c->u->application_id && !for_observation(c->u);
  if (STORE_OK == rc) {
    rc = owner_attach(tx, c);
    rc = STORE_EXISTS == rc ? STORE_OK : rc; /* the same content twice: attached once */
  }
  if (STORE_OK == rc) {
    rc = owner_attachments(rd, c->u, c->k, &att, &natt);
  }
  if (STORE_OK == rc && item) { /* an item's answer lists its files; an application has none */
    answer = answer_text(att, natt);
    rc = NULL == answer ? STORE_UNAVAILABLE : STORE_OK;
  }
  if (STORE_OK == rc && item) {
    int64_t deadline = 0;
    rc = store_answer_put_checked(tx, c->u->attempt_id, c->u->item_id, answer, store_tx_now_ms(tx),
                                  c->not_after_ms, &deadline);
    c->closed = STORE_CONFLICT == rc;
  }
  for (size_t i = 0; STORE_OK == rc && i < natt; i++) {
    if (0 == strcmp(att[i].sha256, c->f->sha256)) {
      c->att = att[i];
    }
  }
  free(answer);
  store_attachment_list_free(att, natt);
  return rc;
}

struct refuse_ctx {
  const char *id;
  const char *reason;
};

static int refuse_txn(struct store_tx *tx, void *arg) {
  const struct refuse_ctx *c = arg;
  int rc = store_upload_refuse(tx, c->id, c->reason, store_tx_now_ms(tx));
  return STORE_CONFLICT == rc ? STORE_OK : rc; /* closed meanwhile: nothing left to drop */
}

/* The answer to completing an upload completed before: its attachment. */
static enum evidence_rc completed_before(struct store_attachment *out, struct svc *svc,
                                         const struct store_upload *u) {
  struct store_rd *rd = NULL;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = 0 != u->application_id
             ? store_application_attachment_get(rd, out, u->application_id, u->sha256)
         : for_observation(u) ? store_observation_photo_get(rd, out, u->attempt_id, u->sha256)
                              : store_evidence_attachment_get(rd, out, u->attempt_id, u->sha256);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return EVIDENCE_NOT_FOUND;
  }
  return STORE_OK == rc ? EVIDENCE_OK : from_store(rc, "attachment read");
}

enum evidence_rc evidence_upload_complete(struct store_attachment *out,
                                          struct evidence_refusal *why, struct svc *svc,
                                          int64_t user_id, const char *upload_id, int64_t now_ms) {
  struct store_upload u;
  memset(out, 0, sizeof *out);
  memset(why, 0, sizeof *why);
  enum evidence_rc erc = evidence_upload_get(&u, svc, user_id, upload_id);
  if (EVIDENCE_OK != erc) {
    return erc;
  }
  if (STORE_UPLOAD_COMPLETE == u.state) {
    return completed_before(out, svc, &u);
  }
  if (STORE_UPLOAD_REFUSED == u.state) {
    why->reason = NULL; /* the reason was answered when it was refused; it is in the upload */
    return EVIDENCE_REFUSED;
  }
  struct owner_rules rules;
  struct owner_kuk k;
  erc = upload_kuk(&k, svc, &u);
  if (EVIDENCE_OK == erc) {
    erc = open_owner(&rules, svc, user_id, &u, &k, now_ms);
  }
  if (EVIDENCE_OK != erc) {
    return erc;
  }
  if (u.received != u.size) {
    return EVIDENCE_INCOMPLETE;
  }
  unsigned char *buf = NULL;
  int rc = read_upload(svc, &u, &buf);
  if (STORE_OK != rc) {
    return from_store(rc, "upload read");
  }
  struct store_evidence_file f;
  memset(&f, 0, sizeof f);
  memcpy(f.holder, u.id, sizeof f.holder);
  f.created_ms = now_ms;
  void *preview = NULL;
  size_t preview_len = 0;
  why->reason = check_file(&f, &preview, &preview_len, rules.accept, &u, buf);
  free(buf);
  if (NULL != why->reason) {
    free(preview);
    snprintf(why->mime, sizeof why->mime, "%s", f.mime);
    log_msg(LOG_INFO, NULL, "evidence: upload %s refused: %s (%s)", u.id, why->reason, f.mime);
    struct refuse_ctx rctx = {u.id, why->reason};
    rc = store_txn(svc->store, refuse_txn, &rctx);
    return STORE_OK == rc ? EVIDENCE_REFUSED : from_store(rc, "upload refuse");
  }
  struct complete_ctx c = {.u = &u,
                           .k = &k,
                           .f = &f,
                           .preview = preview,
                           .preview_len = preview_len,
                           .max_files = rules.max_files,
                           .not_after_ms = attempts_save_not_after(svc, now_ms)};
  rc = store_txn(svc->store, complete_txn, &c);
  free(preview);
  if (STORE_CONFLICT == rc) {
    return c.closed ? EVIDENCE_CLOSED : EVIDENCE_TOO_MANY;
  }
  if (STORE_OK != rc) {
    return from_store(rc, "upload complete");
  }
  *out = c.att;
  return EVIDENCE_OK;
}

/* ------------------------------------------------------------------ removing */

struct remove_ctx {
  int64_t user_id;
  int64_t attempt_id;     /* an item's file, or */
  int64_t application_id; /* an application's */
  const char *item_id;
  const char *sha256;
  int64_t not_after_ms;
  bool closed; /* out: the attempt stopped taking answers meanwhile */
};

static int remove_txn(struct store_tx *tx, void *arg) {
  struct remove_ctx *c = arg;
  struct store_rd *rd = store_tx_rd(tx);
  struct store_attachment gone, *att = NULL;
  size_t natt = 0;
  char *answer = NULL;
  bool item = 0 == c->application_id;
  c->closed = false;
  int rc = item ? store_evidence_attachment_get(rd, &gone, c->attempt_id, c->sha256)
                : store_application_attachment_get(rd, &gone, c->application_id, c->sha256);
  if (STORE_OK == rc) {
    rc = item ? store_evidence_detach(tx, c->attempt_id, c->item_id, c->sha256)
              : store_application_detach(tx, c->application_id, c->sha256);
  }
  if (STORE_OK == rc && item) { /* the answer lists the files left */
    rc = store_evidence_attachments(rd, c->attempt_id, c->item_id, &att, &natt);
    answer = STORE_OK == rc ? answer_text(att, natt) : NULL;
    rc = STORE_OK == rc && NULL == answer ? STORE_UNAVAILABLE : rc;
  }
  if (STORE_OK == rc && item) {
    int64_t deadline = 0;
    rc = store_answer_put_checked(tx, c->attempt_id, c->item_id, answer, store_tx_now_ms(tx),
                                  c->not_after_ms, &deadline);
    c->closed = STORE_CONFLICT == rc;
  }
  if (STORE_OK == rc) {
    rc = audit_creation(tx, c->user_id, item ? "evidence.remove" : "application.file_remove",
                        item ? "attempt" : "application", item ? c->attempt_id : c->application_id,
                        json_pack("{s:s, s:s, s:s}", "item", gone.item_id, "sha256", gone.sha256,
                                  "name", gone.name));
  }
  free(answer);
  store_attachment_list_free(att, natt);
  return rc;
}

/* Runs the removal c describes: its outcome. */
static enum evidence_rc run_remove(struct svc *svc, struct remove_ctx *c) {
  int rc = store_txn(svc->store, remove_txn, c);
  if (STORE_NONE == rc) {
    return EVIDENCE_NOT_FOUND;
  }
  if (STORE_CONFLICT == rc && c->closed) {
    return EVIDENCE_CLOSED;
  }
  return STORE_OK == rc ? EVIDENCE_OK : from_store(rc, "evidence remove");
}

enum evidence_rc evidence_remove(struct svc *svc, int64_t user_id, int64_t attempt_id,
                                 const char *item_id, const char *sha256, int64_t now_ms) {
  struct owner_rules rules;
  if (!evidence_sha256_ok(sha256)) {
    return EVIDENCE_NOT_FOUND; /* no file has that name, wherever it is asked for */
  }
  enum evidence_rc erc = open_evidence_item(&rules, svc, user_id, attempt_id, item_id, now_ms);
  if (EVIDENCE_OK != erc) {
    return erc;
  }
  struct remove_ctx c = {.user_id = user_id,
                         .attempt_id = attempt_id,
                         .item_id = item_id,
                         .sha256 = sha256,
                         .not_after_ms = attempts_save_not_after(svc, now_ms)};
  return run_remove(svc, &c);
}

enum evidence_rc evidence_application_remove(struct svc *svc, int64_t user_id, const char *exam_id,
                                             const char *sha256) {
  int64_t application_id = 0;
  struct owner_rules rules;
  if (!evidence_sha256_ok(sha256)) {
    return EVIDENCE_NOT_FOUND;
  }
  enum evidence_rc erc = own_application(&application_id, svc, user_id, exam_id);
  if (EVIDENCE_OK == erc) {
    erc = open_application(&rules, svc, user_id, application_id);
  }
  if (EVIDENCE_OK != erc) {
    return erc;
  }
  struct remove_ctx c = {.user_id = user_id, .application_id = application_id, .sha256 = sha256};
  return run_remove(svc, &c);
}

/* ------------------------------------------------------------------ the sweep */

struct abandon_ctx {
  int64_t idle_before_ms;
  int64_t n;
};

static int abandon_txn(struct store_tx *tx, void *arg) {
  struct abandon_ctx *c = arg;
  return store_upload_abandon(tx, c->idle_before_ms, store_tx_now_ms(tx), &c->n);
}

static int purge_txn(struct store_tx *tx, void *arg) {
  return store_evidence_file_purge(tx, arg);
}

enum evidence_rc evidence_sweep(struct evidence_swept *out, struct svc *svc,
                                int64_t idle_before_ms) {
  memset(out, 0, sizeof *out);
  struct abandon_ctx ac = {idle_before_ms, 0};
  int rc = store_txn(svc->store, abandon_txn, &ac);
  if (STORE_OK != rc) {
    return from_store(rc, "uploads abandon");
  }
  out->abandoned = ac.n;
  char hashes[EVIDENCE_PURGE_MAX][65];
  size_t n = 0;
  struct store_rd *rd = NULL;
  rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_evidence_unreferenced(rd, hashes, EVIDENCE_PURGE_MAX, &n);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return from_store(rc, "unreferenced files");
  }
  for (size_t i = 0; i < n; i++) { /* each in its own transaction: one referenced again */
    rc = store_txn(svc->store, purge_txn, hashes[i]); /* (STORE_CONFLICT) stays */
    if (STORE_OK == rc) {
      out->purged++;
    } else if (STORE_CONFLICT != rc) {
      return from_store(rc, "file purge");
    }
  }
  if (out->abandoned > 0 || out->purged > 0) {
    log_msg(LOG_INFO, NULL, "evidence sweep: %lld abandoned upload(s) dropped, %zu file(s) purged",
            (long long)out->abandoned, out->purged);
  }
  return EVIDENCE_OK;
}

/* ------------------------------------------------------------------ reading */

void evidence_blob_clear(struct evidence_blob *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

/* May viewer see the files of attempt a? Its candidate and administrators always; an
 * assessor while holding its live claim, once they decided it, or when its appeal is theirs. */
static int may_view(bool *out, struct store_rd *rd, const struct evidence_viewer *v,
                    const struct store_attempt *a, int64_t now_ms) {
  *out = false;
  if (ROLE_ADMIN == v->role || (ROLE_CANDIDATE == v->role && a->user_id == v->id)) {
    *out = true;
    return STORE_OK;
  }
  if (ROLE_ASSESSOR != v->role || ATTEMPT_OPEN == a->status) {
    return STORE_OK;
  }
  struct store_claim claim;
  int rc = store_claim_get(rd, &claim, a->id);
  if (STORE_OK == rc && reviews_claim_is_mine(&claim, v->id, now_ms)) {
    *out = true;
    return STORE_OK;
  }
  if (STORE_OK != rc && STORE_NONE != rc) {
    return rc;
  }
  struct store_decision dec;
  memset(&dec, 0, sizeof dec);
  rc = store_decision_latest(rd, &dec, a->id);
  bool decided_by_viewer = STORE_OK == rc && dec.decided_by == v->id;
  store_decision_clear(&dec);
  if (decided_by_viewer) {
    *out = true;
    return STORE_OK;
  }
  if (STORE_OK != rc && STORE_NONE != rc) {
    return rc;
  }
  struct store_appeal ap;
  rc = store_appeal_for_attempt(rd, &ap, a->id);
  *out = STORE_OK == rc && ap.assessor_id == v->id;
  return STORE_OK == rc || STORE_NONE == rc ? STORE_OK : rc;
}

/* May viewer see the files of attempt attempt_id (the rule of may_view)? */
static int attempt_allowed(bool *out, struct store_rd *rd, const struct evidence_viewer *viewer,
                           int64_t attempt_id, int64_t now_ms) {
  struct store_attempt a;
  memset(&a, 0, sizeof a);
  *out = false;
  int rc = store_attempt_get_brief(rd, &a, attempt_id);
  if (STORE_OK == rc) {
    rc = may_view(out, rd, viewer, &a, now_ms);
  }
  store_attempt_clear(&a);
  return rc;
}

/* May viewer see the files of application application_id? Its candidate, and the staff who
 * may read and decide it (application_staff_may: administrators, assigned assessors). */
static int application_allowed(bool *out, struct store_rd *rd, const struct evidence_viewer *viewer,
                               int64_t application_id, int64_t now_ms) {
  (void)now_ms;
  struct store_application a;
  memset(&a, 0, sizeof a);
  *out = false;
  int rc = store_application_by_id(rd, &a, application_id);
  if (STORE_OK == rc && (ROLE_ADMIN == viewer->role || ROLE_ASSESSOR == viewer->role)) {
    rc = application_staff_may(rd, application_id, viewer->id, ROLE_ADMIN == viewer->role, out);
  } else if (STORE_OK == rc) {
    *out = ROLE_CANDIDATE == viewer->role && a.user_id == viewer->id;
  }
  store_application_clear(&a);
  return rc;
}

enum evidence_rc evidence_may_view(bool *out, struct svc *svc, const struct evidence_viewer *viewer,
                                   int64_t attempt_id, int64_t now_ms) {
  struct store_rd *rd = NULL;
  *out = false;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc) {
    rc = attempt_allowed(out, rd, viewer, attempt_id, now_ms);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc) {
    return EVIDENCE_NOT_FOUND;
  }
  return STORE_OK == rc ? EVIDENCE_OK : from_store(rc, "attempt read");
}

/* File att->sha256 (its preview when preview) into out, named as attached: STORE_OK,
 * STORE_NONE (no preview), or negative. */
static int load_blob(struct store_rd *rd, struct evidence_blob *out,
                     const struct store_attachment *att, bool preview) {
  struct store_evidence_file f;
  snprintf(out->name, sizeof out->name, "%s", att->name);
  snprintf(out->sha256, sizeof out->sha256, "%s", att->sha256);
  if (preview) {
    return store_evidence_preview_get(rd, att->sha256, out->mime, &out->data, &out->len);
  }
  int rc = store_evidence_file_get(rd, &f, att->sha256);
  if (STORE_OK != rc) {
    return rc;
  }
  snprintf(out->mime, sizeof out->mime, "%s", f.mime);
  memcpy(out->holder, f.holder, sizeof out->holder);
  out->len = (size_t)f.size;
  return STORE_OK;
}

struct evidence_reader {
  struct svc *svc;
  char holder[33];
  int64_t size;
  void *chunk; /* the chunk last read, of chunk_len bytes from chunk_pos */
  size_t chunk_len;
  int64_t chunk_pos;
};

struct evidence_reader *evidence_reader_new(struct svc *svc, const struct evidence_blob *blob) {
  struct evidence_reader *rd = calloc(1, sizeof *rd);
  if (NULL != rd) {
    rd->svc = svc;
    memcpy(rd->holder, blob->holder, sizeof rd->holder);
    rd->size = (int64_t)blob->len;
  }
  return rd;
}

/* Whether the chunk held covers byte pos. */
static bool chunk_covers(const struct evidence_reader *rd, int64_t pos) {
  return NULL != rd->chunk && pos >= rd->chunk_pos && pos - rd->chunk_pos < (int64_t)rd->chunk_len;
}

long evidence_reader_read(struct evidence_reader *rd, int64_t pos, void *buf, size_t max) {
  if (pos < 0 || pos >= rd->size || 0 == max) {
    return -1;
  }
  if (!chunk_covers(rd, pos)) {
    free(rd->chunk);
    rd->chunk = NULL;
    struct store_rd *srd = NULL;
    int rc = store_rd_begin(rd->svc->store, &srd);
    if (STORE_OK == rc) {
      rc = store_upload_chunk_at(srd, rd->holder, pos, &rd->chunk_pos, &rd->chunk, &rd->chunk_len);
    }
    store_rd_end(srd);
    if (STORE_OK != rc || !chunk_covers(rd, pos)) {
      log_msg(LOG_ERROR, NULL, "evidence: file of upload %s: no chunk at byte %lld (store %s)",
              rd->holder, (long long)pos, store_rc_name(rc));
      return -1;
    }
  }
  size_t avail = rd->chunk_len - (size_t)(pos - rd->chunk_pos);
  size_t n = avail < max ? avail : max;
  if ((int64_t)n > rd->size - pos) {
    n = (size_t)(rd->size - pos);
  }
  memcpy(buf, (const char *)rd->chunk + (pos - rd->chunk_pos), n);
  return (long)n;
}

void evidence_reader_free(struct evidence_reader *rd) {
  if (NULL != rd) {
    free(rd->chunk);
    free(rd);
  }
}

/* The outcome of reading a file into out with store code rc (out cleared unless STORE_OK). */
static enum evidence_rc blob_outcome(struct evidence_blob *out, int rc) {
  if (STORE_OK != rc) {
    evidence_blob_clear(out);
  }
  if (STORE_NONE == rc) {
    return EVIDENCE_NOT_FOUND;
  }
  return STORE_OK == rc ? EVIDENCE_OK : from_store(rc, "file read");
}

/* An owner of files as a reader meets it: who may read them, and its attachment of a file. */
struct file_owner {
  int (*allowed)(bool *out, struct store_rd *rd, const struct evidence_viewer *viewer,
                 int64_t owner_id, int64_t now_ms);
  int (*attachment)(struct store_rd *rd, struct store_attachment *out, int64_t owner_id,
                    const char *sha256);
};

static const struct file_owner attempt_owner = {attempt_allowed, store_evidence_attachment_get};
static const struct file_owner application_owner = {application_allowed,
                                                    store_application_attachment_get};
static const struct file_owner observation_owner = {attempt_allowed, store_observation_photo_get};

/* File sha256 of owner owner_id for viewer (already known to be allowed when allowed): as
 * evidence_file_read. */
static enum evidence_rc owned_file_read(struct evidence_blob *out, struct svc *svc,
                                        const struct evidence_viewer *viewer,
                                        const struct file_owner *owner, int64_t owner_id,
                                        const char *sha256, bool preview, int64_t now_ms,
                                        bool allowed) {
  memset(out, 0, sizeof *out);
  if (!evidence_sha256_ok(sha256) || owner_id <= 0) {
    return EVIDENCE_NOT_FOUND;
  }
  struct store_rd *rd = NULL;
  struct store_attachment att;
  int rc = store_rd_begin(svc->store, &rd);
  if (STORE_OK == rc && !allowed) {
    rc = owner->allowed(&allowed, rd, viewer, owner_id, now_ms);
  }
  if (STORE_OK == rc && !allowed) {
    rc = STORE_NONE;
  }
  if (STORE_OK == rc) {
    rc = owner->attachment(rd, &att, owner_id, sha256);
  }
  if (STORE_OK == rc) {
    rc = load_blob(rd, out, &att, preview);
  }
  store_rd_end(rd);
  return blob_outcome(out, rc);
}

enum evidence_rc evidence_file_read(struct evidence_blob *out, struct svc *svc,
                                    const struct evidence_viewer *viewer, int64_t attempt_id,
                                    const char *sha256, bool preview, int64_t now_ms) {
  return owned_file_read(out, svc, viewer, &attempt_owner, attempt_id, sha256, preview, now_ms,
                         false);
}

enum evidence_rc evidence_observation_file_read(struct evidence_blob *out, struct svc *svc,
                                                const struct evidence_viewer *viewer,
                                                int64_t attempt_id, const char *sha256,
                                                bool preview, int64_t now_ms) {
  bool sees_sheet = false; /* an assessor who sees the sheet sees its photos */
  if (ROLE_ASSESSOR == viewer->role) {
    struct observation_sheet sh;
    struct observation_err err;
    sees_sheet = OBSERVATION_OK ==
                 observation_sheet_load(&sh, svc, attempt_id, viewer->id, false, now_ms, &err);
    if (sees_sheet) {
      observation_sheet_free(&sh);
    }
  }
  return owned_file_read(out, svc, viewer, &observation_owner, attempt_id, sha256, preview, now_ms,
                         sees_sheet);
}

enum evidence_rc evidence_application_file_read(struct evidence_blob *out, struct svc *svc,
                                                const struct evidence_viewer *viewer,
                                                int64_t application_id, const char *sha256,
                                                bool preview) {
  return owned_file_read(out, svc, viewer, &application_owner, application_id, sha256, preview, 0,
                         false);
}

json_t *evidence_audit_json(struct store_rd *rd, int64_t attempt_id) {
  struct store_attachment *att = NULL;
  struct store_observation_photo *ph = NULL;
  size_t n = 0, nph = 0;
  if (STORE_OK != store_evidence_attachments(rd, attempt_id, NULL, &att, &n) ||
      STORE_OK != store_observation_photos(rd, attempt_id, NULL, NULL, &ph, &nph) || 0 == n + nph) {
    store_attachment_list_free(att, n);
    return NULL;
  }
  json_t *o = json_object();
  for (size_t i = 0; NULL != o && i < nph; i++) { /* "observation:<unit>/<kuk>" */
    char key[96];
    snprintf(key, sizeof key, "observation:%s/%s", ph[i].unit_code, ph[i].kuk_id);
    json_t *list = json_object_get(o, key);
    if (NULL == list) {
      list = json_array();
      json_object_set_new(o, key, list);
    }
    json_array_append_new(list, json_string(ph[i].sha256));
  }
  store_observation_photo_list_free(ph, nph);
  for (size_t i = 0; NULL != o && i < n; i++) {
    json_t *list = json_object_get(o, att[i].item_id);
    if (NULL == list) {
      list = json_array();
      json_object_set_new(o, att[i].item_id, list);
    }
    json_array_append_new(list, json_string(att[i].sha256));
  }
  store_attachment_list_free(att, n);
  return o;
}
