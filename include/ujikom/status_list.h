/*
 * W3C Bitstring Status List v1.0: the bitstring a status list credential publishes (one bit
 * per certificate, for one status purpose such as revocation or suspension), its
 * `encodedList` form (multibase 'u' + base64url without padding of the GZIP-compressed
 * bitstring), and the random choice of a certificate's index so that indexes say nothing
 * about the order of issuance.
 *
 * Pure functions but for the CSPRNG. Bit 0 is the left-most (most significant) bit of the
 * first byte, as the specification defines.
 */
#ifndef UJIKOM_STATUS_LIST_H
#define UJIKOM_STATUS_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ujikom/token.h"

/* The specification's minimum: 16 KiB uncompressed, 131,072 entries (herd privacy). */
#define STATUS_LIST_MIN_BITS 131072u
/* The largest list this code makes or decodes: 2 MiB uncompressed (16,777,216 entries).
 * A decoder stops inflating there, so a small "decompression bomb" costs no more. */
#define STATUS_LIST_MAX_BITS ((size_t)16 * 1024 * 1024)
/* The longest encodedList accepted (characters); a 2 MiB list of random bits fits. */
#define STATUS_LIST_MAX_ENCODED ((size_t)4 * 1024 * 1024)

struct status_list {
  unsigned char *bits;
  size_t nbits; /* a multiple of 8, STATUS_LIST_MIN_BITS..STATUS_LIST_MAX_BITS */
};

/* A list of nbits zero bits. Returns 0 and *out (free with status_list_free), or -1 when
 * nbits is out of range or not a multiple of 8, or memory runs out. */
int status_list_new(struct status_list **out, size_t nbits);
void status_list_free(struct status_list *l);
/* Sets bit index to value. Returns 0, or -1 when index is out of range. */
int status_list_set(struct status_list *l, uint64_t index, bool value);
/* Returns the bit (0 or 1), or -1 when index is out of range. */
int status_list_get(const struct status_list *l, uint64_t index);

/* The encodedList of l. Returns 0 and *out (malloc'd, NUL-terminated, free()), or -1. */
int status_list_encode(char **out, const struct status_list *l);
/* Decodes an encodedList strictly: 'u' prefix, canonical base64url without padding, one
 * GZIP member and nothing after it, an uncompressed size of STATUS_LIST_MIN_BITS to
 * STATUS_LIST_MAX_BITS bits. Returns 0 and *out (free with status_list_free), or -1 with a
 * reason in err. */
int status_list_decode(struct status_list **out, const char *text, size_t len, char *err,
                       size_t errlen);

/* The length of the published list that covers every index below upto:
 * STATUS_LIST_MIN_BITS, doubled as often as that takes (so a list only ever grows, and an
 * index handed out stays inside every later list). 0 when upto is above STATUS_LIST_MAX_BITS. */
size_t status_list_bits_for(uint64_t upto);

/* Whether an index is already given to a certificate (the caller's register knows). */
typedef bool (*status_list_in_use_fn)(void *ctx, uint64_t index);
/* Chooses an index not in use for a new certificate, at random (OpenSSL RAND_bytes), so that
 * indexes say nothing about the order of issuance. upto is one past the highest index in use
 * (0 when none is). The draws are uniform over the list that covers upto
 * (status_list_bits_for); when STATUS_LIST_GROW_AFTER draws in a row hit used indexes (the
 * list is nearly full), the list doubles and the draws go on over it, up to max_bits
 * entries. At max_bits, after 64 such draws, the first free index after a random start.
 * Returns 0 and *out (below max_bits), or -1 when every index below max_bits is in use,
 * max_bits is below STATUS_LIST_MIN_BITS or above STATUS_LIST_MAX_BITS, or the CSPRNG fails. */
#define STATUS_LIST_GROW_AFTER 16
int status_list_random_index(uint64_t *out, uint64_t upto, uint64_t max_bits,
                             status_list_in_use_fn in_use, void *ctx);

/* --- the published list: a BitstringStatusListCredential (VC 2.0) signed as a JWS --- */
enum status_purpose { STATUS_PURPOSE_REVOCATION = 0, STATUS_PURPOSE_SUSPENSION };
/* "revocation" or "suspension". */
const char *status_purpose_name(enum status_purpose p);

/* The credential publishing list l for purpose at list_url (its id, and the
 * statusListCredential that certificates name), issued by issuer (the service's did:web) at
 * valid_from (seconds), as a compact JWS: header {"alg":"EdDSA","kid":..,"typ":"vc+jwt"}, payload
 * the credential itself (VC 2.0 JOSE). Returns 0 and *out (malloc'd, free()), or -1. */
int status_list_credential_sign(char **out, const struct status_list *l,
                                enum status_purpose purpose, const char *list_url,
                                const char *issuer, int64_t valid_from,
                                const struct token_key *key);

/* What a verified status list credential says. */
struct status_list_credential {
  enum status_purpose purpose;
  char id[512];                /* the list's URL (credential id) */
  char issuer[256];            /* issuer id */
  char valid_from[40];         /* as written (RFC 3339) */
  char kid[TOKEN_KID_LEN + 1]; /* the key that signed it */
  struct status_list *list;    /* owned; free with status_list_credential_clear */
};
void status_list_credential_clear(struct status_list_credential *c);
/* Verifies a status list credential strictly (an untrusted file or download): a compact JWS
 * of at most STATUS_LIST_MAX_ENCODED + 64 KiB bytes with exactly the header above, a kid in
 * keys whose Ed25519 signature checks, a payload that is a VC 2.0
 * BitstringStatusListCredential with one credentialSubject of type BitstringStatusList, a
 * known statusPurpose and an encodedList that status_list_decode accepts. Returns 0 and
 * *out (clear with status_list_credential_clear), or -1 with a reason in err. */
int status_list_credential_verify(struct status_list_credential *out, const char *jws, size_t len,
                                  const struct token_pubkey *keys, size_t nkeys, char *err,
                                  size_t errlen);

#endif
