/*
 * The public transparency log of certificate issuance, as the application uses it: every
 * issuance, revocation, suspension and reinstatement is appended as one log entry inside the
 * same store transaction as the change itself, so the register and the log never disagree.
 * The entry format, the tiles, checkpoints and proofs are described in
 * docs/transparency-log.md; the pure hashing and encoding is in the core (ujikom/tlog.h).
 */
#ifndef UJIKOM_CERTLOG_H
#define UJIKOM_CERTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_certs.h"

enum certlog_event {
  CERTLOG_ISSUE = 0, /* a certificate was issued (c: the stored certificate) */
  CERTLOG_REVOKE,    /* revoked for good (reason: why) */
  CERTLOG_SUSPEND,   /* suspended (reason: why) */
  CERTLOG_REINSTATE, /* a suspension was lifted (reason: why) */
};

/* Appends the event about certificate c to the log inside tx (at the transaction's time).
 * reason may be NULL for CERTLOG_ISSUE. Returns STORE_OK or a negative store code (the
 * caller then rolls the whole change back). */
int certlog_append_tx(struct store_tx *tx, enum certlog_event ev, const struct store_cert *c,
                      const char *reason);

/* Where the issuance of serial is in the log: STORE_OK with *out_index (0-based position)
 * and *out_logged_ms (when it was appended), STORE_NONE when the log has no issuance entry
 * for it, or a negative store code. */
int certlog_issued_at(struct store_rd *rd, const char *serial, uint64_t *out_index,
                      int64_t *out_logged_ms);

/* --- the published log (tiles, checkpoints, proofs; docs/transparency-log.md) --- */

#define CERTLOG_KEY_FILE   "log-signing.key" /* under the data directory: the Ed25519 seed */
#define CERTLOG_ORIGIN_MAX 255

struct certlog; /* thread-safe; one per process */
struct tlog_tile;

/* The log's origin (its checkpoints' first line and its key's name) for a public URL: the URL
 * without its scheme and trailing slashes, then "/log" ("https://lsp.example.id" ->
 * "lsp.example.id/log"). Returns 0, or -1 when the result is not a valid key name. */
int certlog_origin_of(char out[CERTLOG_ORIGIN_MAX + 1], const char *public_url);

/* Opens the published log over store: reads the signing key <data_dir>/log-signing.key (32
 * bytes, mode 0600; created when missing and create is true; a symlink, a file others may
 * read, or one of another size is refused) and names it after public_url's origin. Returns 0
 * and *out (free with certlog_free), or -1 with one line in err. */
int certlog_open(struct certlog **out, struct store *store, const char *data_dir,
                 const char *public_url, bool create, char *err, size_t errlen);
/* Wipes the key and frees. NULL allowed. */
void certlog_free(struct certlog *l);
/* The origin, and the verifier key string ("<origin>+<key id>+<base64 key>"); valid as long
 * as l. */
const char *certlog_origin(const struct certlog *l);
const char *certlog_vkey(const struct certlog *l);

/* The signed checkpoint of the whole log as it is now: the stored one when the log has not
 * grown since, else a new one, signed and stored. STORE_OK with *out (malloc'd, free()) of
 * *out_len bytes and the tree size in *out_size (may be NULL), or a negative store code. */
int certlog_checkpoint(struct certlog *l, char **out, size_t *out_len, uint64_t *out_size);

/* The contents of tile t (tlog-tiles: t->width hashes of level 8 * t->level, or for
 * TLOG_ENTRIES the entry bundle). STORE_OK with *out (malloc'd, free()) of *out_len bytes;
 * STORE_NONE when the log does not (yet) hold that tile; a negative store code. */
int certlog_tile(struct certlog *l, const struct tlog_tile *t, unsigned char **out,
                 size_t *out_len);

/* The inclusion proof (C2SP tlog-proof) of serial's issue entry in the current checkpoint,
 * with the entry's bytes as its extra data. STORE_OK with *out (malloc'd, free()) of
 * *out_len bytes and the certificate's holder in *out_user_id; STORE_NONE when there is no
 * such certificate or it has no issue entry; a negative store code. */
int certlog_proof(struct certlog *l, const char *serial, char **out, size_t *out_len,
                  int64_t *out_user_id);

/* Appends the issuance of every certificate that predates the log and has no entry yet, in
 * issue order, each followed by its revocation or suspension when it is revoked or suspended
 * (idempotent; run at start-up), and takes each off the list (tlog_backfill) once its
 * issuance is in the log, so later starts find an empty list. *out_n: how many certificates
 * were appended. STORE_OK or a negative store code. */
int certlog_backfill(struct store *store, size_t *out_n);

/* What the register <-> log cross-check found (the first CERTLOG_CHECK_MAX of each kind). */
#define CERTLOG_CHECK_MAX 100
struct certlog_check {
  struct store_tlog_serial unlogged[CERTLOG_CHECK_MAX]; /* certificates without an issue entry */
  size_t nunlogged;
  struct store_tlog_status differs[CERTLOG_CHECK_MAX]; /* status not what the log says */
  size_t ndiffers;
  uint64_t bad_entries; /* entries whose bytes do not hash to their leaf or do not parse */
  uint64_t entries;     /* entries checked */
};

/* The register <-> log cross-check, in one read snapshot: every certificate must have its
 * issue entry, its status must be what its log entries make it, and every stored entry must
 * hash to its stored leaf hash and parse. STORE_OK (see *out for what was found) or
 * negative. */
int certlog_cross_check(struct store *store, struct certlog_check *out);

#endif
