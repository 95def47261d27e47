/*
 * The credential's VC-JOSE JWT form (application/vc+jwt) as Open Badges 3.0 defines it for
 * VC Data Model 2.0: the payload is the credential document itself (without a proof) plus
 * the registered claims OB 3.0 requires, each derived from the document:
 *   iss = issuer.id (or issuer, when it is a string)
 *   sub = credentialSubject.id, or else the identityHash of the subject's first hashed
 *         identifier (the salted e-mail hash), or else of its first identifier
 *   nbf = validFrom, exp = validUntil (NumericDate, seconds)
 *   jti = id
 * signed ES256 with header {"alg":"ES256","typ":"JWT","kid":<URL of the one JWK>}.
 *
 * Pure functions: no files, no network.
 */
#ifndef UJIKOM_VC_JWT_H
#define UJIKOM_VC_JWT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ujikom/es256.h"

/* The payload of credential (a new object: a copy of the document with "proof" removed and
 * the five claims added; json_decref), or NULL when the document lacks what a claim comes
 * from (an id, an issuer id, a subject id or identifier, a validFrom, a validUntil, all
 * well-formed) or out of memory. */
json_t *vc_jwt_payload(const json_t *credential);
/* Signs credential as a JWT (vc_jwt_payload, then es256_jwt_sign): 0 and *out (free()), or
 * -1. */
int vc_jwt_sign(char **out, const json_t *credential, const char *kid_url,
                const struct es256_key *key);
/* True when the payload segment of the compact JWT jwt is a JSON object equal to payload
 * (no signature is checked: for comparing a JWT the issuer kept with a payload it would
 * sign). */
bool vc_jwt_has_payload(const char *jwt, const json_t *payload);
/* Checks the OB 3.0 rules of a verified payload: the five claims present and equal to what
 * the document in it says. 0, or -1 with the first broken rule in why. */
int vc_jwt_check_claims(const json_t *payload, char *why, size_t whylen);

/* What an offline verifier shows of a credential document whose proof it checked: serial
 * (the last segment of its id), holder (the subject's plain "name" identifier, if any),
 * scheme title (the achievement's name), issuer name and URL (the status list's base when
 * there is one, else the issuer id), issued/expires (validFrom/validUntil) and the status
 * list index of its first BitstringStatusListEntry (has_status). Fills *out (zeroed first,
 * units untouched) and returns 0, or -1 when the id, validFrom or validUntil is missing. */
int vc_credential_claims(struct cert_claims *out, const json_t *doc);

/* Verifies the JWT form offline: es256_jwt_verify, vc_jwt_check_claims, then the claims for
 * display (vc_credential_claims of the payload, kid of the signing key) judged at now.
 * Fills out completely (the verdict GENUINE, EXPIRED or NOT_GENUINE, as cert_jws_verify). */
void vc_jwt_verify(struct cert_verification *out, const char *jwt, size_t len,
                   const struct es256_pubkey *keys, size_t nkeys, int64_t now);
/* The embedded eddsa-rdfc-2022 proof of the JSON-LD credential doc under one of keys
 * (ob3_proof_verify, its verificationMethod under the document's issuer id): CERT_FAULT_NONE
 * with the signing kid in kid, or the fault with the reason in why. */
enum cert_fault vc_jsonld_proof(char kid[TOKEN_KID_LEN + 1], const json_t *doc,
                                const struct token_pubkey *keys, size_t nkeys, char *why,
                                size_t whylen);
/* Verifies the JSON-LD form offline: its embedded eddsa-rdfc-2022 proof under one of keys
 * (ob3_proof_verify, the verificationMethod under the document's issuer id), then the claims
 * for display as vc_jwt_verify. Fills out completely. */
void vc_jsonld_verify(struct cert_verification *out, const char *text, size_t len,
                      const struct token_pubkey *keys, size_t nkeys, int64_t now);

#endif
