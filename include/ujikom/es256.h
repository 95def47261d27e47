/*
 * ES256 (ECDSA over P-256 with SHA-256, RFC 7518 section 3.4) for the credential's VC-JOSE
 * JWT form: P-256 keys identified by a kid like the Ed25519 ones, signatures in the JOSE
 * form (raw r || s, 64 bytes; OpenSSL speaks DER), public keys as JWKs ("kty":"EC") and in
 * SEC1 compressed form (for Multikey, ujikom/multibase.h), and the compact JWT itself.
 *
 * Pure functions apart from the CSPRNG: no files, no network. A private key lives inside an
 * opaque struct es256_key and is released with es256_key_free.
 */
#ifndef UJIKOM_ES256_H
#define UJIKOM_ES256_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/cert.h"
#include "ujikom/token.h"

#define ES256_PUB_LEN        65 /* SEC1 uncompressed point: 04 || X || Y */
#define ES256_COMPRESSED_LEN 33 /* SEC1 compressed point: 02|03 || X */
#define ES256_COORD_LEN      32
#define ES256_SIG_LEN        64 /* r || s, each 32 bytes big-endian */
#define ES256_DER_SIG_MAX    72 /* the longest DER ECDSA-Sig-Value of P-256 */
/* The longest JWT accepted by the verifier (a credential with 64 long units stays below). */
#define ES256_JWT_MAX 131072

/* A public P-256 key as published (JWKS, did.json). */
struct es256_pubkey {
  char kid[TOKEN_KID_LEN + 1]; /* first 8 base32 characters of SHA-256(compressed point) */
  unsigned char pub[ES256_PUB_LEN];
  int64_t compromised_since; /* NumericDate (seconds) of a compromise, 0 when none */
};

struct es256_key; /* a private key and its public half */

/* A fresh key from the CSPRNG: 0 and *out (es256_key_free), or -1. */
int es256_key_generate(struct es256_key **out);
/* A key from PEM text (PKCS#8 or SEC1 "EC PRIVATE KEY"): 0 and *out, or -1 when the text is
 * not a P-256 private key. */
int es256_key_from_pem(struct es256_key **out, const char *pem, size_t len);
/* The key as PKCS#8 PEM: 0 and *out (*out_len bytes, NUL-terminated; release with
 * es256_pem_free, which wipes it), or -1. */
int es256_key_pem(char **out, size_t *out_len, const struct es256_key *k);
void es256_pem_free(char *pem, size_t len);
/* The public half (valid as long as k). */
const struct es256_pubkey *es256_key_public(const struct es256_key *k);
/* Frees (the private key is cleansed by OpenSSL); NULL allowed. */
void es256_key_free(struct es256_key *k);

/* The kid of a public key (uncompressed point). */
void es256_kid_from_pub(char out[TOKEN_KID_LEN + 1], const unsigned char pub[ES256_PUB_LEN]);
/* The point of coordinates x, y (big-endian, 32 bytes each) in out: 0, or -1 when it is not
 * a point of P-256. */
int es256_pub_from_xy(unsigned char out[ES256_PUB_LEN], const unsigned char x[ES256_COORD_LEN],
                      const unsigned char y[ES256_COORD_LEN]);
/* The SEC1 compressed form of an uncompressed point. */
void es256_compress(unsigned char out[ES256_COMPRESSED_LEN],
                    const unsigned char pub[ES256_PUB_LEN]);

/* JOSE signature (r || s) from a DER ECDSA-Sig-Value: 0, or -1 when der is not one with r and s
 * of at most 32 bytes each. */
int es256_sig_from_der(unsigned char out[ES256_SIG_LEN], const unsigned char *der, size_t len);
/* DER ECDSA-Sig-Value of a JOSE signature into out (ES256_DER_SIG_MAX bytes): its length, or
 * -1 (OpenSSL failure). */
int es256_sig_to_der(unsigned char out[ES256_DER_SIG_MAX], const unsigned char sig[ES256_SIG_LEN]);

/* ECDSA P-256 SHA-256 signature of msg in JOSE form. 0 or -1. */
int es256_sign(unsigned char out[ES256_SIG_LEN], const struct es256_key *k, const void *msg,
               size_t len);
/* True only when sig (JOSE form) is a signature of msg under pub. Never fails otherwise. */
bool es256_verify(const unsigned char pub[ES256_PUB_LEN], const void *msg, size_t len,
                  const unsigned char sig[ES256_SIG_LEN]);

/* The public JWK {"kty":"EC","crv":"P-256","x":..,"y":..,"kid":..,"alg":"ES256","use":"sig"}
 * (with "revoked" as token_jwks_build writes it for a compromised key); NULL when out of
 * memory. */
json_t *es256_jwk(const struct es256_pubkey *k);
/* The P-256 keys of a JWKS document (other keys are skipped; an EC P-256 entry whose x/y is
 * not a point or whose kid is not its own is an error). 0 with *out (free()) and *out_n
 * (possibly 0), or -1 with a one-line message in err. */
int es256_jwks_parse(struct es256_pubkey **out, size_t *out_n, const char *json, size_t len,
                     char *err, size_t errlen);

/* The compact JWT header {"alg":"ES256","typ":"JWT","kid":kid_url} . payload . signature
 * (payload as compact JSON, keys in the object's order). *out is malloc'd (free()). 0, or -1
 * (out of memory, OpenSSL failure, longer than ES256_JWT_MAX). */
int es256_jwt_sign(char **out, const json_t *payload, const char *kid_url,
                   const struct es256_key *k);
/* The kid a header's kid names: the characters after its last '/' or '#'. 0 and out, or -1
 * when what follows is not a kid. */
int es256_kid_of_url(char out[TOKEN_KID_LEN + 1], const char *kid_url);
/* Verifies a compact JWT: three segments of canonical base64url, a header of exactly alg
 * "ES256", typ "JWT" and a string kid naming one of keys, a 64-byte signature that holds
 * under it, a payload that is a JSON object. Returns CERT_FAULT_NONE with *out_payload (the
 * caller's, json_decref) and *out_key (one of keys); otherwise the fault, with the reason in
 * why and *out_payload NULL. */
enum cert_fault es256_jwt_verify(json_t **out_payload, const struct es256_pubkey **out_key,
                                 const char *jwt, size_t len, const struct es256_pubkey *keys,
                                 size_t nkeys, char *why, size_t whylen);
/* The header's alg of a compact JWS, read without any check (to tell ES256 from EdDSA
 * credentials): 0 and out, or -1 when the text has no readable header. */
int es256_jws_alg(char *out, size_t size, const char *jws, size_t len);

#endif
