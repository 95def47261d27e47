/*
 * The full claims of a stored certificate, read back from its signed credential, so that the
 * PDF, the pages and the credential documents show exactly what was signed. Used by issuance
 * (display texts of older certificates) and by the credential forms made after it, which
 * therefore need nothing else of issuance.
 */
#ifndef UJIKOM_ISSUED_CLAIMS_H
#define UJIKOM_ISSUED_CLAIMS_H

#include "common/svc.h"
#include "store/store.h"
#include "ujikom/cert.h"

/* Returns 0 with *out filled, or -1 when the stored credential does not verify against the
 * service's keys (a broken invariant). */
int issued_claims_of(struct cert_claims *out, const struct svc *svc, const struct store_cert *c);

#endif
