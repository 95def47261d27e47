/*
 * The public transparency log of certificate issuance, as the application uses it: every
 * issuance, revocation, suspension and reinstatement is appended as one log entry inside the
 * same store transaction as the change itself, so the register and the log never disagree.
 * The entry format, the tiles, checkpoints and proofs are described in
 * docs/transparency-log.md; the pure hashing and encoding is in the core (ujikom/tlog.h).
 */
#ifndef UJIKOM_CERTLOG_H
#define UJIKOM_CERTLOG_H

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

#endif
