/*
 * The credential's JWT form (VC-JOSE, application/vc+jwt, ES256) of a certificate: the OB 3.0
 * credential document the JSON-LD form carries (common/credential.h), without its proof, as
 * the payload (ujikom/vc_jwt.h), signed with the active P-256 key; its kid the URL of that one
 * JWK (keystore_kid_url). Made at issuance inside the issuing transaction, and again when the
 * document is made again (the holder bound a DID) or for a certificate issued before the JWT
 * form; every JWT made is kept (store/store_cert_jwt.h) so each keeps verifying.
 */
#ifndef UJIKOM_CREDENTIAL_JWT_H
#define UJIKOM_CREDENTIAL_JWT_H

#include "common/credential.h"
#include "common/svc.h"
#include "store/store.h"
#include "ujikom/es256.h"

/* The JWT of the credential document doc (its proof left out), signed by key (kid URL under
 * public_url): malloc'd text, or NULL (doc NULL, or it cannot be signed). */
char *credential_jwt_make(const json_t *doc, const struct es256_key *key, const char *public_url);

/* The JWT of certificate c: the newest kept when its payload is the credential document kept
 * now, else one made now (credential_jsonld first makes the document when needed) and kept.
 * *out is malloc'd (free()). CREDENTIAL_INTERNAL also when the key set has no P-256 key.
 * Thread-safe. */
enum credential_rc credential_jwt(char **out, struct svc *svc, const struct store_cert *c);

#endif
