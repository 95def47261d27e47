/*
 * Certificates for their holders and for admins: listing, details, the signed credential,
 * the QR code (PNG cached in the store, SVG), the printable PDF (credential and PDF only
 * while the certificate is valid), revocation, suspension and reinstatement (admin,
 * audited, common/cert_status.c) and issuance for a passed attempt (idempotent). Holders see only
 * their own certificates; anybody else gets 404 so serials cannot be probed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cert_status.h"
#include "common/issue.h"
#include "common/issued_claims.h"
#include "common/keystore.h"
#include "http/handlers.h"
#include "http/pager.h"
#include "store/store.h"
#include "ujikom/cert_render.h"

#define QR_PNG_SCALE 8

static bool is_admin(const struct req *r) {
  return NULL != r->user && ROLE_ADMIN == r->user->role;
}

int cert_load_visible(struct req *r, struct store_cert *out, int *replied) {
  char serial[CERT_SERIAL_SIZE];
  struct store_rd *rd = NULL;
  memset(out, 0, sizeof *out);
  if (0 != cert_serial_parse(serial, NULL, r->params[0])) {
    *replied = reply_error(r, ERR_CERT_NOT_FOUND, NULL);
    return 1;
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_by_serial(rd, out, serial);
  }
  store_rd_end(rd);
  if (STORE_NONE == rc || (STORE_OK == rc && !is_admin(r) && out->user_id != r->user->id)) {
    store_cert_clear(out);
    *replied = reply_error(r, ERR_CERT_NOT_FOUND, NULL);
    return 1;
  }
  if (STORE_OK != rc) {
    *replied = reply_store_error(r, rc, __func__);
    return 1;
  }
  return 0;
}

static json_t *cert_summary(const struct store_cert *c) {
  json_error_t je;
  json_t *units = json_loads(c->units ? c->units : "[]", 0, &je);
  json_t *j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:I, s:I, s:s, s:s}", "serial", c->serial,
                        "attempt_id", (json_int_t)c->attempt_id, "holder", c->holder, "subsector",
                        c->subsector, "exam_id", c->exam_id, "units",
                        NULL == units ? json_array() : units, "issued_at", (json_int_t)c->issued_s,
                        "expires_at", (json_int_t)c->expires_s, "kid", c->kid, "status", c->status);
  if (NULL != j && 0 == strcmp(c->status, STORE_CERT_REVOKED)) {
    json_object_set_new(j, "revoked_at_ms", json_integer(c->revoked_ms));
    json_object_set_new(j, "revoked_reason", json_string(c->revoked_reason));
  }
  if (NULL != j && 0 == strcmp(c->status, STORE_CERT_SUSPENDED)) {
    json_object_set_new(j, "suspended_at_ms", json_integer(c->suspended_ms));
    json_object_set_new(j, "suspended_reason", json_string(c->suspended_reason));
  }
  if (NULL != j && c->replaces[0]) {
    json_object_set_new(j, "replaces", json_string(c->replaces));
  }
  if (NULL != j && c->has_status_index) {
    json_object_set_new(j, "status_list_index", json_integer(c->status_index));
  }
  if (NULL != j) {
    char link[96];
    snprintf(link, sizeof link, "/api/certificates/%s/credential", c->serial);
    json_object_set_new(j, "credential_url", json_string(link));
    snprintf(link, sizeof link, "/api/certificates/%s/pdf", c->serial);
    json_object_set_new(j, "pdf_url", json_string(link));
  }
  return j;
}

/* GET /api/certificates[?limit=&before=&after=SERIAL&q=&status=] */
int h_cert_list(struct req *r) {
  struct store_rd *rd = NULL;
  struct store_cert *list = NULL;
  struct store_cert_query query = {.user_id = is_admin(r) ? 0 : r->user->id};
  size_t n = 0;
  long limit = 100, before = 0;
  bool more = false;
  const char *q = req_query(r, "limit");
  char *end = NULL;
  if (NULL != q) {
    errno = 0;
    limit = strtol(q, &end, 10);
    if (0 != errno || end == q || '\0' != *end || limit < 1 || limit > 1000) {
      return reply_error(r, ERR_INVALID_FIELD, "limit must be a number from 1 to 1000.");
    }
  }
  q = req_query(r, "before");
  if (NULL != q) {
    errno = 0;
    before = strtol(q, &end, 10);
    if (0 != errno || end == q || '\0' != *end || before < 0) {
      return reply_error(r, ERR_INVALID_FIELD, "before must be seconds since the epoch.");
    }
  }
  query.before_s = before;
  if (!pager_serial_cursor(r, "after", &query.after_serial)) {
    return 0; /* answered (400) */
  }
  query.status = pager_query(r, "status");
  if (NULL != query.status && 0 != strcmp(query.status, STORE_CERT_VALID) &&
      0 != strcmp(query.status, STORE_CERT_SUSPENDED) &&
      0 != strcmp(query.status, STORE_CERT_REVOKED)) {
    return reply_error(r, ERR_INVALID_FIELD, "status: valid, suspended or revoked.");
  }
  if (!pager_text(r, "q", &query.text)) {
    return 0; /* answered (400) */
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_list(rd, &list, &n, &query, (int)limit, &more);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    return reply_store_error(r, rc, __func__);
  }
  json_t *arr = json_array();
  for (size_t i = 0; NULL != arr && i < n; i++) {
    json_array_append_new(arr, cert_summary(&list[i]));
  }
  json_t *next = more && n > 0 ? json_string(list[n - 1].serial) : json_null();
  store_cert_list_free(list, n);
  if (NULL == arr) {
    json_decref(next);
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200, json_pack("{s:o, s:o}", "certificates", arr, "next_after", next));
}

int h_cert_get(struct req *r) {
  struct store_cert c;
  int replied = 0;
  if (0 != cert_load_visible(r, &c, &replied)) {
    return replied;
  }
  json_t *j = cert_summary(&c);
  store_cert_clear(&c);
  if (NULL == j) {
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  return reply_json(r, 200, j);
}

bool cert_refused_not_valid(struct req *r, struct store_cert *c, int *replied) {
  if (0 == strcmp(c->status, STORE_CERT_VALID)) {
    return false;
  }
  char msg[200];
  snprintf(
      msg, sizeof msg,
      "This certificate is %s: its credential and PDF are not handed out. See /verify?serial=%s.",
      c->status, c->serial);
  store_cert_clear(c);
  *replied = reply_error(r, ERR_CERT_NOT_VALID, msg);
  return true;
}

int h_cert_credential(struct req *r) {
  struct store_cert c;
  int replied = 0;
  if (0 != cert_load_visible(r, &c, &replied) || cert_refused_not_valid(r, &c, &replied)) {
    return replied;
  }
  char *jws = c.jws;
  c.jws = NULL;
  store_cert_clear(&c);
  return reply_bytes_owned(r, 200, "application/jwt", jws, strlen(jws));
}

static char *qr_url_of(const struct req *r, const struct store_cert *c) {
  return cert_qr_url(r->svc->cfg->public_url, c->qr_token);
}

struct png_put {
  const char *serial;
  const char *url;
  const unsigned char *png;
  size_t len;
};

static int png_cache_fn(struct store_tx *tx, void *arg) {
  const struct png_put *p = arg;
  return store_cert_png_put(tx, p->serial, p->url, p->png, p->len);
}

int h_cert_qr_png(struct req *r) {
  struct store_cert c;
  struct store_rd *rd = NULL;
  unsigned char *png = NULL;
  size_t len = 0;
  int replied = 0;
  if (0 != cert_load_visible(r, &c, &replied)) {
    return replied;
  }
  char *url = qr_url_of(r, &c);
  if (NULL == url) {
    store_cert_clear(&c);
    return reply_error(r, ERR_INTERNAL, "The QR code cannot be encoded.");
  }
  int rc = store_rd_begin(r->svc->store, &rd);
  if (STORE_OK == rc) {
    rc = store_cert_png_get(rd, &png, &len, c.serial, url);
  }
  store_rd_end(rd);
  if (STORE_OK != rc) {
    /* Not cached for this URL yet: encode once and keep it (a lost race stores the same
     * bytes). */
    struct cert_qr qr;
    int erc = cert_qr_encode(&qr, url);
    if (0 == erc) {
      erc = cert_qr_png(&png, &len, &qr, QR_PNG_SCALE);
      cert_qr_free(&qr);
    }
    if (0 != erc) {
      free(url);
      store_cert_clear(&c);
      return reply_error(r, ERR_INTERNAL, "The QR code cannot be encoded.");
    }
    struct png_put put = {c.serial, url, png, len};
    /* A failed cache write only costs the next request another encoding. */
    (void)store_txn(r->svc->store, png_cache_fn, &put);
  }
  free(url);
  store_cert_clear(&c);
  reply_header(r, "Cache-Control", "private, max-age=86400");
  return reply_bytes_owned(r, 200, "image/png", png, len);
}

int h_cert_qr_svg(struct req *r) {
  struct store_cert c;
  struct cert_qr qr;
  char *svg = NULL;
  size_t len = 0;
  int replied = 0;
  if (0 != cert_load_visible(r, &c, &replied)) {
    return replied;
  }
  char *url = qr_url_of(r, &c);
  int erc = (NULL == url) ? -1 : cert_qr_encode(&qr, url);
  free(url);
  if (0 == erc) {
    erc = cert_qr_svg(&svg, &len, &qr, c.serial);
    cert_qr_free(&qr);
  }
  store_cert_clear(&c);
  if (0 != erc) {
    return reply_error(r, ERR_INTERNAL, "The QR code cannot be encoded.");
  }
  reply_header(r, "Cache-Control", "private, max-age=86400");
  return reply_bytes_owned(r, 200, "image/svg+xml", svg, len);
}

int h_cert_pdf(struct req *r) {
  struct store_cert c;
  int replied = 0;
  unsigned char *pdf = NULL;
  size_t len = 0;
  char err[256], verify_url[300], disposition[96];
  if (NULL == r->svc->keys) {
    return reply_error(r, ERR_CERT_KEYS_UNAVAILABLE, NULL);
  }
  if (0 != cert_load_visible(r, &c, &replied) || cert_refused_not_valid(r, &c, &replied)) {
    return replied;
  }
  struct cert_claims *claims = malloc(sizeof *claims);
  char *url = qr_url_of(r, &c);
  int rc = -1;
  if (NULL != claims && NULL != url && 0 == issued_claims_of(claims, r->svc, &c)) {
    snprintf(verify_url, sizeof verify_url, "%s/verify", r->svc->cfg->public_url);
    struct cert_pdf_options opt = {.qr_url = url, .verify_url = verify_url};
    rc = cert_pdf_render(&pdf, &len, claims, &opt, err, sizeof err);
  }
  snprintf(disposition, sizeof disposition, "inline; filename=\"sertifikat-%s.pdf\"", c.serial);
  free(url);
  free(claims);
  store_cert_clear(&c);
  if (0 != rc) {
    return reply_error(r, ERR_INTERNAL, "The certificate PDF cannot be rendered.");
  }
  reply_header(r, "Content-Disposition", disposition);
  reply_header(r, "Cache-Control", "private, no-store");
  return reply_bytes_owned(r, 200, "application/pdf", pdf, len);
}

/* POST .../revoke, .../suspend, .../reinstate: the reason from the JSON body or the form,
 * then the change (common/cert_status.c) and the certificate as it is now. */
static int status_change(struct req *r, enum cert_status_op op) {
  char serial[CERT_SERIAL_SIZE];
  if (0 != cert_serial_parse(serial, NULL, r->params[0])) {
    return reply_error(r, ERR_CERT_NOT_FOUND, NULL);
  }
  const json_t *jr = json_object_get(r->json, "reason");
  const char *reason = json_string_value(jr);
  if (NULL == reason) {
    reason = req_form(r, "reason");
  }
  if (NULL != jr && (NULL == reason || json_string_length(jr) != strlen(reason))) {
    return reply_error(r, ERR_CERT_REASON_REQUIRED, NULL); /* not a string, or with a NUL */
  }
  struct store_cert c;
  switch (cert_status_change(&c, r->svc, op, serial, r->user->id, reason)) {
  case CERT_STATUS_OK:
    break;
  case CERT_STATUS_NOT_FOUND:
    return reply_error(r, ERR_CERT_NOT_FOUND, NULL);
  case CERT_STATUS_IS_REVOKED:
    return reply_error(r, ERR_CERT_REVOKED_ALREADY, NULL);
  case CERT_STATUS_IS_SUSPENDED:
    return reply_error(r, ERR_CERT_SUSPENDED_ALREADY, NULL);
  case CERT_STATUS_NOT_SUSPENDED:
    return reply_error(r, ERR_CERT_NOT_SUSPENDED, NULL);
  case CERT_STATUS_REASON_REQUIRED:
    return reply_error(r, ERR_CERT_REASON_REQUIRED, NULL);
  case CERT_STATUS_UNAVAILABLE:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  case CERT_STATUS_INTERNAL:
  default:
    return reply_error(r, ERR_INTERNAL, NULL);
  }
  json_t *j = cert_summary(&c);
  store_cert_clear(&c);
  return NULL == j ? reply_error(r, ERR_INTERNAL, NULL) : reply_json(r, 200, j);
}

int h_cert_revoke(struct req *r) {
  return status_change(r, CERT_STATUS_REVOKE);
}

int h_cert_suspend(struct req *r) {
  return status_change(r, CERT_STATUS_SUSPEND);
}

int h_cert_reinstate(struct req *r) {
  return status_change(r, CERT_STATUS_REINSTATE);
}

int h_cert_issue(struct req *r) {
  char *end = NULL;
  errno = 0;
  long long id = strtoll(r->params[0], &end, 10);
  if (0 != errno || end == r->params[0] || '\0' != *end || id <= 0) {
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  }
  if (NULL == r->svc->keys) {
    return reply_error(r, ERR_CERT_KEYS_UNAVAILABLE, NULL);
  }
  /* Ownership: a candidate may ask only for their own attempt. */
  if (!is_admin(r)) {
    struct store_rd *rd = NULL;
    struct store_attempt a;
    memset(&a, 0, sizeof a);
    int rc = store_rd_begin(r->svc->store, &rd);
    if (STORE_OK == rc) {
      rc = store_attempt_get(rd, &a, (int64_t)id);
    }
    store_rd_end(rd);
    int64_t owner = a.user_id;
    store_attempt_clear(&a);
    if (STORE_NONE == rc || (STORE_OK == rc && owner != r->user->id)) {
      return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
    }
    if (STORE_OK != rc) {
      return reply_store_error(r, rc, __func__);
    }
  }
  struct store_cert c;
  char err[256];
  enum issue_rc irc = issue_certificate(&c, r->svc, (int64_t)id, r->user->id, err, sizeof err);
  switch (irc) {
  case ISSUE_CREATED:
  case ISSUE_EXISTING: {
    json_t *j = cert_summary(&c);
    store_cert_clear(&c);
    if (NULL == j) {
      return reply_error(r, ERR_INTERNAL, NULL);
    }
    json_object_set_new(j, "created", json_boolean(ISSUE_CREATED == irc));
    return reply_json(r, ISSUE_CREATED == irc ? 201 : 200, j);
  }
  case ISSUE_NOT_FOUND:
    return reply_error(r, ERR_ATTEMPT_NOT_FOUND, NULL);
  case ISSUE_NOT_COMPETENT:
    return reply_error(r, ERR_CERT_NOT_COMPETENT, NULL);
  case ISSUE_UNAVAILABLE:
    return reply_error(r, ERR_UNAVAILABLE, NULL);
  case ISSUE_BAD_HOLDER:
    return reply_error(r, ERR_CONFLICT, err);
  case ISSUE_INTERNAL:
    break;
  }
  return reply_error(r, ERR_INTERNAL, NULL);
}
