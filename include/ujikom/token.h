/*
 * Signing primitives shared by every signed artefact of ujikom: Ed25519 keys identified by a
 * short key id (kid), and the text codecs the tokens travel in (base64url for JWS, RFC 4648
 * base32 for the QR token, which must stay inside the QR alphanumeric character set).
 *
 * Pure functions: no files, no network. Private key material lives in `struct token_key`
 * and must be wiped with token_key_wipe() when no longer needed.
 */
#ifndef UJIKOM_TOKEN_H
#define UJIKOM_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOKEN_KID_LEN  8  /* first 8 base32 characters of SHA-256(raw public key) */
#define TOKEN_PUB_LEN  32 /* raw Ed25519 public key */
#define TOKEN_SEED_LEN 32
#define TOKEN_SIG_LEN  64

struct token_vcache; /* remembers signatures that verified (see token_vcache_new) */

/* A public verification key, as published in the JWKS. */
struct token_pubkey {
  char kid[TOKEN_KID_LEN + 1];
  unsigned char pub[TOKEN_PUB_LEN];
  /* Optional (NULL = none): a cache shared by a key set, consulted by token_pubkey_verify.
   * Borrowed: whoever builds the key set owns it and frees it after the keys. */
  struct token_vcache *vcache;
  /* Seconds since the epoch since when the private key is known to be compromised; 0 = not.
   * Published in the JWKS as "revoked" (the JWK member OpenID Federation 1.0 defines:
   * {"revoked_at": .., "reason": "keyCompromise"}); the key still verifies signatures, and
   * the verdict decides what they are worth. */
  int64_t compromised_since;
};

struct token_signer; /* a signing key prepared once (see token_signer_new) */

/* A signing key: the public half plus the 32-byte Ed25519 seed (RFC 8032 private key). */
struct token_key {
  struct token_pubkey pub;
  unsigned char seed[TOKEN_SEED_LEN];
  /* Optional (NULL = none): this key prepared for signing, borrowed from its owner (the key
   * store), so that a signature does not derive the key from the seed again (which costs
   * as much as the signature). token_key_wipe forgets the pointer, never frees it. */
  struct token_signer *signer;
};

/* Generates a fresh key from the OpenSSL CSPRNG. Returns 0, or -1 when the CSPRNG or
 * OpenSSL fails (out is wiped then). */
int token_key_generate(struct token_key *out);
/* Derives the public key and kid from a seed. Returns 0 or -1 (OpenSSL failure). */
int token_key_from_seed(struct token_key *out, const unsigned char seed[TOKEN_SEED_LEN]);
/* Overwrites the private seed (OPENSSL_cleanse). */
void token_key_wipe(struct token_key *k);
/* kid = first TOKEN_KID_LEN characters of the RFC 4648 base32 of SHA-256(pub). */
void token_kid_from_pub(char out[TOKEN_KID_LEN + 1], const unsigned char pub[TOKEN_PUB_LEN]);
/* The kid of any public key's bytes (the P-256 keys use their compressed point): the first
 * 8 base32 characters of SHA-256(key). */
void token_kid_from_bytes(char out[TOKEN_KID_LEN + 1], const void *key, size_t len);

/* Prepares key for repeated signing. Returns 0 and *out (free with token_signer_free, after
 * every key that borrows it), or -1 when OpenSSL fails. Thread-safe to use once made. */
int token_signer_new(struct token_signer **out, const struct token_key *key);
/* Frees (and cleanses) a prepared key; NULL allowed. */
void token_signer_free(struct token_signer *signer);
/* Ed25519 (pure, RFC 8032) signature over msg, with key->signer when set. Returns 0 or -1
 * (OpenSSL failure). */
int token_ed25519_sign(unsigned char out[TOKEN_SIG_LEN], const struct token_key *key,
                       const void *msg, size_t len);
/* A compact JWS: "<header64>.<payload64>.<signature>", the Ed25519 signature (base64url) of
 * the first two segments (given in base64url, hl and pl bytes) under key. Returns the
 * malloc'd NUL-terminated text (free()), or NULL (allocation or OpenSSL failure). */
char *token_jws_compact(const char *header64, size_t hl, const char *payload64, size_t pl,
                        const struct token_key *key);
/* True only when sig is a valid signature of msg under pub. Never fails otherwise. */
bool token_ed25519_verify(const unsigned char pub[TOKEN_PUB_LEN], const void *msg, size_t len,
                          const unsigned char sig[TOKEN_SIG_LEN]);

/* As token_ed25519_verify under key->pub, remembering successes in key->vcache (when set)
 * so that the same key, message and signature are not verified twice. A failure is never
 * remembered, so a cache can only save work, never make a signature pass. */
bool token_pubkey_verify(const struct token_pubkey *key, const void *msg, size_t len,
                         const unsigned char sig[TOKEN_SIG_LEN]);

#define TOKEN_VCACHE_DIGEST_LEN 32
/* A cache of `slots` entries (rounded up to a power of two, 33 bytes each; at most 2^24).
 * Thread-safe. Returns 0 and *out (free with token_vcache_free), or -1 when out of memory
 * or slots is out of range. */
int token_vcache_new(struct token_vcache **out, size_t slots);
/* Frees the cache; NULL allowed. No key may use it afterwards. */
void token_vcache_free(struct token_vcache *c);
/* Hits and misses so far (for tests and diagnostics); zeros for NULL. */
void token_vcache_stats(const struct token_vcache *c, size_t *out_hits, size_t *out_misses);

/* Looks a kid up in a key set; NULL when absent. The set is an array the caller owns. */
const struct token_pubkey *token_keyset_find(const struct token_pubkey *keys, size_t nkeys,
                                             const char *kid);

/* --- codecs --- */
/* Base64url without padding (RFC 4648 section 5). Encode returns a malloc'd NUL-terminated
 * string (caller frees with free()) or NULL on allocation failure. */
char *token_b64url_encode(const void *data, size_t len);
/* Strict decode: only the base64url alphabet, no padding, no whitespace, canonical trailing
 * bits. On success *out is a malloc'd buffer (NUL-terminated for convenience, caller frees
 * with free()) of *out_len bytes and 0 is returned; -1 on any invalid input. */
int token_b64url_decode(unsigned char **out, size_t *out_len, const char *text, size_t len);
/* RFC 4648 base32, upper case, without padding. Same ownership as the base64url pair.
 * The decoder accepts lower case too (a QR URL may be lower-cased by software), nothing else,
 * and rejects non-canonical trailing bits. */
char *token_b32_encode(const void *data, size_t len);
int token_b32_decode(unsigned char **out, size_t *out_len, const char *text, size_t len);

/* --- JWKS (RFC 7517 / RFC 8037 OKP keys) --- */
/* The public keys as a JWKS document: {"keys":[{"kty":"OKP","crv":"Ed25519","x":..,
 * "kid":..,"alg":"EdDSA","use":"sig"(,"revoked":{"revoked_at":..,"reason":"keyCompromise"})?},
 * ...]} (compact JSON, malloc'd, free()); NULL on
 * allocation failure. */
char *token_jwks_build(const struct token_pubkey *keys, size_t nkeys);
/* Parses a JWKS document. Keys that are not Ed25519 OKP signing keys are skipped; a
 * malformed Ed25519 entry (bad x, kid that is not the key's own) is an error. On success
 * *out is a malloc'd array (free()) of *out_n keys (at least one) and 0 is returned; -1
 * with a one-line message in err otherwise. */
int token_jwks_parse(struct token_pubkey **out, size_t *out_n, const char *json, size_t len,
                     char *err, size_t errlen);

#endif
