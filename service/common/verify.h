/*
 * The verdict on a certificate, the one place it is decided, whichever way it is asked
 * (GET /V/<token>, GET /verify?serial=, POST /api/verify with a credential, a QR token or
 * a serial). Genuine means four things at once (docs/certificates.md, "Trust model"):
 *   signature  the presented token (for a serial: the stored credential) verifies under
 *              one of the issuer's keys;
 *   register   its serial is in the register and every signed claim equals the register's
 *              record (holder, subsector, scheme, dates, kid);
 *   log        the issuance is in the transparency log (common/certlog.h), and, for a key
 *              retired as compromised, was logged before the compromise;
 *   status     the certificate is neither revoked, suspended nor expired.
 * Anything less is not genuine, with a stable reason code. A token that verifies but fails
 * the register or the log raises an alarm: a security log line and an audit entry, at most
 * once per serial and reason per hour and VERIFY_ALARMS_PER_HOUR in all.
 */
#ifndef UJIKOM_VERIFY_H
#define UJIKOM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "ujikom/cert.h"

enum verify_form {
  VERIFY_FORM_QR = 0,     /* a QR token, or the URL that carries one */
  VERIFY_FORM_CREDENTIAL, /* the compact JWS credential */
  VERIFY_FORM_SERIAL,     /* a certificate number typed by a person */
};

/* Why a verdict is what it is: code (stable, in JSON and the i18n catalogue as
 * "verify.reason.<code>") and enum. VERIFY_REASON_NONE for genuine, expired, revoked and
 * suspended certificates. */
#define VERIFY_REASONS(X)                                                                          \
  X(VERIFY_REASON_NONE, "")                                                                        \
  X(VERIFY_MALFORMED, "malformed")             /* not a number / token: check what was typed */    \
  X(VERIFY_UNKNOWN_KEY, "unknown_key")         /* signed with a key the issuer never had */        \
  X(VERIFY_BAD_SIGNATURE, "bad_signature")     /* the signature does not hold (forged, altered) */ \
  X(VERIFY_NOT_FOUND, "not_found")             /* a well-formed number no certificate has */       \
  X(VERIFY_NOT_IN_REGISTER, "not_in_register") /* signed, but not issued by this register */       \
  X(VERIFY_CLAIMS_DIFFER, "claims_differ")     /* signed, but says other than the register */      \
  X(VERIFY_NOT_IN_LOG, "not_in_log")           /* in the register, not in the public log */        \
  X(VERIFY_KEY_COMPROMISED, "key_compromised") /* signed with a stolen key after the theft */      \
  X(VERIFY_NOT_YET_VALID, "not_yet_valid")     /* issued in the future */
#define VERIFY_REASON_ENUM(name, code) name,
enum verify_reason { VERIFY_REASONS(VERIFY_REASON_ENUM) VERIFY_REASON__MAX };
#undef VERIFY_REASON_ENUM

/* The code of r ("" for VERIFY_REASON_NONE). */
const char *verify_reason_code(enum verify_reason r);
/* True for the reasons that mean "signed with our key, but not issued as presented": the
 * signs of a stolen key, which raise an alarm. */
bool verify_reason_alarms(enum verify_reason r);

/* Forgery alarms written to the audit log per hour, at most (beyond it: a log line). */
#define VERIFY_ALARMS_PER_HOUR 100

struct verify_result {
  struct cert_verification v; /* verdict; claims (claims_valid) as the form carries them */
  enum verify_reason reason;
  enum verify_form form;
  bool in_register;        /* the serial is in the register (status fields below are read) */
  bool logged;             /* the issuance is in the transparency log */
  uint64_t log_index;      /* its position there (0-based), when logged */
  int64_t logged_ms;       /* when it was logged */
  int64_t status_ms;       /* when revoked or suspended */
  char status_reason[501]; /* why revoked or suspended */
  bool alarmed;            /* this verification wrote an alarm (audit entry and log line) */
  char recertifies[26];    /* in the register: the certificate it renews (common/recert.h) */
  char renewed_by[26];     /* in the register: the certificate that renewed it; "" for none */
};

/* A result, zeroed except for the unit table (which every path writes up to nunits before
 * anything reads it): malloc'd, free(). NULL when out of memory. */
struct verify_result *verify_result_new(void);

/* What verify_judge weighs (every field read). */
struct verify_facts {
  const struct cert_verification *v; /* the token's own verification */
  bool in_register;                  /* its serial is in the register */
  bool claims_equal;                 /* every signed claim equals the register's record */
  bool logged;                       /* the issuance is in the log ... */
  int64_t logged_ms;                 /* ... at this time */
  int64_t compromised_since_ms;      /* of the signing key; -1 when not compromised */
  const char *status;                /* the register's status text (STORE_CERT_*), or NULL */
};
/* The verdict and its reason from the facts: pure. */
void verify_judge(enum cert_verdict *out_verdict, enum verify_reason *out_reason,
                  const struct verify_facts *f);

/* Verifies text (len bytes, as presented in form) at now_ms against the service's key set,
 * register and log, and fills *out (from verify_result_new). request_id (may be NULL) goes
 * into alarm log lines. Returns 0, or a negative store code when the store could not be read
 * (then *out says nothing). Thread-safe. */
int verify_certificate(struct verify_result *out, struct svc *svc, enum verify_form form,
                       const char *text, size_t len, int64_t now_ms, const char *request_id);

#endif
