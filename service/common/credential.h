/*
 * The Open Badges 3.0 credential of a certificate as JSON-LD with its embedded
 * eddsa-rdfc-2022 proof: made and kept at issuance (inside the issuing transaction), or on
 * first request for a certificate issued before; and the DID a holder binds to their account,
 * which later credentials carry as credentialSubject.id.
 */
#ifndef UJIKOM_CREDENTIAL_H
#define UJIKOM_CREDENTIAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/svc.h"
#include "store/store.h"
#include "ujikom/cert.h"
#include "ujikom/ob3.h"
#include "ujikom/token.h"

enum credential_rc {
  CREDENTIAL_OK = 0,
  CREDENTIAL_BAD_DID,     /* the DID to bind is not a DID (did:<method>:<id>, up to 255 bytes) */
  CREDENTIAL_UNAVAILABLE, /* the store is busy or unavailable: retry later */
  CREDENTIAL_INTERNAL,    /* keys missing, a stored credential that does not give claims */
};

/* Who a new credential names, read by issue_prepare with the holder: the e-mail address to
 * hash and the bound DID ("" = none). */
struct credential_holder {
  char email[255]; /* as store_user.email */
  char did[STORE_DID_SIZE];
};

/* Reads the holder's e-mail address and bound DID of user_id into *out. A store code. */
int credential_holder_read(struct credential_holder *out, struct store_rd *rd, int64_t user_id);

/* The credential of the certificate signed with claims cl (serial, status index set), signed
 * by key, outside any transaction: a fresh salt in salt, proof created at cl->issued, its
 * JSON-LD text in *text (malloc'd). licence is the LSP's (may be ""). Returns the document
 * (the caller's reference: json_decref), or NULL with *text NULL and a warning logged when
 * it cannot be made (a public URL that gives no did:web). */
json_t *credential_make(char salt[OB3_SALT_LEN + 1], char **text, const struct cert_claims *cl,
                        const struct credential_holder *h, const char *licence,
                        const struct token_key *key);

/* The JSON-LD credential of certificate c: the one kept, or made now (claims read back from
 * its signed credential, the salt kept or new, signed by the active key, proof created now)
 * and kept. *out is malloc'd (free()). Thread-safe. */
enum credential_rc credential_jsonld(char **out, struct svc *svc, const struct store_cert *c);

/* Binds did to user_id's account (did NULL: unbinds), audited; the credentials of the
 * user's certificates are made again on their next request, with the salts they had, so they
 * name the DID. */
enum credential_rc credential_bind_did(struct svc *svc, int64_t user_id, const char *did);

#endif
