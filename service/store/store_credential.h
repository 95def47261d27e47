/*
 * The Open Badges 3.0 credentials kept with certificates (the JSON-LD text with its embedded
 * proof, and the salt of the holder's e-mail hash in it) and the DIDs holders bound to their
 * accounts. How they are made is service/common/credential.c's business; this is only what
 * is kept.
 */
#ifndef UJIKOM_STORE_CREDENTIAL_H
#define UJIKOM_STORE_CREDENTIAL_H

#include <stdint.h>

struct store_tx;
struct store_rd;

#define STORE_SALT_SIZE 33  /* 32 hex digits and a NUL */
#define STORE_DID_SIZE  256 /* up to 255 bytes and a NUL */

/* The credential kept for serial: STORE_OK with the salt in salt and *out_jsonld (malloc'd,
 * free(); NULL while it is to be made again), STORE_NONE when nothing is kept, or negative. */
int store_credential_get(struct store_rd *rd, char salt[STORE_SALT_SIZE], char **out_jsonld,
                         const char *serial);

/* Keeps the credential of serial: inserts it, or fills jsonld where it is NULL with the same
 * salt; a credential already kept stays as it is (the first one made wins). STORE_OK, STORE_NONE
 * when another credential or another salt is kept already (read it again), or negative. */
int store_credential_put(struct store_tx *tx, const char *serial, const char *salt,
                         const char *jsonld, int64_t now_ms);

/* Forgets the JSON-LD (not the salts) of every certificate of user_id, to be made again.
 * STORE_OK or negative. */
int store_credential_forget_user(struct store_tx *tx, int64_t user_id);

/* The DID user_id bound: STORE_OK with did, STORE_NONE, or negative. */
int store_holder_did_get(struct store_rd *rd, char did[STORE_DID_SIZE], int64_t user_id);
/* Binds did to user_id (replacing a DID bound before), or unbinds with did NULL. STORE_OK
 * or negative. */
int store_holder_did_set(struct store_tx *tx, int64_t user_id, const char *did, int64_t now_ms);

#endif
