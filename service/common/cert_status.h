/*
 * The lifecycle of an issued certificate, in one place: revoke (final), suspend (BNSP
 * pembekuan, reversible) and reinstate. Each change writes the store, one audit entry and
 * one transparency log entry inside the caller's transaction, so the admin API, the admin
 * pages and the decision code (a change away from K) change a status the same way.
 */
#ifndef UJIKOM_CERT_STATUS_H
#define UJIKOM_CERT_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"

enum cert_status_op { CERT_STATUS_REVOKE = 0, CERT_STATUS_SUSPEND, CERT_STATUS_REINSTATE };

enum cert_status_rc {
  CERT_STATUS_OK = 0,
  CERT_STATUS_NOT_FOUND,       /* no certificate with this serial */
  CERT_STATUS_IS_REVOKED,      /* revoked already: final, nothing changes it */
  CERT_STATUS_IS_SUSPENDED,    /* suspend: it is suspended already */
  CERT_STATUS_NOT_SUSPENDED,   /* reinstate: it is not suspended */
  CERT_STATUS_REASON_REQUIRED, /* the reason is missing, blank or longer than 500 bytes */
  CERT_STATUS_UNAVAILABLE,     /* the store is busy or unavailable: retry (503) */
  CERT_STATUS_INTERNAL,        /* a broken invariant */
};

/* The longest reason (bytes) a status change records. */
#define CERT_STATUS_REASON_MAX 500

/* Whether reason may be recorded: not NULL, not blank, at most CERT_STATUS_REASON_MAX bytes. */
bool cert_status_reason_ok(const char *reason);

/* Applies op to the certificate serial (canonical) inside tx, by actor (STORE_AUDIT_SYSTEM
 * for the system) for reason (required for every op): the store's status, an audit entry
 * "certificate.revoke|suspend|reinstate" and a log entry. Returns STORE_OK, STORE_NONE (no
 * such certificate), STORE_CONFLICT (its status does not allow op; *out_rc says which), or
 * a negative store code (the caller rolls back). out_rc may be NULL. */
int cert_status_change_tx(struct store_tx *tx, enum cert_status_op op, const char *serial,
                          int64_t actor, const char *reason, enum cert_status_rc *out_rc);

/* cert_status_change_tx in a transaction of its own, then reads the certificate back into
 * *out (on CERT_STATUS_OK only; free with store_cert_clear). Thread-safe. */
enum cert_status_rc cert_status_change(struct store_cert *out, struct svc *svc,
                                       enum cert_status_op op, const char *serial, int64_t actor,
                                       const char *reason);

#endif
