/*
 * Ed25519 signing keys on disk, shared by the daemon and the CLI.
 *
 * Layout under <data-dir>/keys/ (directory mode 0700):
 *   <kid>.pem   the private key, PEM PKCS#8, mode 0600, created with O_EXCL|O_NOFOLLOW
 *   active      one line: the kid that signs new certificates
 *   <kid>.retired  present once the key was retired (`ujikom keys retire`), mode 0600:
 *               "retired <RFC 3339 time>\n", then, when the key was compromised,
 *               "compromised-since <RFC 3339 time>\n"
 *   es256/      the P-256 keys of the credential's JWT form, in the same layout (<kid>.pem,
 *               active, <kid>.retired); created beside the first Ed25519 key, and on the first
 *               start of a daemon whose data directory has none
 * Public keys are derived from the private ones; every key ever created stays in the JWKS so
 * certificates signed before a rotation still verify. A retired key never signs again; a
 * compromised one stays published (marked "revoked" in the JWKS), and the verdict trusts
 * its signature only for certificates the transparency log recorded before the compromise
 * (common/verify.h).
 */
#ifndef UJIKOM_KEYSTORE_H
#define UJIKOM_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/cert.h"
#include "ujikom/es256.h"
#include "ujikom/token.h"

#define KEYSTORE_ES256_DIR "es256"

struct keystore; /* opaque; immutable once opened, so it may be shared between threads */

/* Loads every key under <data_dir>/keys/. When there is no key at all and create is true,
 * generates the first one and makes it active (the directories are created as needed).
 * Refuses, with a one-line message in err: a key file readable or writable by group or
 * others, a symlink, a file that is not an Ed25519 PKCS#8 key, a file whose name is not its
 * key's kid, a missing or unknown active kid. On success *out is the caller's to release
 * with keystore_free(). Returns 0 or -1. */
int keystore_open(struct keystore **out, const char *data_dir, bool create, char *err,
                  size_t errlen);
/* Wipes the private keys (OPENSSL_cleanse) and frees. NULL is allowed. */
void keystore_free(struct keystore *ks);
/* A number no other keystore opened by this process has (0 for NULL): what was checked
 * under ks is told apart from what was checked under a keystore opened before or after it,
 * even one at the same address. */
uint64_t keystore_id(const struct keystore *ks);

/* The key that signs new certificates. Valid as long as ks. */
const struct token_key *keystore_active(const struct keystore *ks);
/* All public keys (active first); *out_n receives the count. Valid as long as ks. A NULL ks
 * (no keys loaded) has none: NULL and 0. */
const struct token_pubkey *keystore_public(const struct keystore *ks, size_t *out_n);
/* The JWKS document of all public keys, Ed25519 (OKP) then P-256 (EC) (malloc'd, free()),
 * NULL on allocation failure. */
char *keystore_jwks(const struct keystore *ks);
/* The one JWK of key kid (Ed25519 or P-256) as compact JSON (malloc'd, free()); NULL when
 * kid is not in the key set or on allocation failure. */
char *keystore_jwk(const struct keystore *ks, const char *kid);
/* The URL of key kid's one JWK, the JWT's kid: <public_url>/api/keys/<kid>. 0, or -1 when
 * it does not fit size. */
#define KEYSTORE_KID_URL_SIZE 300
int keystore_kid_url(char *out, size_t size, const char *public_url, const char *kid);
/* The DID document of every public key (ujikom/did.h) for the issuer did (malloc'd,
 * free()); NULL on allocation failure. */
char *keystore_did_document(const struct keystore *ks, const char *did);

/* The P-256 key that signs new credentials' JWT form; NULL when the key set has none (a data
 * directory opened without create from before the JWT form). Valid as long as ks. */
const struct es256_key *keystore_es256_active(const struct keystore *ks);
/* All public P-256 keys (active first) and their count; NULL and 0 for none or a NULL ks. */
const struct es256_pubkey *keystore_es256_public(const struct keystore *ks, size_t *out_n);

/* What the key set says about one key. */
struct keystore_key_state {
  bool retired;                 /* no longer signs */
  int64_t retired_ms;           /* when it was retired (0 when not) */
  int64_t compromised_since_ms; /* -1 when not compromised */
};
/* The state of key kid (Ed25519 or P-256): 0 and *out, or -1 when kid is not in the key
 * set. */
int keystore_key_state(const struct keystore *ks, const char *kid, struct keystore_key_state *out);
/* The register sealer (ujikom/cert.h) of key kid, valid as long as ks; NULL when kid is not
 * in the key set. */
const struct cert_sealer *keystore_sealer(const struct keystore *ks, const char *kid);

/* Retires key kid (Ed25519 or P-256) at now_ms: it stops signing (when it is the active key
 * of its kind, a new key of that kind is created and made active first; its kid goes to out_active,
 * else out_active gets the unchanged active kid) and stays published. compromised_since_ms >= 0
 * marks it compromised since then. Refuses an unknown or already retired kid. 0, or -1 with a
 * message in err. */
int keystore_retire(char out_active[TOKEN_KID_LEN + 1], const char *data_dir, const char *kid,
                    int64_t now_ms, int64_t compromised_since_ms, char *err, size_t errlen);

/* Creates a new key under <data_dir>/keys/ and makes it the active one; older keys are kept.
 * Writes the new kid to out_kid. Returns 0 or -1 with a message in err. Safe to run while a
 * daemon is up: the daemon keeps signing with its loaded key until restarted (or SIGHUP). */
int keystore_rotate(char out_kid[TOKEN_KID_LEN + 1], const char *data_dir, char *err,
                    size_t errlen);
/* As keystore_rotate, for the P-256 key of the JWT form (under <data_dir>/keys/es256/). */
int keystore_rotate_es256(char out_kid[TOKEN_KID_LEN + 1], const char *data_dir, char *err,
                          size_t errlen);

#endif
