/*
 * Issuing a certificate for a passed attempt: the one place that turns an attempt whose
 * overall outcome is K into signed claims, a stored certificate and an audit entry.
 * Called by the attempts code (automatic outcome), the reviews code (an assessor's
 * decision, inside the decision's transaction) and POST /api/attempts/:id/certificate.
 * Idempotent: however many callers race, an attempt has at most one non-revoked certificate
 * (checked inside the write transaction; the store's partial unique index backs it). After a
 * revocation, issuing again gives a new certificate (new serial) that names the revoked one.
 */
#ifndef UJIKOM_ISSUE_H
#define UJIKOM_ISSUE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/credential.h"
#include "common/svc.h"
#include "store/store.h"
#include "ujikom/cert.h"
#include "ujikom/exam.h"
#include "ujikom/token.h"

enum issue_rc {
  ISSUE_CREATED = 0,   /* a new certificate was issued and audited */
  ISSUE_EXISTING,      /* the attempt already had one; *out is that certificate */
  ISSUE_NOT_FOUND,     /* no such attempt */
  ISSUE_NOT_COMPETENT, /* the attempt's overall outcome is not (yet) K */
  ISSUE_UNAVAILABLE,   /* the store is busy or unavailable: retry later (503) */
  ISSUE_BAD_HOLDER,    /* the holder's stored name fails the name validator (err says why) */
  ISSUE_INTERNAL,      /* broken invariant (keys or exam catalogue missing, corrupt data) */
};

/* Issues (or finds) the certificate of attempt_id. actor_user_id is recorded in the audit
 * entry (STORE_AUDIT_SYSTEM when automatic). On ISSUE_CREATED and ISSUE_EXISTING *out is
 * filled (the caller frees its strings with store_cert_clear); otherwise *out is zeroed and
 * err holds a one-line English explanation. Must not be called inside a store transaction
 * (it opens its own). Everything is signed before that transaction, which only checks and
 * stores, so the store's writer never waits for a signature; what the signatures cover (the
 * attempt's last revoked certificate, the status index) is checked again in it, and signed
 * again when it changed meanwhile. Thread-safe. */
enum issue_rc issue_certificate(struct store_cert *out, struct svc *svc, int64_t attempt_id,
                                int64_t actor_user_id, char *err, size_t errlen);

/* What issuing reads outside a transaction: the claims of an attempt (holder, exam; no
 * serial, key or status index yet) and its holder's user id. */
struct issue_prep {
  struct cert_claims *claims; /* malloc'd */
  int64_t attempt_id;
  int64_t user_id;
  struct credential_holder *holder; /* malloc'd: whom the OB 3.0 credential names */
  const char *licence;              /* the LSP's licence number (configuration) */
  const struct es256_key *jwt_key;  /* signs the credential's JWT form; NULL: made later */
  const char *public_url;           /* under which the JWT's kid URL is */
};

/* Reads the attempt's holder and exam version and builds its claims, whatever the attempt's
 * verdict (a decision may make it K in the same transaction as the issuance). Returns
 * ISSUE_CREATED (meaning ready; clear *out with issue_prep_clear), or ISSUE_NOT_FOUND,
 * ISSUE_BAD_HOLDER, ISSUE_UNAVAILABLE, ISSUE_INTERNAL with err set (*out zeroed). */
enum issue_rc issue_prepare(struct issue_prep *out, struct svc *svc, int64_t attempt_id, char *err,
                            size_t errlen);
void issue_prep_clear(struct issue_prep *p);

/* Issues the certificate of p's attempt inside tx, by actor, signed with key: when the
 * attempt has a non-revoked certificate, *out is that one (*out_rc ISSUE_EXISTING);
 * otherwise, when its verdict in tx is K, draws a random unused status list index, signs the
 * claims (naming the attempt's last revoked certificate in `replaces`), and stores the
 * certificate with its log and audit entries (*out_rc ISSUE_CREATED). Returns STORE_OK (*out
 * filled: store_cert_clear), STORE_CONFLICT (*out_rc ISSUE_NOT_COMPETENT or
 * ISSUE_NOT_FOUND), or another store code (the caller rolls back). p's claims are updated. */
int issue_insert_tx(struct store_tx *tx, struct store_cert *out, enum issue_rc *out_rc,
                    struct issue_prep *p, const struct token_key *key, int64_t actor);

/* Fills the claims an exam decides, for the issuing code and the seed alike: subsector (and
 * its name from subsectors), scheme, units, the issuing service (issuer_name, issuer_url),
 * issued, and expires: the exam's validity (default_years when it has none) in whole calendar
 * years after issued. The holder, serial and kid are left to the caller. Returns 0, or -1 when
 * the exam has more than CERT_MAX_UNITS units. */
int issue_claims_from_exam(struct cert_claims *cl, const struct exam *exam,
                           const struct exam_subsectors *subsectors, long default_years,
                           int64_t issued, const char *issuer_name, const char *issuer_url);

/* Signs the claims with key (setting their kid and a fresh serial) and fills the certificate
 * to store from them: serial, holder, subsector, exam, dates, kid, status valid, the signed
 * credential and QR token, the units and the display text. The attempt and user ids are left
 * to the caller. Returns 0, -1 when the CSPRNG fails, or -2 when signing or encoding fails
 * (out may then hold strings: free them with store_cert_clear). */
int issue_cert_sign(struct store_cert *out, struct cert_claims *cl, const struct token_key *key);

/* The register record of a stored certificate, as the register seal covers it (ujikom/cert.h);
 * its strings point into c. */
struct cert_record issue_record_of(const struct store_cert *c);

/* Stores the display text (cert_display_encode) of every certificate issued before it was
 * stored with each one (migration 0006), read back from its signed credential, a few hundred
 * per transaction. Certificates whose credential does not give claims are left without (the
 * verifier then takes the long way, as for any certificate without display text). Returns
 * STORE_OK with *out_filled, or the first negative store code. Thread-safe; idempotent. */
int issue_display_backfill(struct svc *svc, size_t *out_filled);

/* Maps an issue_rc to a short English name for logs ("created", "existing", ...). */
const char *issue_rc_name(enum issue_rc rc);

#endif
