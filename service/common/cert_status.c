/*
 * Certificate status changes (see cert_status.h): the allowed transitions, and the three
 * writes that go with each (store, audit, transparency log) in one transaction.
 */
#include "common/cert_status.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/audit_text.h"
#include "common/certlog.h"

/* Per op: the store change, the state it moves to, the audit action and the log event. */
static const struct {
  enum store_cert_change change;
  const char *to;
  const char *action;
  enum certlog_event event;
} ops[] = {
    [CERT_STATUS_REVOKE] = {STORE_CERT_TO_REVOKED, STORE_CERT_REVOKED, "certificate.revoke",
                            CERTLOG_REVOKE},
    [CERT_STATUS_SUSPEND] = {STORE_CERT_TO_SUSPENDED, STORE_CERT_SUSPENDED, "certificate.suspend",
                             CERTLOG_SUSPEND},
    [CERT_STATUS_REINSTATE] = {STORE_CERT_TO_VALID, STORE_CERT_VALID, "certificate.reinstate",
                               CERTLOG_REINSTATE},
};

bool cert_status_reason_ok(const char *reason) {
  if (NULL == reason) {
    return false;
  }
  size_t len = strlen(reason);
  bool blank = true;
  for (size_t i = 0; i < len && blank; i++) {
    blank = ' ' == reason[i] || '\t' == reason[i] || '\n' == reason[i] || '\r' == reason[i];
  }
  return !blank && len <= CERT_STATUS_REASON_MAX;
}

/* Why op cannot apply to a certificate whose status is `status`, or CERT_STATUS_OK. */
static enum cert_status_rc refusal(enum cert_status_op op, const char *status) {
  if (0 == strcmp(status, STORE_CERT_REVOKED)) {
    return CERT_STATUS_IS_REVOKED;
  }
  bool suspended = 0 == strcmp(status, STORE_CERT_SUSPENDED);
  if (CERT_STATUS_SUSPEND == op && suspended) {
    return CERT_STATUS_IS_SUSPENDED;
  }
  if (CERT_STATUS_REINSTATE == op && !suspended) {
    return CERT_STATUS_NOT_SUSPENDED;
  }
  return CERT_STATUS_OK;
}

int cert_status_change_tx(struct store_tx *tx, enum cert_status_op op, const char *serial,
                          int64_t actor, const char *reason, enum cert_status_rc *out_rc) {
  struct store_cert c;
  enum cert_status_rc unused;
  char subject[48], *before = NULL, *after = NULL;
  if (NULL == out_rc) {
    out_rc = &unused;
  }
  *out_rc = CERT_STATUS_INTERNAL;
  if ((size_t)op >= sizeof ops / sizeof ops[0]) {
    return STORE_HARD;
  }
  if (!cert_status_reason_ok(reason)) {
    *out_rc = CERT_STATUS_REASON_REQUIRED;
    return STORE_CONFLICT;
  }
  int rc = store_cert_by_serial(store_tx_rd(tx), &c, serial);
  if (STORE_NONE == rc) {
    *out_rc = CERT_STATUS_NOT_FOUND;
  }
  if (STORE_OK != rc) {
    return rc;
  }
  *out_rc = refusal(op, c.status);
  if (CERT_STATUS_OK != *out_rc) {
    store_cert_clear(&c);
    return STORE_CONFLICT;
  }
  rc = store_cert_set_status(tx, serial, ops[op].change, actor, reason);
  if (STORE_OK == rc) {
    before = audit_text(json_pack("{s:s}", "status", c.status));
  }
  if (STORE_OK == rc) {
    snprintf(c.status, sizeof c.status, "%s", ops[op].to);
    rc = certlog_append_tx(tx, ops[op].event, &c, reason);
  }
  if (STORE_OK == rc) {
    after = audit_text(json_pack("{s:s, s:s}", "status", ops[op].to, "reason", reason));
    snprintf(subject, sizeof subject, "certificate:%s", serial);
    rc = (NULL == before || NULL == after)
             ? STORE_UNAVAILABLE
             : store_audit_append(tx, NULL, actor, ops[op].action, subject, before, after);
  }
  free(before);
  free(after);
  store_cert_clear(&c);
  if (STORE_OK == rc) {
    *out_rc = CERT_STATUS_OK;
  } else if (STORE_CONFLICT == rc) { /* changed between the read and the write: not here */
    *out_rc = CERT_STATUS_INTERNAL;
    rc = STORE_HARD;
  }
  return rc;
}

struct change_txn {
  enum cert_status_op op;
  const char *serial;
  int64_t actor;
  const char *reason;
  enum cert_status_rc result;
};

static int change_fn(struct store_tx *tx, void *arg) {
  struct change_txn *t = arg;
  return cert_status_change_tx(tx, t->op, t->serial, t->actor, t->reason, &t->result);
}

enum cert_status_rc cert_status_change(struct store_cert *out, struct svc *svc,
                                       enum cert_status_op op, const char *serial, int64_t actor,
                                       const char *reason) {
  struct change_txn t = {op, serial, actor, reason, CERT_STATUS_INTERNAL};
  struct store_rd *rd = NULL;
  memset(out, 0, sizeof *out);
  int rc = store_txn(svc->store, change_fn, &t);
  if (STORE_NONE == rc || STORE_CONFLICT == rc) {
    return t.result;
  }
  if (STORE_OK == rc) {
    rc = store_rd_begin(svc->store, &rd);
    if (STORE_OK == rc) {
      rc = store_cert_by_serial(rd, out, serial);
    }
    store_rd_end(rd);
  }
  if (STORE_OK == rc) {
    return CERT_STATUS_OK;
  }
  return (STORE_BUSY == rc || STORE_UNAVAILABLE == rc) ? CERT_STATUS_UNAVAILABLE
                                                       : CERT_STATUS_INTERNAL;
}
