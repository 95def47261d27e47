/*
 * C2SP signed notes with Ed25519 signatures: text ending in a newline, a blank line, and
 * signature lines "— <key name> base64(key ID || signature)". The key ID is the first four
 * bytes of SHA-256(name || 0x0A || 0x01 || public key); a verifier key is written
 * "<name>+<hex key ID>+base64(0x01 || public key)".
 *
 * Pure functions. Notes are untrusted input: note_open checks the whole shape before any
 * signature and refuses a note in which a known key's signature fails.
 */
#ifndef UJIKOM_NOTE_H
#define UJIKOM_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOTE_NAME_MAX    255                 /* bytes of a key name */
#define NOTE_MAX_SIZE    ((size_t)64 * 1024) /* bytes of a signed note this parser accepts */
#define NOTE_MAX_SIGS    32                  /* signature lines (the spec requires accepting 16) */
#define NOTE_ALG_ED25519 0x01
#define NOTE_PUB_LEN     32
#define NOTE_SEED_LEN    32
#define NOTE_SIG_LEN     64

/* A public (verifier) key. */
struct note_key {
  char name[NOTE_NAME_MAX + 1];
  uint32_t id;
  unsigned char pub[NOTE_PUB_LEN];
};

/* A signing key: its public half and the Ed25519 seed (wipe with note_signer_wipe). */
struct note_signer {
  struct note_key key;
  unsigned char seed[NOTE_SEED_LEN];
};

/* True when name is a valid key name: 1..NOTE_NAME_MAX bytes of UTF-8, no Unicode space,
 * no '+', no control character. */
bool note_name_valid(const char *name, size_t len);
/* key ID = first 4 bytes (big-endian) of SHA-256(name || 0x0A || 0x01 || pub). Returns 0
 * or -1 (OpenSSL failure). */
int note_key_id(uint32_t *out, const char *name, size_t len, const unsigned char pub[NOTE_PUB_LEN]);
/* Derives a signer for name from an Ed25519 seed. Returns 0, or -1 (invalid name, OpenSSL
 * failure; out is wiped then). */
int note_signer_from_seed(struct note_signer *out, const char *name,
                          const unsigned char seed[NOTE_SEED_LEN]);
void note_signer_wipe(struct note_signer *s);

/* The verifier key string of k. Returns it (malloc'd, free()) or NULL (out of memory). */
char *note_vkey_format(const struct note_key *k);
/* Parses a verifier key string strictly: valid name, 8 lower-case hex digits equal to the
 * key ID computed from name and key, canonical padded base64 of 0x01 and 32 bytes. Returns 0
 * or -1 with a reason in err. */
int note_vkey_parse(struct note_key *out, const char *s, size_t len, char *err, size_t errlen);

/* Signs text (which must be valid note text: UTF-8, ends in "\n", no control characters but
 * newline, no empty last line) with signer. Returns 0 and *out (text, blank line, one
 * signature line; malloc'd, NUL-terminated, free()), or -1. */
int note_sign(char **out, const char *text, size_t len, const struct note_signer *signer);
/* Opens a signed note: checks its shape, verifies every signature by a key in keys (name and
 * key ID both match) and ignores signatures of unknown keys. Succeeds only when at least one
 * known signature verifies and none fails. Returns 0 and *out_text (the note text, malloc'd,
 * NUL-terminated, free()) of *out_len bytes, or -1 with a reason in err. */
int note_open(char **out_text, size_t *out_len, const char *msg, size_t len,
              const struct note_key *keys, size_t nkeys, char *err, size_t errlen);

/* Standard padded base64 (RFC 4648 section 4), the encoding of notes, checkpoints and
 * proofs. Encode returns a malloc'd string (free()) or NULL. Decode is strict (alphabet,
 * padding, canonical trailing bits): returns 0 and *out (malloc'd, free()) of *out_len
 * bytes, or -1. */
char *note_b64_encode(const void *data, size_t len);
int note_b64_decode(unsigned char **out, size_t *out_len, const char *text, size_t len);

#endif
