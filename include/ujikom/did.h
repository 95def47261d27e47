/*
 * The issuer's identity as did:web (W3C CCG did:web method) and its DID document: every
 * signing key, current and old, as a Multikey verification method (Ed25519 "z6Mk...", P-256
 * compressed "zDn...") listed under assertionMethod, so verifiers that resolve DIDs (the
 * Data Integrity proof's verificationMethod, the JWT's kid) find the same keys the JWKS
 * publishes.
 *
 * The did:web identifier itself comes from --public-url (ob3_did_web, ujikom/ob3.h).
 *
 * Pure functions: no files, no network.
 */
#ifndef UJIKOM_DID_H
#define UJIKOM_DID_H

#include <stddef.h>

#include "ujikom/es256.h"
#include "ujikom/token.h"

/* The DID document of did with the given keys (Ed25519 first, then P-256), as compact JSON:
 * contexts https://www.w3.org/ns/did/v1 and https://w3id.org/security/multikey/v1, one
 * Multikey verification method "<did>#<kid>" per key ("revoked" with the time of a key
 * compromised), every one listed in assertionMethod. malloc'd (free()), NULL when out of
 * memory. */
char *did_document(const char *did, const struct token_pubkey *ed, size_t ned,
                   const struct es256_pubkey *ec, size_t nec);

#endif
