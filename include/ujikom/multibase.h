/*
 * The Multikey encodings of public keys that DID documents publish (W3C Controlled
 * Identifiers, "Multikey"): the multicodec varint of the key type, then the key bytes,
 * multibase base58btc ("z", ujikom/ob3.h's ob3_base58btc). Ed25519 keys (multicodec 0xed,
 * varint ed 01) give "z6Mk..."; P-256 keys (multicodec 0x1200, varint 80 24) in SEC1
 * compressed form give "zDn...".
 *
 * Pure functions: no files, no network.
 */
#ifndef UJIKOM_MULTIBASE_H
#define UJIKOM_MULTIBASE_H

#include <stddef.h>

#define MULTIKEY_ED25519_LEN 32 /* raw Ed25519 public key */
#define MULTIKEY_P256_LEN    33 /* SEC1 compressed P-256 point (02|03 || X) */
/* Room for "z" + base58btc of 2 + 33 bytes (at most 48 characters) and the NUL. */
#define MULTIKEY_TEXT_SIZE 64

enum multikey_type { MULTIKEY_ED25519 = 0, MULTIKEY_P256 = 1 };
/* The publicKeyMultibase of a key of type t (key: 32 bytes for Ed25519, 33 for P-256
 * compressed). Returns 0, or -1 when out of memory. */
int multikey_encode(char out[MULTIKEY_TEXT_SIZE], enum multikey_type t, const unsigned char *key);
/* Reads a publicKeyMultibase (NUL-terminated): 0 with *out_type and the key bytes in key (32
 * or 33 bytes, by type), or -1 when it is not a Multikey of one of the two types. */
int multikey_decode(enum multikey_type *out_type, unsigned char key[MULTIKEY_P256_LEN],
                    const char *text);

#endif
