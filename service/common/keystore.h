/*
 * Ed25519 signing keys on disk, shared by the daemon and the CLI.
 *
 * Layout under <data-dir>/keys/ (directory mode 0700):
 *   <kid>.pem   the private key, PEM PKCS#8, mode 0600, created with O_EXCL|O_NOFOLLOW
 *   active      one line: the kid that signs new certificates
 * Public keys are derived from the private ones; every key ever created stays in the JWKS so
 * certificates signed before a rotation still verify.
 */
#ifndef UJIKOM_KEYSTORE_H
#define UJIKOM_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "ujikom/token.h"

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

/* The key that signs new certificates. Valid as long as ks. */
const struct token_key *keystore_active(const struct keystore *ks);
/* All public keys (active first); *out_n receives the count. Valid as long as ks. */
const struct token_pubkey *keystore_public(const struct keystore *ks, size_t *out_n);
/* The JWKS document of all public keys (malloc'd, free()), NULL on allocation failure. */
char *keystore_jwks(const struct keystore *ks);

/* Creates a new key under <data_dir>/keys/ and makes it the active one; older keys are kept.
 * Writes the new kid to out_kid. Returns 0 or -1 with a message in err. Safe to run while a
 * daemon is up: the daemon keeps signing with its loaded key until restarted (or SIGHUP). */
int keystore_rotate(char out_kid[TOKEN_KID_LEN + 1], const char *data_dir, char *err,
                    size_t errlen);

#endif
